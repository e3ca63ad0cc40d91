# Copyright (c) mmvb contributors. All rights reserved.
"""Synthetic datasets written in the real file formats.

Each generator writes videos/frames/audio and annotation files exactly as
the real datasets' MMAction2 pipelines read them, so configs for synthetic
data differ from paper configs only in paths and sizes. ``GENERATORS`` maps
the names accepted by ``tools/data/synthetic/generate.py`` to generator
functions ``fn(out_dir, **kwargs) -> dict``.
"""
from .ava import AVA_SYNTHETIC_CLASSES, generate_ava_dataset, render_ava_video
from .motion import MOTION_CLASSES, generate_motion_dataset, render_motion_clip
from .video_io import split_seeds, write_lines, write_rawframes, write_video

GENERATORS = {
    'ava': generate_ava_dataset,
    'motion': generate_motion_dataset,
}

__all__ = [
    'AVA_SYNTHETIC_CLASSES', 'generate_ava_dataset', 'render_ava_video',
    'GENERATORS', 'MOTION_CLASSES', 'generate_motion_dataset',
    'render_motion_clip', 'split_seeds', 'write_lines', 'write_rawframes',
    'write_video'
]
