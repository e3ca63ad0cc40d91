# Copyright (c) mmvb contributors. All rights reserved.
"""Data preprocessors (registered into ``mmaction.registry.MODELS``)."""
from .frame_feature_data_preprocessor import FrameFeatureDataPreprocessor

__all__ = ['FrameFeatureDataPreprocessor']
