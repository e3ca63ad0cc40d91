# Copyright (c) mmvb contributors. All rights reserved.
"""Registered model parts (into ``mmaction.registry.MODELS``)."""
from .backbones import (AttentionBasicBlock, AttentionBottleneck,
                        AudioSpectrogramTransformer, BCVEncoder, BMViTBackbone,
                        DeformableAudioTransformer, DeformableBlock,
                        ResNetTSMW3)
from .data_preprocessors import (FrameFeatureDataPreprocessor,
                                 PaddedActionDataPreprocessor)
from .heads import (BMViTHead, CRCDHead, DualScopeHead, InstBlinkHead,
                    InstBlinkStage, IRDDHead, VerbNounHead, owlvit_box_bias)
from .layers import (CBAM, AdaptFormerAdapter, AudioOffsetGenerator, BiMamba,
                     DeformableAudioAttention, DynamicConv,
                     DynamicDifferenceExtractor, FineGrainedMotionEncoder,
                     InputPerturbation, LearnableInputAdaptor, LoRAQKV,
                     QueryInteraction, SATPMBlock, SpatialInductiveAdapter,
                     TaskAwareAdapter, W3Attention, collect_attention_maps,
                     record_attention_map)
from .localizers import BMViTLocalizer, InstBlink, convert_official_instblink
from .losses import BinaryFocalLoss, FeatureMimicLoss, sigmoid_focal_loss
from .necks import FPNNeck
from .pretrainers import SBCDPretrainer
from .recognizers import DualScopeRecognizer, MFRRecognizer2D
from .task_modules import (ActorMatchCost, BaseMatchCost, BoxL1MatchCost,
                           FocalMatchCost, GIoUMatchCost, HungarianMatcher,
                           MultiLabelMatchCost, pad_targets)

__all__ = [
    'ActorMatchCost', 'AdaptFormerAdapter', 'AttentionBasicBlock',
    'AttentionBottleneck', 'AudioOffsetGenerator',
    'AudioSpectrogramTransformer', 'BCVEncoder', 'BMViTBackbone', 'BMViTHead',
    'BMViTLocalizer', 'BaseMatchCost', 'BiMamba', 'BinaryFocalLoss',
    'BoxL1MatchCost', 'CBAM', 'CRCDHead', 'DeformableAudioAttention',
    'DeformableAudioTransformer', 'DeformableBlock', 'DualScopeHead',
    'DualScopeRecognizer', 'DynamicConv', 'DynamicDifferenceExtractor',
    'FPNNeck', 'FeatureMimicLoss', 'FineGrainedMotionEncoder',
    'FocalMatchCost', 'FrameFeatureDataPreprocessor', 'GIoUMatchCost',
    'HungarianMatcher', 'IRDDHead', 'InputPerturbation', 'InstBlink',
    'InstBlinkHead', 'InstBlinkStage', 'LearnableInputAdaptor', 'LoRAQKV',
    'MFRRecognizer2D', 'MultiLabelMatchCost', 'PaddedActionDataPreprocessor',
    'QueryInteraction', 'ResNetTSMW3', 'SATPMBlock', 'SBCDPretrainer',
    'SpatialInductiveAdapter', 'TaskAwareAdapter', 'VerbNounHead',
    'W3Attention', 'collect_attention_maps', 'convert_official_instblink',
    'owlvit_box_bias', 'pad_targets', 'record_attention_map',
    'sigmoid_focal_loss'
]
