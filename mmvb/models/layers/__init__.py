# Copyright (c) mmvb contributors. All rights reserved.
"""``nn.Module`` blocks used inside backbones and heads."""
from .adapters import (ADAPTER_TYPES, AdaptFormerAdapter, LoRAQKV,
                       SpatialInductiveAdapter, TaskAwareAdapter)
from .bimamba import BiMamba
from .deformable_attention import (AudioOffsetGenerator,
                                   ChannelsFirstLayerNorm,
                                   DeformableAudioAttention, reference_points)
from .input_adaptor import InputPerturbation, LearnableInputAdaptor
from .satpm import (DynamicDifferenceExtractor, FineGrainedMotionEncoder,
                    SATPMBlock, central_difference, temporal_regroup,
                    temporal_split)

__all__ = [
    'ADAPTER_TYPES', 'AdaptFormerAdapter', 'AudioOffsetGenerator', 'BiMamba',
    'ChannelsFirstLayerNorm', 'DeformableAudioAttention',
    'DynamicDifferenceExtractor', 'FineGrainedMotionEncoder',
    'InputPerturbation', 'LearnableInputAdaptor', 'LoRAQKV', 'SATPMBlock',
    'SpatialInductiveAdapter', 'TaskAwareAdapter', 'central_difference',
    'reference_points', 'temporal_regroup', 'temporal_split'
]
