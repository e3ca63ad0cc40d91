# Copyright (c) mmvb contributors. All rights reserved.
"""Long-video inference of InstBlink: clips, linking and blink merging.

The procedure of the official ``tools/test_mpeblink.py`` and
``tools/blink_result_convertor.py`` (wenzhengzeng/MPEblink@ee9a44f):

1. the video is cut into clips of 36 frames with stride 18
   (:func:`mmvb.datasets.video_clip_starts`); each clip gives the top
   queries with a clip score (mean per-frame face probability), a box per
   frame and a blink probability per frame;
2. :class:`ClipLinker` keeps the queries scoring above 0.5 and links them
   to the tracks of the previous clips by the mean box IoU over the
   overlapping frames (greedy, threshold 0.2), averaging boxes, scores and
   blink probabilities on the overlap; unmatched queries start new tracks;
3. :func:`blink_intervals` turns each track's per-frame blink
   probabilities into blink events: maximal runs of frames with
   probability ``>= 0.3``, scored by their mean probability (Fig. 6).

:func:`inference_instblink` runs this on a video file or any frame
iterator while holding at most one clip of frames in memory (plus the
frames a background reader decodes ahead while the model runs).
"""
from collections import deque
from typing import (Callable, Deque, Dict, Iterable, Iterator, List, Optional,
                    Tuple)

import cv2
import numpy as np
import torch

from mmvb.datasets import video_clip_starts
from mmvb.evaluation.functional import tracks_to_results
from mmvb.models.task_modules.tracking import ClipLinker, blink_intervals
from .prefetch import PrefetchIterator, prefetch

__all__ = [
    'ClipLinker', 'blink_intervals', 'tracks_to_results', 'read_video_frames',
    'inference_instblink'
]


def read_video_frames(path: str) -> Iterator[np.ndarray]:
    """Yield the RGB frames of a video file one by one (OpenCV).

    Args:
        path (str): Video file.

    Yields:
        np.ndarray: ``[H, W, 3]`` uint8 RGB frames.
    """
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise OSError(f'OpenCV cannot open {path}')
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                return
            yield cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    finally:
        capture.release()


def _stream_clips(frames: Iterable[np.ndarray], clip_len: int,
                  stride: int) -> Iterator[Tuple[int, List[np.ndarray]]]:
    """Clips of :func:`video_clip_starts` from a frame stream.

    Holds at most ``clip_len + 1`` frames: a clip is emitted once the
    frame after it arrives (then it is not the last clip); the last clip
    (the last ``clip_len`` frames) is emitted when the stream ends.
    """
    buffer: Deque[np.ndarray] = deque(maxlen=clip_len + 1)
    next_start = 0
    total = 0
    for frame in frames:
        buffer.append(frame)
        total += 1
        if total == next_start + clip_len + 1:
            # A frame follows [next_start, next_start + clip_len), so that
            # clip is not the video's last one; it is buffer[0:clip_len].
            yield next_start, list(buffer)[:clip_len]
            next_start += stride
    if total == 0:
        return
    last_start, last_len = video_clip_starts(total, clip_len, stride)[-1]
    rel = last_start - (total - len(buffer))
    yield last_start, list(buffer)[rel:rel + last_len]


@torch.no_grad()
def inference_instblink(model: torch.nn.Module,
                        frames: Iterable[np.ndarray],
                        clip_len: int = 36,
                        stride: int = 18,
                        input_size: Optional[Tuple[int, int]] = (640, 360),
                        score_thr: float = 0.5,
                        iou_thr: float = 0.2,
                        blink_thr: float = 0.3,
                        nms_thr: Optional[float] = None,
                        frame_thr: Optional[float] = None,
                        video_id=0,
                        on_clip: Optional[Callable[[int, int], None]] = None,
                        read_ahead: Optional[int] = None) -> List[Dict]:
    """Detect faces and blinks in a whole video, clip by clip.

    Memory is bounded by one clip: frames are read from ``frames`` as the
    clips need them and each clip goes through the model alone (batch 1,
    ``T <= clip_len``).

    Args:
        model (InstBlink): A model in eval mode.
        frames (Iterable[np.ndarray] | str): RGB ``[H, W, 3]`` uint8 frames,
            or a video file path.
        clip_len (int): Frames per clip. Defaults to 36.
        stride (int): Clip stride. Defaults to 18.
        input_size (tuple[int, int], optional): ``(w, h)`` frames are
            resized to (640x360 as in training); None keeps the size.
        score_thr (float): Query score threshold. Defaults to 0.5.
        iou_thr (float): Linking IoU threshold. Defaults to 0.2.
        blink_thr (float): Blink merging threshold. Defaults to 0.3.
        nms_thr (float, optional): Temporal NMS threshold (InstBlink++);
            None (official) for none. Defaults to None.
        frame_thr (float, optional): Per-frame face threshold (frames of a
            track at or below it are absent); None (official) for none.
            Defaults to None.
        video_id: Id written into the results. Defaults to 0.
        on_clip (callable, optional): Called with ``(start, length)`` after
            each clip (progress reporting).
        read_ahead (int, optional): Frames decoded and resized ahead in a
            background thread (:func:`mmvb.apis.prefetch`) while the model
            runs; 0 reads in the calling thread. Defaults to ``clip_len``.

    Returns:
        list[dict]: Tracks in the official result format
        (:func:`tracks_to_results`), boxes in the original frame size.
    """
    if isinstance(frames, str):
        frames = read_video_frames(frames)
    orig_size = []  # (w, h) of the source frames

    def resized(stream):
        for frame in stream:
            if not orig_size:
                orig_size.append(frame.shape[1::-1])
            if input_size is not None and \
                    frame.shape[1::-1] != tuple(input_size):
                frame = cv2.resize(frame, tuple(input_size))
            yield frame

    device = next(model.parameters()).device
    linker = ClipLinker(score_thr, iou_thr, nms_thr, frame_thr)
    stream = prefetch(
        resized(frames), clip_len if read_ahead is None else read_ahead)
    try:
        for start, clip in _stream_clips(stream, clip_len, stride):
            (w, h), (new_h, new_w) = orig_size[0], clip[0].shape[:2]
            tensor = torch.from_numpy(np.stack(clip)).permute(0, 3, 1, 2)
            pred = model.predict_clip(
                tensor.to(device), (new_h, new_w), (new_w / w, new_h / h))
            linker.add_clip(
                start,
                *(pred[key].float().cpu().numpy()
                  for key in ('bboxes', 'scores', 'blink_scores',
                              'face_scores')))
            if on_clip is not None:
                on_clip(start, len(clip))
    finally:
        if isinstance(stream, PrefetchIterator):
            stream.close()
    return tracks_to_results(linker.tracks(), video_id, blink_thr)
