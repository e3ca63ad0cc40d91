# Copyright (c) mmvb contributors. All rights reserved.
"""Data transforms (registered into ``mmaction.registry.TRANSFORMS``)."""
from .box_jitter import GTBoxJitter

__all__ = ['GTBoxJitter']
