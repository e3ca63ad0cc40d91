# Copyright (c) mmvb contributors. All rights reserved.
"""Where/when set: a small moving target among moving distractors in clutter.

Built to test video attention (W3's "what, where and when"): the label is
the direction in which one small target (a white cross) moves, while
``num_distractors`` small squares of random colours move in random
directions over a blocky, noisy background. Global motion statistics carry
no label information (the distractors move in every direction with equal
probability), so a model must find *where* the target is and read its
motion over the frames.

Layout written to ``out_dir`` (MMAction2 formats, as
:mod:`~mmvb.datasets.synthetic.motion`)::

    videos/{train,val}/{index:05d}.mp4
    {train,val}_list_videos.txt      # "videos/train/00000.mp4 3"
    label_map.txt, meta.json
"""
import json
import os.path as osp
from typing import Dict, Optional, Tuple, Union

import numpy as np
from tqdm import tqdm

from .video_io import split_seeds, write_lines, write_video

CLUTTER_CLASSES = ('target-right', 'target-left', 'target-down', 'target-up')
_DIRECTIONS = np.array([[1, 0], [-1, 0], [0, 1], [0, -1]], np.float32)


def _path(direction: int, rng: np.random.Generator, num_frames: int, size: int,
          speed) -> np.ndarray:
    """``[T, 2]`` (x, y) positions of a straight path inside the frame."""
    v = _DIRECTIONS[direction] * rng.uniform(*speed)
    span = v * (num_frames - 1)
    lo = np.maximum(2.0, 2.0 - span)
    hi = np.minimum(size - 3.0, size - 3.0 - span)
    start = rng.uniform(lo, hi)
    return start[None] + np.arange(num_frames)[:, None] * v[None]


def render_clutter_clip(
    label: int,
    rng: np.random.Generator,
    num_frames: int = 8,
    size: int = 32,
    num_distractors: int = 6,
    speed: Tuple[float, float] = (1.5, 2.5),
    target_arm: int = 2,
    target_value: float = 255.0,
    visible_frames: Optional[int] = None,
    distractor_shape: str = 'square',
    return_masks: bool = False
) -> Union[np.ndarray, Tuple[np.ndarray, np.ndarray]]:
    """Render one clip of class ``label`` (the target's direction).

    Args:
        label (int): Index into :data:`CLUTTER_CLASSES`.
        rng (np.random.Generator): Random source.
        num_frames (int): Frames per clip. Defaults to 8.
        size (int): Frame height and width (pixels). Defaults to 32.
        num_distractors (int): Moving 3x3 squares. Defaults to 6.
        speed (tuple[float, float]): Range of speeds (pixels per frame).
        target_arm (int): Arm length of the target cross (pixels from the
            centre; 2 draws a 5x5 cross). Defaults to 2.
        target_value (float): Grey level of the target (255: white, the
            only pure-white pixels). Defaults to 255.
        visible_frames (int, optional): Draw the target only in this many
            consecutive frames starting at a random frame ("when"); it
            moves along the same straight path. Defaults to None (every
            frame).
        distractor_shape (str): ``'square'`` (3x3 squares) or ``'cross'``
            (crosses of the target's shape and size: only the colour tells
            the target apart). Defaults to ``'square'``.
        return_masks (bool): Also return what each pixel shows. The clip
            is the same either way (the random draws do not change).
            Defaults to False.

    Returns:
        np.ndarray | tuple[np.ndarray, np.ndarray]: ``[num_frames, size,
        size, 3]`` uint8 RGB frames; with ``return_masks``, also ``[num_frames,
        size, size]`` uint8 labels of the pixels: 0 background, 1 distractor,
        2 target (drawn last, over distractors).
    """
    if not 0 <= label < len(CLUTTER_CLASSES):
        raise ValueError(f'label must be in [0, {len(CLUTTER_CLASSES)}), '
                         f'got {label}')
    if size < 16 or size % 4:
        raise ValueError(f'size must be a multiple of 4 >= 16, got {size}')
    if target_arm < 1:
        raise ValueError(f'target_arm must be >= 1, got {target_arm}')
    if distractor_shape not in ('square', 'cross'):
        raise ValueError("distractor_shape must be 'square' or 'cross', got "
                         f'{distractor_shape!r}')
    if visible_frames is not None and not 2 <= visible_frames <= num_frames:
        raise ValueError(f'visible_frames must be in [2, {num_frames}], '
                         f'got {visible_frames}')
    blocks = rng.uniform(0, 120, size=(size // 4, size // 4, 3))
    background = np.kron(blocks, np.ones((4, 4, 1)))
    frames = background[None] + rng.normal(0, 10, (num_frames, size, size, 3))
    masks = np.zeros((num_frames, size, size), np.uint8)
    a = target_arm
    for _ in range(num_distractors):
        path = _path(rng.integers(4), rng, num_frames, size, speed)
        color = rng.uniform(100, 255, 3)
        for t, (x, y) in enumerate(np.rint(path).astype(int)):
            if distractor_shape == 'cross':
                _draw_cross(frames[t], masks[t], x, y, a, color, 1)
            else:
                frames[t, y - 1:y + 2, x - 1:x + 2] = color
                masks[t, y - 1:y + 2, x - 1:x + 2] = 1
    path = _path(label, rng, num_frames, size, speed)
    visible = np.ones(num_frames, bool)
    if visible_frames is not None:
        start = rng.integers(num_frames - visible_frames + 1)
        visible[:] = False
        visible[start:start + visible_frames] = True
    for t, (x, y) in enumerate(np.rint(path).astype(int)):
        if visible[t]:
            _draw_cross(frames[t], masks[t], x, y, a, target_value, 2)
    frames = np.clip(frames, 0, 255).astype(np.uint8)
    return (frames, masks) if return_masks else frames


def _draw_cross(frame: np.ndarray, mask: np.ndarray, x: int, y: int, arm: int,
                value, mask_value: int) -> None:
    """Draw a cross of ``arm`` pixels around ``(x, y)`` into ``frame``
    ``[H, W, 3]`` and ``mask_value`` into ``mask`` ``[H, W]``."""
    for out, v in ((frame, value), (mask, mask_value)):
        out[max(y - arm, 0):y + arm + 1, x] = v
        out[y, max(x - arm, 0):x + arm + 1] = v


def generate_clutter_dataset(out_dir: str,
                             num_train: int = 2400,
                             num_val: int = 200,
                             num_frames: int = 8,
                             size: int = 32,
                             num_distractors: int = 6,
                             fps: float = 8.0,
                             seed: int = 0,
                             progress: bool = True) -> Dict:
    """Write the clutter set (see module docstring) as mp4 videos.

    Labels are balanced: sample ``i`` of a split has label ``i % 4``.

    Args:
        out_dir (str): Output folder.
        num_train (int): Training clips. Defaults to 2400.
        num_val (int): Validation clips. Defaults to 200.
        num_frames (int): Frames per clip. Defaults to 8.
        size (int): Frame size (pixels). Defaults to 32.
        num_distractors (int): Distractors per clip. Defaults to 6.
        fps (float): Frame rate of the mp4 files. Defaults to 8.
        seed (int): Dataset seed. Defaults to 0.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        dict: Paths of the annotation files, ``{split}_videos``.
    """
    lines = {'train': [], 'val': []}
    samples = split_seeds(seed, [('train', num_train), ('val', num_val)])
    for split, idx, ss in tqdm(
            samples, desc='clutter clips', disable=not progress):
        label = idx % len(CLUTTER_CLASSES)
        frames = render_clutter_clip(label, np.random.default_rng(ss),
                                     num_frames, size, num_distractors)
        rel = f'videos/{split}/{idx:05d}.mp4'
        write_video(osp.join(out_dir, rel), frames, fps)
        lines[split].append(f'{rel} {label}')
    ann_files = {}
    for split, split_lines in lines.items():
        path = osp.join(out_dir, f'{split}_list_videos.txt')
        write_lines(path, split_lines)
        ann_files[f'{split}_videos'] = path
    write_lines(osp.join(out_dir, 'label_map.txt'), CLUTTER_CLASSES)
    with open(osp.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(
            dict(
                generator='clutter',
                num_train=num_train,
                num_val=num_val,
                num_frames=num_frames,
                size=size,
                num_distractors=num_distractors,
                fps=fps,
                seed=seed,
                classes=list(CLUTTER_CLASSES)),
            f,
            indent=2)
    return ann_files
