# Copyright (c) mmvb contributors. All rights reserved.
"""Localizers (registered into ``mmaction.registry.MODELS``)."""
from .bmvit import BMViTLocalizer

__all__ = ['BMViTLocalizer']
