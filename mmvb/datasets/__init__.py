# Copyright (c) mmvb contributors. All rights reserved.
"""Datasets, transforms and the synthetic-data kit."""
from . import synthetic  # noqa: F401
from .audio_io import (audio_info, build_clip_list, extract_audio, index_files,
                       load_audio, prepare_clips, resample, write_audio)
from .audio_mix_dataset import AudioMixDataset
from .dripe import DriPEDataset
from .driver_regions import (REGION_NAMES, RegionTokenCache, dump_region_boxes,
                             save_region_tokens, wholebody_region_boxes)
from .epic_kitchens_audio_dataset import EpicKitchensAudioDataset
from .transforms import (CachedFbank, FormatFbankShape, KaldiFbank, LoadAudio,
                         NormalizeFbank, PackRegionInputs, PadCropFbank,
                         SpecAugment, WaveformMixup)

__all__ = [
    'AudioMixDataset', 'CachedFbank', 'DriPEDataset',
    'EpicKitchensAudioDataset', 'FormatFbankShape', 'KaldiFbank', 'LoadAudio',
    'NormalizeFbank', 'PackRegionInputs', 'PadCropFbank', 'REGION_NAMES',
    'RegionTokenCache', 'SpecAugment', 'WaveformMixup', 'audio_info',
    'build_clip_list', 'dump_region_boxes', 'extract_audio', 'index_files',
    'load_audio', 'prepare_clips', 'resample', 'save_region_tokens',
    'wholebody_region_boxes', 'write_audio'
]
