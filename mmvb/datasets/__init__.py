# Copyright (c) mmvb contributors. All rights reserved.
"""Datasets, transforms and the synthetic-data kit."""
from . import synthetic  # noqa: F401
from .audio_io import (audio_info, build_clip_list, extract_audio, index_files,
                       load_audio, prepare_clips, resample, write_audio)
from .audio_mix_dataset import AudioMixDataset
from .epic_kitchens_audio_dataset import EpicKitchensAudioDataset
from .transforms import (CachedFbank, FormatFbankShape, KaldiFbank, LoadAudio,
                         NormalizeFbank, PadCropFbank, SpecAugment,
                         WaveformMixup)

__all__ = [
    'AudioMixDataset', 'CachedFbank', 'EpicKitchensAudioDataset',
    'FormatFbankShape', 'KaldiFbank', 'LoadAudio', 'NormalizeFbank',
    'PadCropFbank', 'SpecAugment', 'WaveformMixup', 'audio_info',
    'build_clip_list',
    'extract_audio', 'index_files', 'load_audio', 'prepare_clips',
    'resample', 'write_audio'
]
