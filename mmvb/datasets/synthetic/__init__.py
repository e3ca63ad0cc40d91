# Copyright (c) mmvb contributors. All rights reserved.
"""Synthetic datasets written in the real file formats.

Each generator writes videos/frames/audio and annotation files exactly as
the real datasets' MMAction2 pipelines read them, so configs for synthetic
data differ from paper configs only in paths and sizes. ``GENERATORS`` maps
the names accepted by ``tools/data/synthetic/generate.py`` to generator
functions ``fn(out_dir, **kwargs) -> dict``.
"""
from .blink_faces import generate_blink_dataset, render_blink_video
from .motion import MOTION_CLASSES, generate_motion_dataset, render_motion_clip
from .video_io import split_seeds, write_lines, write_rawframes, write_video

GENERATORS = {
    'motion': generate_motion_dataset,
    'blink': generate_blink_dataset,
}

__all__ = [
    'generate_blink_dataset', 'render_blink_video', 'GENERATORS',
    'MOTION_CLASSES', 'generate_motion_dataset', 'render_motion_clip',
    'split_seeds', 'write_lines', 'write_rawframes', 'write_video'
]
