# Copyright (c) mmvb contributors. All rights reserved.
"""Backbones (registered into ``mmaction.registry.MODELS``)."""
from .bmvit_backbone import BMViTBackbone

__all__ = ['BMViTBackbone']
