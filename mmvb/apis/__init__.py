# Copyright (c) mmvb contributors. All rights reserved.
"""High-level helpers on top of the models (analysis, inference)."""
from .complexity import (TensorForward, build_model_from_cfg, count_parameters,
                         model_complexity)
from .localizer_inference import (clip_indices, clip_settings, draw_detections,
                                  inference_localizer, init_localizer)
from .tsne import plot_embedding, tsne

__all__ = [
    'TensorForward', 'build_model_from_cfg', 'clip_indices',
    'clip_settings', 'count_parameters', 'draw_detections',
    'inference_localizer', 'init_localizer', 'model_complexity',
    'plot_embedding', 'tsne'
]
