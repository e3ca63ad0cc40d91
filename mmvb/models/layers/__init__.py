# Copyright (c) mmvb contributors. All rights reserved.
"""``nn.Module`` blocks used inside backbones and heads."""
from .adapters import (ADAPTER_TYPES, AdaptFormerAdapter, LoRAQKV,
                       SpatialInductiveAdapter, TaskAwareAdapter)

__all__ = [
    'ADAPTER_TYPES', 'AdaptFormerAdapter', 'LoRAQKV',
    'SpatialInductiveAdapter', 'TaskAwareAdapter'
]
