# Copyright (c) mmvb contributors. All rights reserved.
"""Localizers (registered into ``mmaction.registry.MODELS``)."""
from .bmvit import BMViTLocalizer
from .instblink import InstBlink
from .instblink_checkpoint import convert_official_instblink

__all__ = ['BMViTLocalizer', 'InstBlink', 'convert_official_instblink']
