# Copyright (c) mmvb contributors. All rights reserved.
"""``nn.Module`` blocks used inside backbones and heads."""
from .adapters import (ADAPTER_TYPES, AdaptFormerAdapter, LoRAQKV,
                       SpatialInductiveAdapter, TaskAwareAdapter)
from .deformable_attention import (AudioOffsetGenerator,
                                   ChannelsFirstLayerNorm,
                                   DeformableAudioAttention, reference_points)
from .input_adaptor import InputPerturbation, LearnableInputAdaptor

__all__ = [
    'ADAPTER_TYPES', 'AdaptFormerAdapter', 'AudioOffsetGenerator',
    'ChannelsFirstLayerNorm', 'DeformableAudioAttention', 'InputPerturbation',
    'LearnableInputAdaptor', 'LoRAQKV', 'SpatialInductiveAdapter',
    'TaskAwareAdapter', 'reference_points'
]
