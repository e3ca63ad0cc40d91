# Copyright (c) mmvb contributors. All rights reserved.
"""Backbones (registered into ``mmaction.registry.MODELS``)."""
from .ast import AudioSpectrogramTransformer
from .bcve import BCVEncoder, BCVEncoderLayer, count_parameters
from .bmvit_backbone import BMViTBackbone
from .datar import DeformableAudioTransformer, DeformableBlock

__all__ = [
    'AudioSpectrogramTransformer', 'BCVEncoder', 'BCVEncoderLayer',
    'BMViTBackbone', 'DeformableAudioTransformer', 'DeformableBlock',
    'count_parameters'
]
