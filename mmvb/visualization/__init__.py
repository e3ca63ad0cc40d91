# Copyright (c) mmvb contributors. All rights reserved.
"""Visualisation helpers."""
from .sampling_points import collect_sampling_points, plot_sampling_points

__all__ = ['collect_sampling_points', 'plot_sampling_points']
