# Copyright (c) mmvb contributors. All rights reserved.
"""Registered model parts (into ``mmaction.registry.MODELS``)."""
from .backbones import (AttentionBasicBlock, AttentionBottleneck,
                        AudioSpectrogramTransformer, BCVEncoder,
                        DeformableAudioTransformer, DeformableBlock,
                        ResNetTSMW3)
from .data_preprocessors import FrameFeatureDataPreprocessor
from .heads import CRCDHead, DualScopeHead, IRDDHead, VerbNounHead
from .layers import (CBAM, AdaptFormerAdapter, AudioOffsetGenerator, BiMamba,
                     DeformableAudioAttention, DynamicDifferenceExtractor,
                     FineGrainedMotionEncoder, InputPerturbation,
                     LearnableInputAdaptor, LoRAQKV, SATPMBlock,
                     SpatialInductiveAdapter, TaskAwareAdapter, W3Attention,
                     collect_attention_maps, record_attention_map)
from .losses import FeatureMimicLoss
from .pretrainers import SBCDPretrainer
from .recognizers import DualScopeRecognizer, MFRRecognizer2D
from .task_modules import (ActorMatchCost, BaseMatchCost, BoxL1MatchCost,
                           FocalMatchCost, GIoUMatchCost, HungarianMatcher,
                           MultiLabelMatchCost, pad_targets)

__all__ = [
    'ActorMatchCost', 'AdaptFormerAdapter', 'AttentionBasicBlock',
    'AttentionBottleneck', 'AudioOffsetGenerator',
    'AudioSpectrogramTransformer', 'BCVEncoder', 'BaseMatchCost', 'BiMamba',
    'BoxL1MatchCost', 'CBAM', 'CRCDHead', 'DeformableAudioAttention',
    'DeformableAudioTransformer', 'DeformableBlock', 'DualScopeHead',
    'DualScopeRecognizer', 'DynamicDifferenceExtractor', 'FeatureMimicLoss',
    'FineGrainedMotionEncoder', 'FocalMatchCost',
    'FrameFeatureDataPreprocessor', 'GIoUMatchCost', 'HungarianMatcher',
    'IRDDHead', 'InputPerturbation', 'LearnableInputAdaptor', 'LoRAQKV',
    'MFRRecognizer2D', 'MultiLabelMatchCost', 'ResNetTSMW3', 'SATPMBlock',
    'SBCDPretrainer', 'SpatialInductiveAdapter', 'TaskAwareAdapter',
    'VerbNounHead', 'W3Attention', 'collect_attention_maps', 'pad_targets',
    'record_attention_map'
]
