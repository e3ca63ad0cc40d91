# Copyright (c) mmvb contributors. All rights reserved.
"""High-level helpers on top of the models (analysis, inference)."""
from .attention import (attention_grid, frame_folder_pipeline,
                        named_attention_maps, overlay, stage_masks,
                        video_inputs, visualize_attention)
from .complexity import (TensorForward, build_model_from_cfg, count_parameters,
                         model_complexity)

__all__ = [
    'TensorForward', 'attention_grid', 'build_model_from_cfg',
    'frame_folder_pipeline',
    'count_parameters', 'model_complexity', 'named_attention_maps', 'overlay',
    'stage_masks', 'video_inputs', 'visualize_attention'
]
