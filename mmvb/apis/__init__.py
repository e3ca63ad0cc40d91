# Copyright (c) mmvb contributors. All rights reserved.
"""High-level helpers on top of the models (analysis, inference)."""
from .attention import (attention_grid, frame_folder_pipeline,
                        named_attention_maps, overlay, stage_masks,
                        video_inputs, visualize_attention)
from .complexity import (TensorForward, build_model_from_cfg, count_parameters,
                         model_complexity)
from .instblink_inference import inference_instblink, read_video_frames
from .instblink_visualization import (draw_instblink_frame,
                                      plot_blink_timeline,
                                      render_instblink_video)
from .localizer_inference import (clip_indices, clip_settings, draw_detections,
                                  inference_localizer, init_localizer)
from .prefetch import PrefetchIterator, prefetch
from .tsne import plot_embedding, tsne

__all__ = [
    'PrefetchIterator', 'TensorForward', 'attention_grid',
    'build_model_from_cfg', 'clip_indices', 'clip_settings',
    'count_parameters', 'draw_detections', 'draw_instblink_frame',
    'frame_folder_pipeline', 'inference_instblink', 'inference_localizer',
    'init_localizer', 'model_complexity', 'named_attention_maps', 'overlay',
    'plot_blink_timeline', 'plot_embedding', 'prefetch', 'read_video_frames',
    'render_instblink_video', 'stage_masks', 'tsne', 'video_inputs',
    'visualize_attention'
]
