# Copyright (c) mmvb contributors. All rights reserved.
"""Datasets, transforms and the synthetic-data kit."""
from . import synthetic  # noqa: F401
from .file_lists import count_frames, write_list
from .label_maps import left_right_flip_label_map
from .verb_noun_rawframe_dataset import VerbNounRawframeDataset

__all__ = [
    'VerbNounRawframeDataset', 'count_frames', 'left_right_flip_label_map',
    'write_list'
]
