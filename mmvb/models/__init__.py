# Copyright (c) mmvb contributors. All rights reserved.
"""Registered model parts (into ``mmaction.registry.MODELS``)."""
from .heads import VerbNounHead
from .task_modules import (ActorMatchCost, BaseMatchCost, BoxL1MatchCost,
                           FocalMatchCost, GIoUMatchCost, HungarianMatcher,
                           MultiLabelMatchCost, pad_targets)

__all__ = [
    'VerbNounHead', 'ActorMatchCost', 'BaseMatchCost', 'BoxL1MatchCost',
    'FocalMatchCost', 'GIoUMatchCost', 'HungarianMatcher',
    'MultiLabelMatchCost', 'pad_targets'
]
