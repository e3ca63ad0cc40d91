# Copyright (c) mmvb contributors. All rights reserved.
"""Datasets, transforms and the synthetic-data kit."""
from . import synthetic  # noqa: F401
from .hust_lebw_dataset import HUSTLEBWDataset
from .mpeblink_dataset import (MPEblinkDataset, official_train_clip,
                               video_clip_starts)
from .transforms import PackMPEblinkInputs

__all__ = [
    'HUSTLEBWDataset', 'MPEblinkDataset', 'PackMPEblinkInputs',
    'official_train_clip', 'video_clip_starts'
]
