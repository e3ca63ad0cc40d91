# Copyright (c) mmvb contributors. All rights reserved.
"""Data transforms (registered into ``mmaction.registry.TRANSFORMS``)."""
from .region_formatting import PackRegionInputs

__all__ = ['PackRegionInputs']
