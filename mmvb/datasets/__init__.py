# Copyright (c) mmvb contributors. All rights reserved.
"""Datasets, transforms and the synthetic-data kit."""
from . import synthetic  # noqa: F401
from .act_gt import (clean_act_gt, convert_act_release, load_act_gt,
                     missing_frames, save_act_gt)
from .action_tube_dataset import ActionTubeDataset
from .audio_io import (audio_info, build_clip_list, extract_audio, index_files,
                       load_audio, prepare_clips, resample, write_audio)
from .audio_mix_dataset import AudioMixDataset
from .checked_ava_dataset import (CheckedAVADataset, check_ava_csv,
                                  check_ava_exclude_file)
from .dripe import DriPEDataset
from .driver_activity import (DriverActivityDataset, dump_driver_annotations,
                              list_images, make_subject_folds, natural_key,
                              video_info, window_clips)
from .driver_regions import (REGION_NAMES, RegionTokenCache, dump_region_boxes,
                             save_region_tokens, wholebody_region_boxes)
from .epic_kitchens_audio_dataset import EpicKitchensAudioDataset
from .transforms import (CachedFbank, DecodeDriverClip, FormatFbankShape,
                         GTBoxJitter, KaldiFbank, LoadAudio, LoadClipFeatures,
                         NormalizeFbank, PackRegionInputs, PadCropFbank,
                         SampleAllFrames, SpecAugment, WaveformMixup)

__all__ = [
    'ActionTubeDataset', 'CheckedAVADataset', 'check_ava_csv',
    'check_ava_exclude_file', 'AudioMixDataset', 'CachedFbank',
    'DecodeDriverClip', 'DriPEDataset', 'DriverActivityDataset',
    'EpicKitchensAudioDataset', 'FormatFbankShape', 'GTBoxJitter',
    'KaldiFbank', 'LoadAudio', 'LoadClipFeatures', 'NormalizeFbank',
    'PackRegionInputs', 'PadCropFbank', 'REGION_NAMES', 'RegionTokenCache',
    'SampleAllFrames', 'SpecAugment', 'WaveformMixup', 'audio_info',
    'build_clip_list', 'clean_act_gt', 'convert_act_release',
    'dump_driver_annotations', 'dump_region_boxes', 'extract_audio',
    'index_files', 'list_images', 'load_act_gt', 'load_audio',
    'make_subject_folds', 'missing_frames', 'natural_key', 'prepare_clips',
    'resample', 'save_act_gt', 'save_region_tokens', 'video_info',
    'wholebody_region_boxes', 'window_clips', 'write_audio'
]
