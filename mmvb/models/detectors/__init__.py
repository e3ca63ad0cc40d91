# Copyright (c) mmvb contributors. All rights reserved.
"""Detectors (registered into ``mmaction.registry.MODELS``).

Spatio-temporal detection models: BMViT localizes actors and their actions
in a clip (AVA-style action detection), InstBlink detects, tracks and
localizes the blinks of faces in a clip. MMAction2's ``localizers`` are
temporal localizers (BMN, BSN); these are not.
"""
from .bmvit import BMViTLocalizer
from .instblink import InstBlink
from .instblink_onnx import InstBlinkONNXWrapper

__all__ = ['BMViTLocalizer', 'InstBlink', 'InstBlinkONNXWrapper']
