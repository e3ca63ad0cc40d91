# Copyright (c) mmvb contributors. All rights reserved.
"""Registered model parts (into ``mmaction.registry.MODELS``)."""
from .backbones import (AudioSpectrogramTransformer,
                        DeformableAudioTransformer, DeformableBlock)
from .heads import VerbNounHead
from .layers import (AudioOffsetGenerator, DeformableAudioAttention,
                     InputPerturbation, LearnableInputAdaptor)
from .task_modules import (ActorMatchCost, BaseMatchCost, BoxL1MatchCost,
                           FocalMatchCost, GIoUMatchCost, HungarianMatcher,
                           MultiLabelMatchCost, pad_targets)

__all__ = [
    'AudioSpectrogramTransformer', 'DeformableAudioTransformer',
    'DeformableBlock', 'AudioOffsetGenerator', 'DeformableAudioAttention',
    'InputPerturbation', 'LearnableInputAdaptor', 'VerbNounHead',
    'ActorMatchCost', 'BaseMatchCost', 'BoxL1MatchCost', 'FocalMatchCost',
    'GIoUMatchCost', 'HungarianMatcher', 'MultiLabelMatchCost', 'pad_targets'
]
