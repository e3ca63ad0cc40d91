# Copyright (c) mmvb contributors. All rights reserved.
"""Registered model parts (into ``mmaction.registry.MODELS``)."""
from .data_preprocessors import PaddedActionDataPreprocessor
from .heads import InstBlinkHead, InstBlinkStage, VerbNounHead
from .layers import DynamicConv, QueryInteraction
from .localizers import InstBlink, convert_official_instblink
from .losses import SigmoidFocalLoss, sigmoid_focal_loss
from .necks import FPNNeck
from .task_modules import (ActorMatchCost, BaseMatchCost, BoxL1MatchCost,
                           FocalMatchCost, GIoUMatchCost, HungarianMatcher,
                           MultiLabelMatchCost, pad_targets)

__all__ = [
    'PaddedActionDataPreprocessor', 'InstBlinkHead', 'InstBlinkStage',
    'VerbNounHead', 'DynamicConv', 'QueryInteraction', 'InstBlink',
    'convert_official_instblink',
    'SigmoidFocalLoss', 'sigmoid_focal_loss', 'FPNNeck', 'ActorMatchCost',
    'BaseMatchCost', 'BoxL1MatchCost', 'FocalMatchCost', 'GIoUMatchCost',
    'HungarianMatcher', 'MultiLabelMatchCost', 'pad_targets'
]
