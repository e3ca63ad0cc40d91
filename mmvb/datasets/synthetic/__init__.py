# Copyright (c) mmvb contributors. All rights reserved.
"""Synthetic datasets written in the real file formats.

Each generator writes videos/frames/audio and annotation files exactly as
the real datasets' MMAction2 pipelines read them, so configs for synthetic
data differ from paper configs only in paths and sizes. ``GENERATORS`` maps
the names accepted by ``tools/data/synthetic/generate.py`` to generator
functions ``fn(out_dir, **kwargs) -> dict``.
"""
from .audio_events import (AUDIO_EVENT_CLASSES, generate_audio_event_dataset,
                           render_audio_event)
from .ava import AVA_SYNTHETIC_CLASSES, generate_ava_dataset, render_ava_video
from .blink_faces import generate_blink_dataset, render_blink_video
from .clutter import (CLUTTER_CLASSES, generate_clutter_dataset,
                      render_clutter_clip)
from .driver import DRIVER_CLASSES, generate_driver_dataset, render_driver_clip
from .driver_regions import (generate_driver_regions_dataset,
                             render_driver_image, synthetic_region_tokens)
from .motion import MOTION_CLASSES, generate_motion_dataset, render_motion_clip
from .video_io import (split_seeds, write_av_clip, write_lines,
                       write_rawframes, write_video)

GENERATORS = {
    'ava': generate_ava_dataset,
    'audio-events': generate_audio_event_dataset,
    'driver': generate_driver_dataset,
    'driver-regions': generate_driver_regions_dataset,
    'motion': generate_motion_dataset,
    'blink': generate_blink_dataset,
    'clutter': generate_clutter_dataset,
}

__all__ = [
    'AVA_SYNTHETIC_CLASSES', 'generate_ava_dataset', 'render_ava_video',
    'AUDIO_EVENT_CLASSES', 'CLUTTER_CLASSES', 'DRIVER_CLASSES', 'GENERATORS',
    'MOTION_CLASSES', 'generate_audio_event_dataset',
    'generate_driver_dataset', 'generate_driver_regions_dataset',
    'generate_motion_dataset', 'render_audio_event', 'render_driver_clip',
    'render_driver_image', 'render_motion_clip', 'split_seeds',
    'synthetic_region_tokens', 'write_av_clip', 'write_lines',
    'write_rawframes', 'write_video', 'generate_blink_dataset',
    'render_blink_video', 'generate_clutter_dataset', 'render_clutter_clip'
]
