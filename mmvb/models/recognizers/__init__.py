# Copyright (c) mmvb contributors. All rights reserved.
"""Recognizers (registered into ``mmaction.registry.MODELS``)."""
from .dualscope_recognizer import DualScopeRecognizer, frame_features
from .mfr_recognizer2d import MFRRecognizer2D
from .w3_recognizer2d import W3Recognizer2D
from .zero_shot_recognizer import ZeroShotRecognizer

__all__ = [
    'DualScopeRecognizer', 'MFRRecognizer2D', 'W3Recognizer2D',
    'ZeroShotRecognizer', 'frame_features'
]
