# Copyright (c) mmvb contributors. All rights reserved.
"""Task utilities (registered into ``mmaction.registry.TASK_UTILS``)."""
from .hungarian_matcher import HungarianMatcher, pad_targets
from .match_costs import (ActorMatchCost, BaseMatchCost, BoxL1MatchCost,
                          FocalMatchCost, GIoUMatchCost, MultiLabelMatchCost)

__all__ = [
    'HungarianMatcher', 'pad_targets', 'ActorMatchCost', 'BaseMatchCost',
    'BoxL1MatchCost', 'FocalMatchCost', 'GIoUMatchCost', 'MultiLabelMatchCost'
]
