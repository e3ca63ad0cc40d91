# Copyright (c) mmvb contributors. All rights reserved.
"""Tracking: linking per-clip predictions into video tracks."""
from .blink_intervals import blink_intervals
from .clip_linker import ClipLinker, temporal_nms

__all__ = ['ClipLinker', 'blink_intervals', 'temporal_nms']
