# Copyright (c) mmvb contributors. All rights reserved.
"""Building blocks used inside backbones and heads."""
from .deformable_attention import (AudioOffsetGenerator,
                                   ChannelsFirstLayerNorm,
                                   DeformableAudioAttention, reference_points)
from .input_adaptor import InputPerturbation, LearnableInputAdaptor

__all__ = [
    'AudioOffsetGenerator', 'ChannelsFirstLayerNorm',
    'DeformableAudioAttention', 'InputPerturbation', 'LearnableInputAdaptor',
    'reference_points'
]
