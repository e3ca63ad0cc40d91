# Copyright (c) mmvb contributors. All rights reserved.
"""Registered model parts (into ``mmaction.registry.MODELS``)."""
from .backbones import BCVEncoder
from .heads import CRCDHead, IRDDHead, VerbNounHead
from .layers import (AdaptFormerAdapter, LoRAQKV, SpatialInductiveAdapter,
                     TaskAwareAdapter)
from .pretrainers import SBCDPretrainer
from .task_modules import (ActorMatchCost, BaseMatchCost, BoxL1MatchCost,
                           FocalMatchCost, GIoUMatchCost, HungarianMatcher,
                           MultiLabelMatchCost, pad_targets)

__all__ = [
    'AdaptFormerAdapter', 'BCVEncoder', 'CRCDHead', 'IRDDHead', 'LoRAQKV',
    'SBCDPretrainer', 'SpatialInductiveAdapter', 'TaskAwareAdapter',
    'VerbNounHead', 'ActorMatchCost', 'BaseMatchCost', 'BoxL1MatchCost',
    'FocalMatchCost', 'GIoUMatchCost', 'HungarianMatcher',
    'MultiLabelMatchCost', 'pad_targets'
]
