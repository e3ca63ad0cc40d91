# Copyright (c) mmvb contributors. All rights reserved.
"""Writers for the real file formats the synthetic generators produce."""
import os
import os.path as osp
import tempfile
from typing import Dict, Iterable, List, Sequence, Tuple

import cv2
import numpy as np

_DECODABLE_SIZES: Dict[Tuple[int, int], bool] = {}


def _encode(path: str, frames: np.ndarray, fps: float) -> None:
    height, width = frames.shape[1:3]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                             (width, height))
    if not writer.isOpened():
        raise OSError(f'OpenCV cannot open a video writer for {path} '
                      '(is opencv built with FFMPEG?)')
    try:
        for frame in frames:
            writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    finally:
        writer.release()


def decord_can_read(height: int, width: int) -> bool:
    """Whether decord decodes ``mp4v`` videos of this frame size correctly.

    decord 0.6.0 returns wrong buffers for some small frame widths (8, 16,
    24 and 48 px among those tried); the answer is probed once per size
    with a 2-frame video and cached.
    """
    key = (height, width)
    if key not in _DECODABLE_SIZES:
        import decord
        with tempfile.TemporaryDirectory() as tmp:
            probe = osp.join(tmp, 'probe.mp4')
            _encode(probe, np.zeros((2, height, width, 3), np.uint8), 8.0)
            try:
                frames = decord.VideoReader(probe).get_batch([0, 1])
                ok = tuple(frames.shape) == (2, height, width, 3)
            except Exception:
                ok = False
        _DECODABLE_SIZES[key] = ok
    return _DECODABLE_SIZES[key]


def write_video(path: str, frames: np.ndarray, fps: float = 8.0) -> None:
    """Write RGB frames to an MPEG-4 (``mp4v``) file that decord decodes.

    Args:
        path (str): Output ``.mp4`` path; parent folders are created.
        frames (np.ndarray): ``[T, H, W, 3]`` uint8 RGB frames.
        fps (float): Frame rate. Defaults to 8.

    Raises:
        ValueError: If the frames are not ``[T, H, W, 3]`` uint8, or if
            decord cannot read back videos of this frame size.
    """
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError('frames must be a [T, H, W, 3] uint8 array, got '
                         f'{frames.shape} {frames.dtype}')
    height, width = frames.shape[1:3]
    if not decord_can_read(height, width):
        raise ValueError(
            f'decord cannot decode {width}x{height} mp4v videos correctly '
            '(a decord 0.6.0 bug with some small widths); choose another '
            'frame size, e.g. 32, 40 or 64 pixels wide')
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    _encode(path, frames, fps)


def write_rawframes(frame_dir: str,
                    frames: np.ndarray,
                    filename_tmpl: str = 'img_{:05}.jpg',
                    start_index: int = 1) -> None:
    """Write RGB frames as numbered JPEG files (MMAction2 rawframes).

    Args:
        frame_dir (str): Output folder; created if missing.
        frames (np.ndarray): ``[T, H, W, 3]`` uint8 RGB frames.
        filename_tmpl (str): File name template. Defaults to
            ``'img_{:05}.jpg'`` (MMAction2's default; sthv1 uses
            ``'{:05}.jpg'``).
        start_index (int): Index of the first frame. Defaults to 1.
    """
    os.makedirs(frame_dir, exist_ok=True)
    for i, frame in enumerate(frames):
        name = osp.join(frame_dir, filename_tmpl.format(i + start_index))
        if not cv2.imwrite(name, cv2.cvtColor(frame, cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, 95]):
            raise OSError(f'cannot write {name}')


def write_lines(path: str, lines: Iterable[str]) -> None:
    """Write text lines (annotation lists, label maps) with a final newline.

    Args:
        path (str): Output file.
        lines (Iterable[str]): Lines without newline characters.
    """
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        for line in lines:
            f.write(f'{line}\n')


def split_seeds(seed: int, splits: Sequence[Tuple[str, int]]) -> List[
        Tuple[str, int, np.random.SeedSequence]]:
    """Independent, reproducible random streams per (split, sample).

    Args:
        seed (int): The dataset seed.
        splits (Sequence[Tuple[str, int]]): ``(split name, num samples)``.

    Returns:
        list: ``(split, index, SeedSequence)`` for every sample.
    """
    out = []
    for split_id, (split, num) in enumerate(splits):
        children = np.random.SeedSequence([seed, split_id]).spawn(num)
        out += [(split, i, ss) for i, ss in enumerate(children)]
    return out
