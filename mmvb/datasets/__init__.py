# Copyright (c) mmvb contributors. All rights reserved.
"""Datasets, transforms and the synthetic-data kit."""
from . import synthetic  # noqa: F401
from .dripe import DriPEDataset
from .driver_regions import (REGION_NAMES, RegionTokenCache, dump_region_boxes,
                             save_region_tokens, wholebody_region_boxes)
from .transforms import PackRegionInputs

__all__ = [
    'DriPEDataset', 'PackRegionInputs', 'REGION_NAMES', 'RegionTokenCache',
    'dump_region_boxes', 'save_region_tokens', 'wholebody_region_boxes'
]
