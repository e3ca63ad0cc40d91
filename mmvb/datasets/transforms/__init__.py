# Copyright (c) mmvb contributors. All rights reserved.
"""Data transforms (registered into ``mmaction.registry.TRANSFORMS``)."""
from .driver_loading import DecodeDriverClip, LoadClipFeatures, SampleAllFrames

__all__ = ['DecodeDriverClip', 'LoadClipFeatures', 'SampleAllFrames']
