# Copyright (c) mmvb contributors. All rights reserved.
"""``nn.Module`` blocks used inside backbones and heads."""
from .adapters import (ADAPTER_TYPES, AdaptFormerAdapter, LoRAQKV,
                       SpatialInductiveAdapter, TaskAwareAdapter)
from .attention_maps import collect_attention_maps, record_attention_map
from .bimamba import BiMamba
from .cbam import CBAM
from .deformable_attention import (AudioOffsetGenerator,
                                   ChannelsFirstLayerNorm,
                                   DeformableAudioAttention, reference_points)
from .dynamic_conv import DynamicConv
from .input_adaptor import InputPerturbation, LearnableInputAdaptor
from .mlp import MLP
from .query_interaction import QueryInteraction
from .satpm import (DynamicDifferenceExtractor, FineGrainedMotionEncoder,
                    SATPMBlock, central_difference, temporal_regroup,
                    temporal_split)
from .w3_attention import W3Attention

__all__ = [
    'ADAPTER_TYPES', 'AdaptFormerAdapter', 'AudioOffsetGenerator', 'BiMamba',
    'CBAM', 'ChannelsFirstLayerNorm', 'DeformableAudioAttention',
    'DynamicConv', 'DynamicDifferenceExtractor', 'FineGrainedMotionEncoder',
    'InputPerturbation', 'LearnableInputAdaptor', 'LoRAQKV', 'MLP',
    'QueryInteraction', 'SATPMBlock', 'SpatialInductiveAdapter',
    'TaskAwareAdapter', 'W3Attention', 'central_difference',
    'collect_attention_maps', 'record_attention_map', 'reference_points',
    'temporal_regroup', 'temporal_split'
]
