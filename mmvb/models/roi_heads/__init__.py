# Copyright (c) mmvb contributors. All rights reserved.
"""Region-feature detection heads, registered into ``MODELS``.

As MMAction2's (and mmdet's) ``roi_heads``: heads that pool RoI features of
their current boxes (InstBlink's iterative query stages, after Sparse
R-CNN / TeViT).
"""
from .instblink_head import InstBlinkHead, InstBlinkStage

__all__ = ['InstBlinkHead', 'InstBlinkStage']
