# Copyright (c) mmvb contributors. All rights reserved.
"""High-level helpers on top of the models (analysis, inference)."""
from .complexity import (TensorForward, build_model_from_cfg, count_parameters,
                         model_complexity)
from .tsne import plot_embedding, tsne

__all__ = [
    'TensorForward', 'build_model_from_cfg', 'count_parameters',
    'model_complexity', 'plot_embedding', 'tsne'
]
