# Copyright (c) mmvb contributors. All rights reserved.
"""Data transforms (registered into ``mmaction.registry.TRANSFORMS``)."""
from .audio import (CachedFbank, FormatFbankShape, KaldiFbank, LoadAudio,
                    NormalizeFbank, PadCropFbank, SpecAugment, WaveformMixup)
from .box_jitter import GTBoxJitter
from .color_jitter import HueSafeColorJitter
from .driver_loading import DecodeDriverClip, LoadClipFeatures, SampleAllFrames
from .formatting import PackMPEblinkInputs
from .region_formatting import PackRegionInputs

__all__ = [
    'CachedFbank', 'DecodeDriverClip', 'FormatFbankShape', 'GTBoxJitter',
    'HueSafeColorJitter', 'KaldiFbank', 'LoadAudio', 'LoadClipFeatures',
    'NormalizeFbank', 'PackMPEblinkInputs', 'PackRegionInputs', 'PadCropFbank',
    'SampleAllFrames', 'SpecAugment', 'WaveformMixup'
]
