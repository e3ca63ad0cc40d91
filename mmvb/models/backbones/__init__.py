# Copyright (c) mmvb contributors. All rights reserved.
"""Registered backbones."""
from .bcve import (CLIP_MEAN, CLIP_STD, BCVEncoder, BCVEncoderLayer,
                   count_parameters)

__all__ = [
    'BCVEncoder', 'BCVEncoderLayer', 'CLIP_MEAN', 'CLIP_STD',
    'count_parameters'
]
