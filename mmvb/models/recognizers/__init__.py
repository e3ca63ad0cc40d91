# Copyright (c) mmvb contributors. All rights reserved.
"""Recognizers (registered into ``mmaction.registry.MODELS``)."""
from .dualscope_recognizer import DualScopeRecognizer, frame_features

__all__ = ['DualScopeRecognizer', 'frame_features']
