# Copyright (c) mmvb contributors. All rights reserved.
"""Metric computations on plain arrays."""
from .frame_map import frame_average_precision, mean_ap

__all__ = ['frame_average_precision', 'mean_ap']
