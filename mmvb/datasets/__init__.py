# Copyright (c) mmvb contributors. All rights reserved.
"""Datasets, transforms and the synthetic-data kit."""
from . import synthetic  # noqa: F401
from .driver_activity import (DriverActivityDataset, dump_driver_annotations,
                              list_images, make_subject_folds, natural_key,
                              video_info, window_clips)
from .transforms import DecodeDriverClip, LoadClipFeatures, SampleAllFrames

__all__ = [
    'DecodeDriverClip', 'DriverActivityDataset', 'LoadClipFeatures',
    'SampleAllFrames', 'dump_driver_annotations', 'list_images',
    'make_subject_folds', 'natural_key', 'video_info', 'window_clips'
]
