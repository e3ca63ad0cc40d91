# Copyright (c) mmvb contributors. All rights reserved.
"""Registered backbones."""
from .ast import AudioSpectrogramTransformer
from .bcve import BCVEncoder, BCVEncoderLayer, count_parameters
from .datar import DeformableAudioTransformer, DeformableBlock

__all__ = [
    'AudioSpectrogramTransformer', 'BCVEncoder', 'BCVEncoderLayer',
    'DeformableAudioTransformer', 'DeformableBlock', 'count_parameters'
]
