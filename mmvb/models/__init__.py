# Copyright (c) mmvb contributors. All rights reserved.
"""Registered model parts (into ``mmaction.registry.MODELS``)."""
from .backbones import (AudioSpectrogramTransformer, BCVEncoder, BMViTBackbone,
                        DeformableAudioTransformer, DeformableBlock)
from .data_preprocessors import FrameFeatureDataPreprocessor
from .heads import (BMViTHead, CRCDHead, DualScopeHead, IRDDHead, VerbNounHead,
                    owlvit_box_bias)
from .layers import (AdaptFormerAdapter, AudioOffsetGenerator, BiMamba,
                     DeformableAudioAttention, DynamicDifferenceExtractor,
                     FineGrainedMotionEncoder, InputPerturbation,
                     LearnableInputAdaptor, LoRAQKV, SATPMBlock,
                     SpatialInductiveAdapter, TaskAwareAdapter)
from .localizers import BMViTLocalizer
from .pretrainers import SBCDPretrainer
from .recognizers import DualScopeRecognizer
from .task_modules import (ActorMatchCost, BaseMatchCost, BoxL1MatchCost,
                           FocalMatchCost, GIoUMatchCost, HungarianMatcher,
                           MultiLabelMatchCost, pad_targets)

__all__ = [
    'ActorMatchCost', 'AdaptFormerAdapter', 'AudioOffsetGenerator',
    'AudioSpectrogramTransformer', 'BCVEncoder', 'BMViTBackbone',
    'BMViTHead', 'BMViTLocalizer', 'BaseMatchCost', 'BiMamba',
    'BoxL1MatchCost', 'CRCDHead', 'DeformableAudioAttention',
    'DeformableAudioTransformer', 'DeformableBlock', 'DualScopeHead',
    'DualScopeRecognizer', 'DynamicDifferenceExtractor',
    'FineGrainedMotionEncoder', 'FocalMatchCost',
    'FrameFeatureDataPreprocessor', 'GIoUMatchCost', 'HungarianMatcher',
    'IRDDHead', 'InputPerturbation', 'LearnableInputAdaptor', 'LoRAQKV',
    'MultiLabelMatchCost', 'SATPMBlock', 'SBCDPretrainer',
    'SpatialInductiveAdapter', 'TaskAwareAdapter', 'VerbNounHead',
    'owlvit_box_bias', 'pad_targets'
]
