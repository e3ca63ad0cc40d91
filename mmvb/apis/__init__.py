# Copyright (c) mmvb contributors. All rights reserved.
"""High-level helpers on top of the models (analysis, inference)."""
from .attention import (attention_grid, frame_folder_pipeline,
                        named_attention_maps, overlay, stage_masks,
                        video_inputs, visualize_attention)
from .complexity import (TensorForward, build_model_from_cfg, count_parameters,
                         model_complexity)
from .tsne import plot_embedding, tsne

__all__ = [
    'TensorForward', 'attention_grid', 'build_model_from_cfg',
    'count_parameters', 'frame_folder_pipeline', 'model_complexity',
    'named_attention_maps', 'overlay', 'plot_embedding', 'stage_masks', 'tsne',
    'video_inputs', 'visualize_attention'
]
