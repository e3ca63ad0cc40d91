# Copyright (c) mmvb contributors. All rights reserved.
"""High-level helpers on top of the models (analysis, inference)."""
from .complexity import (TensorForward, build_model_from_cfg, count_parameters,
                         model_complexity)
from .instblink_inference import inference_instblink, read_video_frames
from .instblink_visualization import (draw_instblink_frame,
                                      plot_blink_timeline,
                                      render_instblink_video)
from .tsne import plot_embedding, tsne

__all__ = [
    'TensorForward', 'build_model_from_cfg', 'count_parameters',
    'draw_instblink_frame', 'inference_instblink', 'model_complexity',
    'plot_blink_timeline', 'plot_embedding', 'read_video_frames',
    'render_instblink_video', 'tsne'
]
