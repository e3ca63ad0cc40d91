# Copyright (c) mmvb contributors. All rights reserved.
"""Registered model parts (into ``mmaction.registry.MODELS``)."""
from .backbones import (AttentionBasicBlock, AttentionBottleneck,
                        AudioSpectrogramTransformer, BCVEncoder, BMViTBackbone,
                        DeformableAudioTransformer, DeformableBlock,
                        ResNetTSMW3)
from .data_preprocessors import (FrameFeatureDataPreprocessor,
                                 PaddedActionDataPreprocessor)
from .dense_heads import BMViTHead, owlvit_box_bias
from .detectors import BMViTLocalizer, InstBlink
from .heads import CRCDHead, DualScopeHead, IRDDHead, VerbNounHead
from .layers import (CBAM, AdaptFormerAdapter, AudioOffsetGenerator, BiMamba,
                     DeformableAudioAttention, DynamicConv,
                     DynamicDifferenceExtractor, FineGrainedMotionEncoder,
                     InputPerturbation, LearnableInputAdaptor, LoRAQKV,
                     QueryInteraction, SATPMBlock, SpatialInductiveAdapter,
                     TaskAwareAdapter, W3Attention, collect_attention_maps,
                     record_attention_map)
from .losses import BinaryFocalLoss, FeatureMimicLoss, sigmoid_focal_loss
from .necks import FPNNeck
from .pretrainers import SBCDPretrainer
from .recognizers import DualScopeRecognizer, MFRRecognizer2D, W3Recognizer2D
from .roi_heads import InstBlinkHead, InstBlinkStage
from .task_modules import (ActorMatchCost, BaseMatchCost, BoxL1MatchCost,
                           ClipLinker, FocalMatchCost, GIoUMatchCost,
                           HungarianMatcher, MultiLabelMatchCost,
                           blink_intervals, pad_targets, temporal_nms)
from .utils import convert_official_instblink

__all__ = [
    'ActorMatchCost', 'AdaptFormerAdapter', 'AttentionBasicBlock',
    'AttentionBottleneck', 'AudioOffsetGenerator',
    'AudioSpectrogramTransformer', 'BCVEncoder', 'BMViTBackbone', 'BMViTHead',
    'BMViTLocalizer', 'BaseMatchCost', 'BiMamba', 'BinaryFocalLoss',
    'BoxL1MatchCost', 'CBAM', 'ClipLinker', 'CRCDHead',
    'DeformableAudioAttention', 'DeformableAudioTransformer',
    'DeformableBlock', 'DualScopeHead', 'DualScopeRecognizer', 'DynamicConv',
    'DynamicDifferenceExtractor', 'FPNNeck', 'FeatureMimicLoss',
    'FineGrainedMotionEncoder', 'FocalMatchCost',
    'FrameFeatureDataPreprocessor', 'GIoUMatchCost', 'HungarianMatcher',
    'IRDDHead', 'InputPerturbation', 'InstBlink', 'InstBlinkHead',
    'InstBlinkStage', 'LearnableInputAdaptor', 'LoRAQKV', 'MFRRecognizer2D',
    'MultiLabelMatchCost', 'PaddedActionDataPreprocessor', 'QueryInteraction',
    'ResNetTSMW3', 'SATPMBlock', 'SBCDPretrainer', 'SpatialInductiveAdapter',
    'TaskAwareAdapter', 'VerbNounHead', 'W3Attention', 'W3Recognizer2D',
    'blink_intervals', 'collect_attention_maps', 'convert_official_instblink',
    'owlvit_box_bias', 'pad_targets', 'record_attention_map',
    'sigmoid_focal_loss', 'temporal_nms'
]
