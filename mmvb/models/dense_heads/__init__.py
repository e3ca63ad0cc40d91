# Copyright (c) mmvb contributors. All rights reserved.
"""Dense (per-token) detection heads, registered into ``MODELS``.

As in mmdet's ``dense_heads``: set-prediction heads that predict from every
output token, without region features.
"""
from .bmvit_head import BMViTHead, owlvit_box_bias

__all__ = ['BMViTHead', 'owlvit_box_bias']
