# Copyright (c) mmvb contributors. All rights reserved.
"""Data transforms (registered into ``mmaction.registry.TRANSFORMS``)."""
from .audio import (CachedFbank, FormatFbankShape, KaldiFbank, LoadAudio,
                    NormalizeFbank, PadCropFbank, SpecAugment, WaveformMixup)
from .region_formatting import PackRegionInputs

__all__ = [
    'CachedFbank', 'FormatFbankShape', 'KaldiFbank', 'LoadAudio',
    'NormalizeFbank', 'PackRegionInputs', 'PadCropFbank', 'SpecAugment',
    'WaveformMixup'
]
