# Copyright (c) mmvb contributors. All rights reserved.
"""Registered model parts (into ``mmaction.registry.MODELS``)."""
from .backbones import (AudioSpectrogramTransformer, BCVEncoder,
                        DeformableAudioTransformer, DeformableBlock)
from .heads import CRCDHead, IRDDHead, VerbNounHead
from .layers import (AdaptFormerAdapter, AudioOffsetGenerator,
                     DeformableAudioAttention, InputPerturbation,
                     LearnableInputAdaptor, LoRAQKV, SpatialInductiveAdapter,
                     TaskAwareAdapter)
from .pretrainers import SBCDPretrainer
from .task_modules import (ActorMatchCost, BaseMatchCost, BoxL1MatchCost,
                           FocalMatchCost, GIoUMatchCost, HungarianMatcher,
                           MultiLabelMatchCost, pad_targets)

__all__ = [
    'ActorMatchCost', 'AdaptFormerAdapter', 'AudioOffsetGenerator',
    'AudioSpectrogramTransformer', 'BCVEncoder', 'BaseMatchCost',
    'BoxL1MatchCost', 'CRCDHead', 'DeformableAudioAttention',
    'DeformableAudioTransformer', 'DeformableBlock', 'FocalMatchCost',
    'GIoUMatchCost', 'HungarianMatcher', 'IRDDHead', 'InputPerturbation',
    'LearnableInputAdaptor', 'LoRAQKV', 'MultiLabelMatchCost',
    'SBCDPretrainer', 'SpatialInductiveAdapter', 'TaskAwareAdapter',
    'VerbNounHead', 'pad_targets'
]
