# Copyright (c) mmvb contributors. All rights reserved.
"""Registered model parts (into ``mmaction.registry.MODELS``)."""
from .backbones import AttentionBasicBlock, AttentionBottleneck, ResNetTSMW3
from .heads import VerbNounHead
from .layers import (CBAM, W3Attention, collect_attention_maps,
                     record_attention_map)
from .losses import FeatureMimicLoss
from .recognizers import MFRRecognizer2D
from .task_modules import (ActorMatchCost, BaseMatchCost, BoxL1MatchCost,
                           FocalMatchCost, GIoUMatchCost, HungarianMatcher,
                           MultiLabelMatchCost, pad_targets)

__all__ = [
    'VerbNounHead', 'ActorMatchCost', 'BaseMatchCost', 'BoxL1MatchCost',
    'FocalMatchCost', 'GIoUMatchCost', 'HungarianMatcher',
    'MultiLabelMatchCost', 'pad_targets', 'AttentionBasicBlock',
    'AttentionBottleneck', 'ResNetTSMW3', 'CBAM', 'W3Attention',
    'collect_attention_maps', 'record_attention_map', 'FeatureMimicLoss',
    'MFRRecognizer2D'
]
