# Copyright (c) mmvb contributors. All rights reserved.
"""Temporal-order video set: one shape moving in one of six ways.

The six classes come in time-reversed pairs (right/left, down/up,
grow/shrink). A clip and its time reversal contain the same frames, so a
model that averages frames (or any order-less pooling) cannot tell the two
classes of a pair apart: its accuracy is capped at 50 %. Solving the set
needs temporal modelling, which is what the video models of mmvb add.

Layout written to ``out_dir`` (MMAction2 formats)::

    videos/{train,val}/{index:05d}.mp4            # mp4v, decord-readable
    rawframes/{train,val}/{index:05d}/img_00001.jpg  # if 'rawframes'
    {train,val}_list_videos.txt      # "videos/train/00000.mp4 3"
    {train,val}_list_rawframes.txt   # "rawframes/train/00000 16 3"
    label_map.txt                    # one class name per line
    meta.json                        # generator name and arguments
"""
import json
import os.path as osp
from typing import Dict, Sequence

import cv2
import numpy as np
from tqdm import tqdm

from .video_io import split_seeds, write_lines, write_rawframes, write_video

MOTION_CLASSES = ('move-right', 'move-left', 'move-down', 'move-up', 'grow',
                  'shrink')


def render_motion_clip(label: int,
                       rng: np.random.Generator,
                       num_frames: int = 16,
                       size: int = 32) -> np.ndarray:
    """Render one clip of class ``label``.

    Args:
        label (int): Index into :data:`MOTION_CLASSES`.
        rng (np.random.Generator): Random source (appearance, path, noise).
        num_frames (int): Frames per clip. Defaults to 16.
        size (int): Frame height and width in pixels. Defaults to 32.

    Returns:
        np.ndarray: ``[num_frames, size, size, 3]`` uint8 RGB frames.
    """
    if not 0 <= label < len(MOTION_CLASSES):
        raise ValueError(f'label must be in [0, {len(MOTION_CLASSES)}), '
                         f'got {label}')
    bg = rng.integers(0, 80, size=3)
    fg = rng.integers(150, 256, size=3)
    distractor = rng.integers(80, 200, size=3)
    circle = bool(rng.integers(2))
    s = float(size)
    radius = rng.uniform(0.10, 0.16) * s
    span = rng.uniform(0.45, 0.6) * s
    t = np.linspace(0.0, 1.0, num_frames)
    # Position and radius per frame for the moving shape.
    cx = np.full(num_frames, rng.uniform(0.3, 0.7) * s)
    cy = np.full(num_frames, rng.uniform(0.3, 0.7) * s)
    r = np.full(num_frames, radius)
    # The moving shape stays inside the frame along the whole path.
    start = radius + rng.uniform(0.0, s - 2 * radius - span)
    path = start + span * t
    axis, direction = divmod(label, 2)
    if axis < 2:  # translation along x (0) or y (1)
        coord = path if direction == 0 else path[::-1]
        if axis == 0:
            cx = coord
        else:
            cy = coord
    else:  # scale
        r_small, r_big = 0.06 * s, 0.28 * s
        grow = r_small + (r_big - r_small) * t
        r = grow if direction == 0 else grow[::-1]
    jitter = rng.normal(0.0, 0.02 * s, size=(2, num_frames))
    cx, cy = cx + jitter[0], cy + jitter[1]
    d_pos = rng.uniform(0.15, 0.85, size=2) * s
    d_rad = rng.uniform(0.05, 0.09) * s

    frames = np.empty((num_frames, size, size, 3), np.uint8)
    shift = 4  # sub-pixel precision of the drawing
    for i in range(num_frames):
        img = np.empty((size, size, 3), np.float32)
        img[:] = bg
        img += rng.normal(0.0, 6.0, size=img.shape)
        img = np.clip(img, 0, 255).astype(np.uint8)
        cv2.circle(img, tuple(int(v * 16) for v in d_pos), int(d_rad * 16),
                   distractor.tolist(), -1, cv2.LINE_AA, shift)
        center = (int(cx[i] * 16), int(cy[i] * 16))
        if circle:
            cv2.circle(img, center, int(r[i] * 16), fg.tolist(), -1,
                       cv2.LINE_AA, shift)
        else:
            half = int(r[i] * 16)
            cv2.rectangle(img, (center[0] - half, center[1] - half),
                          (center[0] + half, center[1] + half), fg.tolist(),
                          -1, cv2.LINE_AA, shift)
        frames[i] = img
    return frames


def generate_motion_dataset(out_dir: str,
                            num_train: int = 240,
                            num_val: int = 60,
                            num_frames: int = 16,
                            size: int = 32,
                            fps: float = 8.0,
                            formats: Sequence[str] = ('videos', ),
                            seed: int = 0,
                            progress: bool = True) -> Dict:
    """Write the temporal-order motion set (see module docstring).

    Labels are balanced: sample ``i`` of a split has label
    ``i % num_classes``; appearance and paths are random.

    Args:
        out_dir (str): Output folder.
        num_train (int): Training clips. Defaults to 240.
        num_val (int): Validation clips. Defaults to 60.
        num_frames (int): Frames per clip. Defaults to 16.
        size (int): Frame size in pixels. Defaults to 32.
        fps (float): Frame rate of the mp4 files. Defaults to 8.
        formats (Sequence[str]): Any of ``'videos'`` and ``'rawframes'``.
            Defaults to ``('videos', )``.
        seed (int): Dataset seed; the same seed writes the same files.
            Defaults to 0.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        dict: Paths of the annotation files written, per split and format.
    """
    unknown = set(formats) - {'videos', 'rawframes'}
    if unknown:
        raise ValueError(f'unknown formats {sorted(unknown)}; '
                         "use 'videos' and/or 'rawframes'")
    num_classes = len(MOTION_CLASSES)
    lines = {(split, fmt): [] for split in ('train', 'val') for fmt in formats}
    samples = split_seeds(seed, [('train', num_train), ('val', num_val)])
    for split, idx, ss in tqdm(
            samples, desc='motion clips', disable=not progress):
        label = idx % num_classes
        frames = render_motion_clip(label, np.random.default_rng(ss),
                                    num_frames, size)
        name = f'{idx:05d}'
        if 'videos' in formats:
            rel = f'videos/{split}/{name}.mp4'
            write_video(osp.join(out_dir, rel), frames, fps)
            lines[(split, 'videos')].append(f'{rel} {label}')
        if 'rawframes' in formats:
            rel = f'rawframes/{split}/{name}'
            write_rawframes(osp.join(out_dir, rel), frames)
            lines[(split, 'rawframes')].append(f'{rel} {num_frames} {label}')
    ann_files = {}
    for (split, fmt), split_lines in lines.items():
        path = osp.join(out_dir, f'{split}_list_{fmt}.txt')
        write_lines(path, split_lines)
        ann_files[f'{split}_{fmt}'] = path
    write_lines(osp.join(out_dir, 'label_map.txt'), MOTION_CLASSES)
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(
            dict(
                generator='motion',
                num_train=num_train,
                num_val=num_val,
                num_frames=num_frames,
                size=size,
                fps=fps,
                formats=list(formats),
                seed=seed,
                classes=list(MOTION_CLASSES)),
            f,
            indent=2)
    return ann_files
