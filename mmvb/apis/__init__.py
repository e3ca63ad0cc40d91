# Copyright (c) mmvb contributors. All rights reserved.
"""High-level helpers on top of the models (analysis, inference)."""
from .attention import (attention_grid, frame_folder_pipeline,
                        named_attention_maps, overlay, stage_masks,
                        video_inputs, visualize_attention)
from .complexity import (TensorForward, build_model_from_cfg, count_parameters,
                         model_complexity)
from .instblink_backends import (ONNXClipBackend, TorchClipBackend,
                                 init_clip_backend, init_instblink,
                                 instblink_test_size)
from .instblink_inference import inference_instblink, read_video_frames
from .instblink_stream import InstBlinkResultCollector, InstBlinkStream
from .instblink_visualization import (draw_instblink_frame,
                                      plot_blink_timeline,
                                      render_instblink_video)
from .localizer_analysis import localizer_token_maps, mvit_attention_probs
from .localizer_inference import (clip_indices, clip_settings, draw_detections,
                                  inference_localizer, init_localizer)
from .prefetch import PrefetchIterator, prefetch
from .tsne import plot_embedding, tsne

__all__ = [
    'InstBlinkResultCollector', 'InstBlinkStream', 'ONNXClipBackend',
    'TensorForward', 'TorchClipBackend', 'attention_grid',
    'build_model_from_cfg', 'clip_indices', 'clip_settings',
    'count_parameters', 'draw_detections', 'draw_instblink_frame',
    'frame_folder_pipeline', 'inference_instblink', 'inference_localizer',
    'init_clip_backend', 'init_instblink', 'init_localizer',
    'instblink_test_size', 'localizer_token_maps', 'model_complexity',
    'mvit_attention_probs', 'named_attention_maps', 'overlay',
    'plot_blink_timeline', 'plot_embedding', 'read_video_frames',
    'PrefetchIterator', 'prefetch', 'render_instblink_video', 'stage_masks',
    'tsne', 'video_inputs', 'visualize_attention'
]
