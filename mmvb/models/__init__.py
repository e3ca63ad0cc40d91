# Copyright (c) mmvb contributors. All rights reserved.
"""Registered model parts (into ``mmaction.registry.MODELS``)."""
from .data_preprocessors import FrameFeatureDataPreprocessor
from .heads import DualScopeHead, VerbNounHead
from .layers import (BiMamba, DynamicDifferenceExtractor,
                     FineGrainedMotionEncoder, SATPMBlock)
from .recognizers import DualScopeRecognizer
from .task_modules import (ActorMatchCost, BaseMatchCost, BoxL1MatchCost,
                           FocalMatchCost, GIoUMatchCost, HungarianMatcher,
                           MultiLabelMatchCost, pad_targets)

__all__ = [
    'BiMamba', 'DualScopeHead', 'DualScopeRecognizer',
    'DynamicDifferenceExtractor', 'FineGrainedMotionEncoder',
    'FrameFeatureDataPreprocessor', 'SATPMBlock', 'VerbNounHead',
    'ActorMatchCost', 'BaseMatchCost', 'BoxL1MatchCost', 'FocalMatchCost',
    'GIoUMatchCost', 'HungarianMatcher', 'MultiLabelMatchCost', 'pad_targets'
]
