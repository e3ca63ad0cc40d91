# Copyright (c) mmvb contributors. All rights reserved.
"""High-level helpers on top of the models (analysis, inference)."""
from .complexity import (TensorForward, build_model_from_cfg, count_parameters,
                         model_complexity)
from .instblink_inference import inference_instblink, read_video_frames

__all__ = [
    'TensorForward', 'build_model_from_cfg', 'count_parameters',
    'model_complexity', 'inference_instblink', 'read_video_frames'
]
