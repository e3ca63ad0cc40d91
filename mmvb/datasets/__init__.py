# Copyright (c) mmvb contributors. All rights reserved.
"""Datasets, transforms and the synthetic-data kit."""
from . import synthetic  # noqa: F401
from .act_gt import (clean_act_gt, convert_act_release, load_act_gt,
                     missing_frames, save_act_gt)
from .action_tube_dataset import ActionTubeDataset
from .audio_io import (audio_info, build_clip_list, extract_audio, index_files,
                       load_audio, prepare_clips, resample, write_audio)
from .audio_mix_dataset import AudioMixDataset
from .checked_audio_dataset import CheckedAudioDataset
from .checked_ava_dataset import (CheckedAVADataset, check_ava_csv,
                                  check_ava_exclude_file, check_ava_label_file)
from .checked_rawframe_dataset import CheckedRawframeDataset
from .checked_video_dataset import CheckedVideoDataset
from .dripe import DriPEDataset
from .driver_activity import (DriverActivityDataset, dump_driver_annotations,
                              list_images, make_subject_folds, natural_key,
                              video_info, window_clips)
from .driver_regions import (REGION_NAMES, RegionTokenCache, dump_region_boxes,
                             save_region_tokens, wholebody_region_boxes)
from .epic_kitchens_audio_dataset import EpicKitchensAudioDataset
from .file_lists import count_frames, write_list
from .hust_lebw_dataset import HUSTLEBWDataset
from .label_maps import left_right_flip_label_map
from .load_error_context import LoadErrorContextMixin, add_error_context
from .mpeblink_dataset import (MPEblinkDataset, official_train_clip,
                               video_clip_starts)
from .transforms import (CachedFbank, DecodeDriverClip, FormatFbankShape,
                         GTBoxJitter, HueSafeColorJitter, KaldiFbank,
                         LoadAudio, LoadClipFeatures, NormalizeFbank,
                         PackMPEblinkInputs, PackRegionInputs, PadCropFbank,
                         SampleAllFrames, SpecAugment, WaveformMixup)
from .verb_noun_rawframe_dataset import VerbNounRawframeDataset

__all__ = [
    'ActionTubeDataset', 'AudioMixDataset', 'CachedFbank', 'CheckedAVADataset',
    'CheckedAudioDataset', 'CheckedRawframeDataset', 'CheckedVideoDataset',
    'HueSafeColorJitter', 'LoadErrorContextMixin', 'add_error_context',
    'DecodeDriverClip', 'DriPEDataset', 'DriverActivityDataset',
    'EpicKitchensAudioDataset', 'FormatFbankShape', 'GTBoxJitter',
    'HUSTLEBWDataset', 'KaldiFbank', 'LoadAudio', 'LoadClipFeatures',
    'MPEblinkDataset', 'NormalizeFbank', 'PackMPEblinkInputs',
    'PackRegionInputs', 'PadCropFbank', 'REGION_NAMES', 'RegionTokenCache',
    'SampleAllFrames', 'SpecAugment', 'VerbNounRawframeDataset',
    'WaveformMixup', 'audio_info', 'build_clip_list', 'check_ava_csv',
    'check_ava_exclude_file', 'check_ava_label_file', 'clean_act_gt',
    'convert_act_release', 'count_frames', 'dump_driver_annotations',
    'dump_region_boxes', 'extract_audio', 'index_files',
    'left_right_flip_label_map', 'list_images', 'load_act_gt', 'load_audio',
    'make_subject_folds', 'missing_frames', 'natural_key',
    'official_train_clip', 'prepare_clips', 'resample', 'save_act_gt',
    'save_region_tokens', 'video_clip_starts', 'video_info',
    'wholebody_region_boxes', 'window_clips', 'write_audio', 'write_list'
]
