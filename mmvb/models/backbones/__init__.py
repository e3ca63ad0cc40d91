# Copyright (c) mmvb contributors. All rights reserved.
"""Backbones (registered into ``mmaction.registry.MODELS``)."""
from .ast import AudioSpectrogramTransformer
from .datar import DeformableAudioTransformer, DeformableBlock

__all__ = [
    'AudioSpectrogramTransformer', 'DeformableAudioTransformer',
    'DeformableBlock'
]
