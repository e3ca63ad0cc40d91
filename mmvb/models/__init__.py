# Copyright (c) mmvb contributors. All rights reserved.
"""Registered model parts (into ``mmaction.registry.MODELS``)."""
from .backbones import BMViTBackbone
from .heads import BMViTHead, VerbNounHead, owlvit_box_bias
from .localizers import BMViTLocalizer
from .task_modules import (ActorMatchCost, BaseMatchCost, BoxL1MatchCost,
                           FocalMatchCost, GIoUMatchCost, HungarianMatcher,
                           MultiLabelMatchCost, pad_targets)

__all__ = [
    'BMViTBackbone', 'BMViTHead', 'BMViTLocalizer', 'VerbNounHead',
    'owlvit_box_bias', 'ActorMatchCost', 'BaseMatchCost', 'BoxL1MatchCost',
    'FocalMatchCost', 'GIoUMatchCost', 'HungarianMatcher',
    'MultiLabelMatchCost', 'pad_targets'
]
