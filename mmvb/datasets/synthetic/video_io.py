# Copyright (c) mmvb contributors. All rights reserved.
"""Writers for the real file formats the synthetic generators produce."""
import os
import os.path as osp
import tempfile
from fractions import Fraction
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

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


def split_seeds(
    seed: int, splits: Sequence[Tuple[str, int]]
) -> List[Tuple[str, int, np.random.SeedSequence]]:
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


def write_av_clip(path: str,
                  audio: np.ndarray,
                  sample_rate: int,
                  frames: Optional[np.ndarray] = None,
                  fps: int = 8,
                  audio_codec: str = 'aac') -> None:
    """Write a video container with an audio stream (and a video stream)
    with PyAV, like the clips of Kinetics, VGGSound or EPIC-Kitchens.

    Args:
        path (str): Output file (``.mp4``, ``.mkv``, ...).
        audio (np.ndarray): ``[samples]`` (mono) or ``[channels, samples]``
            float audio in ``[-1, 1]``.
        sample_rate (int): Audio rate.
        frames (np.ndarray, optional): ``[T, H, W, 3]`` uint8 RGB frames;
            None writes a black 32x32 video as long as the audio.
        fps (int): Video frame rate. Defaults to 8.
        audio_codec (str): ``'aac'`` (lossy, mp4) or e.g. ``'flac'`` /
            ``'pcm_s16le'`` (lossless, mkv). Defaults to ``'aac'``.
    """
    import av
    audio = np.atleast_2d(np.asarray(audio, np.float32))
    channels, num_samples = audio.shape
    if frames is None:
        count = max(int(np.ceil(num_samples / sample_rate * fps)), 1)
        frames = np.zeros((count, 32, 32, 3), np.uint8)
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    layout = {1: 'mono', 2: 'stereo'}[channels]
    with av.open(path, 'w') as container:
        video = container.add_stream('mpeg4', rate=fps)
        video.height, video.width = frames.shape[1:3]
        video.pix_fmt = 'yuv420p'
        stream = container.add_stream(audio_codec, rate=sample_rate)
        stream.layout = layout
        sample_fmt = stream.codec_context.codec.audio_formats[0].name
        for frame in frames:
            for packet in video.encode(
                    av.VideoFrame.from_ndarray(frame, format='rgb24')):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)
        resampler = av.AudioResampler(
            format=sample_fmt, layout=layout, rate=sample_rate)
        step = 1024
        for start in range(0, num_samples, step):
            chunk = np.ascontiguousarray(audio[:, start:start + step])
            frame = av.AudioFrame.from_ndarray(
                chunk, format='fltp', layout=layout)
            frame.sample_rate = sample_rate
            frame.pts = start
            frame.time_base = Fraction(1, sample_rate)
            for converted in resampler.resample(frame):
                for packet in stream.encode(converted):
                    container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
