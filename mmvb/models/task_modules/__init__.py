# Copyright (c) mmvb contributors. All rights reserved.
"""Task utilities (registered into ``mmaction.registry.TASK_UTILS``)."""
from .hungarian_matcher import HungarianMatcher, pad_targets
from .match_costs import (ActorMatchCost, BaseMatchCost, BoxL1MatchCost,
                          FocalMatchCost, GIoUMatchCost, MultiLabelMatchCost)
from .tracking import ClipLinker, blink_intervals, temporal_nms

__all__ = [
    'HungarianMatcher', 'pad_targets', 'ActorMatchCost', 'BaseMatchCost',
    'BoxL1MatchCost', 'FocalMatchCost', 'GIoUMatchCost', 'MultiLabelMatchCost',
    'ClipLinker', 'blink_intervals', 'temporal_nms'
]
