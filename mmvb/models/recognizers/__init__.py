# Copyright (c) mmvb contributors. All rights reserved.
"""Recognizers (registered into ``mmaction.registry.MODELS``)."""
from .mfr_recognizer2d import MFRRecognizer2D

__all__ = ['MFRRecognizer2D']
