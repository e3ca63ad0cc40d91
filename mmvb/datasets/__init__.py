# Copyright (c) mmvb contributors. All rights reserved.
"""Datasets, transforms and the synthetic-data kit."""
from . import synthetic  # noqa: F401
from .act_gt import (clean_act_gt, convert_act_release, load_act_gt,
                     missing_frames, save_act_gt)
from .action_tube_dataset import ActionTubeDataset
from .transforms import GTBoxJitter

__all__ = [
    'ActionTubeDataset', 'GTBoxJitter', 'clean_act_gt', 'convert_act_release',
    'load_act_gt', 'missing_frames', 'save_act_gt'
]
