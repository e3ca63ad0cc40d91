# Copyright (c) mmvb contributors. All rights reserved.
"""Registered model parts (into ``mmaction.registry.MODELS``)."""
from .backbones import (AudioSpectrogramTransformer, BCVEncoder,
                        DeformableAudioTransformer, DeformableBlock)
from .data_preprocessors import (FrameFeatureDataPreprocessor,
                                 PaddedActionDataPreprocessor)
from .heads import (CRCDHead, DualScopeHead, InstBlinkHead, InstBlinkStage,
                    IRDDHead, VerbNounHead)
from .layers import (AdaptFormerAdapter, AudioOffsetGenerator, BiMamba,
                     DeformableAudioAttention, DynamicConv,
                     DynamicDifferenceExtractor, FineGrainedMotionEncoder,
                     InputPerturbation, LearnableInputAdaptor, LoRAQKV,
                     QueryInteraction, SATPMBlock, SpatialInductiveAdapter,
                     TaskAwareAdapter)
from .localizers import InstBlink, convert_official_instblink
from .losses import BinaryFocalLoss, sigmoid_focal_loss
from .necks import FPNNeck
from .pretrainers import SBCDPretrainer
from .recognizers import DualScopeRecognizer
from .task_modules import (ActorMatchCost, BaseMatchCost, BoxL1MatchCost,
                           FocalMatchCost, GIoUMatchCost, HungarianMatcher,
                           MultiLabelMatchCost, pad_targets)

__all__ = [
    'ActorMatchCost', 'AdaptFormerAdapter', 'AudioOffsetGenerator',
    'AudioSpectrogramTransformer', 'BCVEncoder', 'BaseMatchCost', 'BiMamba',
    'BoxL1MatchCost', 'CRCDHead', 'DeformableAudioAttention',
    'DeformableAudioTransformer', 'DeformableBlock', 'DualScopeHead',
    'DualScopeRecognizer', 'DynamicConv', 'DynamicDifferenceExtractor',
    'FPNNeck', 'FineGrainedMotionEncoder', 'FocalMatchCost',
    'FrameFeatureDataPreprocessor', 'GIoUMatchCost', 'HungarianMatcher',
    'IRDDHead', 'InputPerturbation', 'InstBlink', 'InstBlinkHead',
    'InstBlinkStage', 'LearnableInputAdaptor', 'LoRAQKV',
    'MultiLabelMatchCost', 'PaddedActionDataPreprocessor', 'QueryInteraction',
    'SATPMBlock', 'SBCDPretrainer', 'BinaryFocalLoss',
    'SpatialInductiveAdapter', 'TaskAwareAdapter', 'VerbNounHead',
    'convert_official_instblink', 'pad_targets', 'sigmoid_focal_loss'
]
