# Copyright (c) mmvb contributors. All rights reserved.
"""``nn.Module`` blocks used inside backbones and heads."""
from .adapters import (ADAPTER_TYPES, AdaptFormerAdapter, LoRAQKV,
                       SpatialInductiveAdapter, TaskAwareAdapter)
from .bimamba import BiMamba
from .deformable_attention import (AudioOffsetGenerator,
                                   ChannelsFirstLayerNorm,
                                   DeformableAudioAttention, reference_points)
from .dynamic_conv import DynamicConv
from .input_adaptor import InputPerturbation, LearnableInputAdaptor
from .query_interaction import QueryInteraction
from .satpm import (DynamicDifferenceExtractor, FineGrainedMotionEncoder,
                    SATPMBlock, central_difference, temporal_regroup,
                    temporal_split)

__all__ = [
    'ADAPTER_TYPES', 'AdaptFormerAdapter', 'AudioOffsetGenerator', 'BiMamba',
    'ChannelsFirstLayerNorm', 'DeformableAudioAttention', 'DynamicConv',
    'DynamicDifferenceExtractor', 'FineGrainedMotionEncoder',
    'InputPerturbation', 'LearnableInputAdaptor', 'LoRAQKV',
    'QueryInteraction', 'SATPMBlock', 'SpatialInductiveAdapter',
    'TaskAwareAdapter', 'central_difference', 'reference_points',
    'temporal_regroup', 'temporal_split'
]
