# Copyright (c) mmvb contributors. All rights reserved.
"""Streaming InstBlink: frames in, final face tracks and blink events out.

:class:`InstBlinkStream` takes frames one at a time or in chunks (a camera,
a long recording) and hands out, as soon as they are final, the tracked
faces of every frame, the blink events and the finished tracks. It runs
exactly the offline procedure of :func:`mmvb.apis.inference_instblink`
(the official ``tools/test_mpeblink.py`` and ``tools/blink_result_
convertor.py`` of wenzhengzeng/MPEblink@ee9a44f): clips of ``clip_len``
frames with stride ``stride`` (the last clip ends at the last frame),
:class:`~mmvb.models.task_modules.ClipLinker` linking and the blink merging
of :func:`~mmvb.models.task_modules.blink_intervals` (Fig. 6), so a video
gives the same tracks and events either way
(:class:`InstBlinkResultCollector` rebuilds the offline result format).

**Latency.** A clip runs once the frame after it arrives (then it is not
the last clip); frame ``f`` is final, and handed out, once frame
``f + clip_len`` has been pushed (the earliest a later clip may start is
``frames - clip_len``), or at :meth:`InstBlinkStream.close`.

**Memory** is bounded by the clip, not the video: ``clip_len + 1`` frames,
the linker's open tracks over at most ``clip_len + stride`` frames, and a
few numbers per open track. (With ``blink_thr <= 0`` an absent frame,
probability 0, counts as a blink frame, so every blink run of every track
stays open until the video ends, as in the offline merging; then a few
numbers per track are kept until :meth:`~InstBlinkStream.close`.)
"""
from collections import deque
from typing import Deque, Dict, Iterable, List, Optional, Tuple, Union

import cv2
import numpy as np

from mmvb.datasets import video_clip_starts
from mmvb.models.task_modules.tracking import ClipLinker
from .instblink_backends import init_clip_backend


def _sequential_sum(total: float, values: np.ndarray) -> float:
    """``total + v0 + v1 + ...`` added left to right in float64, as the
    offline merging's Python ``sum`` adds them, so that the stream's
    numbers equal the offline ones.

    Python's ``sum`` over ``tolist()`` rather than ``np.cumsum`` over a
    concatenated copy: the values are a few per track and clip, and the
    numpy route kept a little memory alive inside numpy for every call
    (about 1 KB per 300 frames of a long stream, measured with
    ``tracemalloc``).
    """
    return sum(values.tolist(), total)


class _BlinkRuns:
    """Maximal runs of frames with blink probability ``>= threshold`` of
    one track over the whole video (frames outside the track are 0), fed
    in time order; the events of :func:`blink_intervals`."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.next = 0  # next frame to feed
        self.start: Optional[int] = None  # open run
        self.sum = 0.0

    def _close(self, events: List[List[float]]) -> None:
        if self.start is not None:
            length = self.next - self.start
            events.append([
                int(self.start),
                int(self.next - 1),
                float(self.sum / length)
            ])
            self.start, self.sum = None, 0.0

    def zeros(self, upto: int, events: List[List[float]]) -> None:
        """Feed probability 0 up to frame ``upto``."""
        if upto <= self.next:
            return
        if 0.0 >= self.threshold:
            if self.start is None:
                self.start, self.sum = self.next, 0.0
        else:
            self._close(events)
        self.next = upto

    def feed(self, start: int, values: np.ndarray,
             events: List[List[float]]) -> None:
        """Feed the probabilities of frames ``start, start + 1, ...``."""
        if len(values) == 0:
            return
        self.zeros(start, events)
        assert start == self.next, f'frame {start} fed after {self.next}'
        on = np.concatenate([[False], values >= self.threshold, [False]])
        edges = np.flatnonzero(on[1:] != on[:-1])
        run_starts, run_ends = edges[0::2], edges[1::2]  # [s, e) in values
        if self.start is not None and not on[1]:
            self._close(events)
        for s, e in zip(run_starts, run_ends):
            if self.start is None:
                self.start, self.sum = start + s, 0.0
            self.sum = _sequential_sum(self.sum, values[s:e])
            if e < len(values):
                self.next = start + e
                self._close(events)
        self.next = start + len(values)

    def finish(self, length: int, events: List[List[float]]) -> None:
        """The video ends after ``length`` frames."""
        self.zeros(length, events)
        self._close(events)


class _TrackState:
    """What the stream keeps of a track: its blink runs and score sums."""

    def __init__(self, track_id: int, start: int, blink_thr: float) -> None:
        self.track_id = track_id
        self.start = start
        self.end = start  # frames [start, end) handed out
        self.runs = _BlinkRuns(blink_thr)
        self.score_sum = 0.0
        self.score_count = 0


class InstBlinkStream:
    """Online InstBlink on a frame stream (see the module docstring).

    Every :meth:`push` and :meth:`close` returns a dict of what became
    final:

    * ``frames``: one dict per final frame, in order: ``frame`` (index),
      and for the tracks covering it (by track id) ``track_ids [n]``,
      ``boxes [n, 4]`` (``xyxy`` in the pushed frames' pixels),
      ``present [n]`` (False where the track is absent: a frame linking
      left empty, or ``frame_thr``), ``frame_scores [n]`` (per-frame track
      score), ``blink_scores [n]`` (0 where absent) and ``face_scores
      [n]``;
    * ``blinks``: blink events ``dict(track_id, start, end, score)``
      (inclusive frames, mean probability), once their run has ended;
    * ``tracks``: finished tracks ``dict(track_id, start, end, score)``
      (first and last frame covered, mean of the positive per-frame
      scores: the official track score).

    Args:
        model (torch.nn.Module | str | callable): An InstBlink model, an
            exported ``.onnx`` graph or a clip backend
            (:func:`mmvb.apis.init_clip_backend`).
        clip_len (int): Frames per clip. Defaults to 36.
        stride (int): Clip stride. Defaults to 18.
        input_size (tuple[int, int], optional): ``(w, h)`` the frames are
            resized to (640x360 as in training); None keeps the size.
        score_thr (float): Query score threshold. Defaults to 0.5.
        iou_thr (float): Linking IoU threshold. Defaults to 0.2.
        blink_thr (float): Blink merging threshold. Defaults to 0.3.
        nms_thr (float, optional): Temporal NMS threshold (InstBlink++).
            Defaults to None.
        frame_thr (float, optional): Per-frame face threshold.
            Defaults to None.
    """

    def __init__(self,
                 model,
                 clip_len: int = 36,
                 stride: int = 18,
                 input_size: Optional[Tuple[int, int]] = (640, 360),
                 score_thr: float = 0.5,
                 iou_thr: float = 0.2,
                 blink_thr: float = 0.3,
                 nms_thr: Optional[float] = None,
                 frame_thr: Optional[float] = None) -> None:
        if not 0 < stride <= clip_len:
            raise ValueError(f'need 0 < stride <= clip_len, got stride '
                             f'{stride}, clip_len {clip_len}')
        self.backend = init_clip_backend(model)
        fixed = getattr(self.backend, 'input_shape', None)
        if fixed is not None:
            t, _, h, w = fixed
            given = (clip_len, 3) + ((h, w) if input_size is None else
                                     (input_size[1], input_size[0]))
            self.backend.check_shape(given)
        self.clip_len, self.stride = clip_len, stride
        self.input_size = None if input_size is None else tuple(input_size)
        self.blink_thr = blink_thr
        self.linker = ClipLinker(score_thr, iou_thr, nms_thr, frame_thr)
        self.num_frames = 0  # frames pushed
        self._buffer: Deque[np.ndarray] = deque(maxlen=clip_len + 1)
        self._next_start = 0
        self._emitted = 0  # frames handed out
        self._size: Optional[Tuple[int, int]] = None  # (w, h) pushed
        self._states: Dict[int, _TrackState] = {}  # open tracks
        self._pending: List[_TrackState] = []  # runs open to the end
        self._closed = False

    # ------------------------------------------------------------------
    @staticmethod
    def _empty() -> Dict[str, list]:
        return dict(frames=[], blinks=[], tracks=[])

    def _frames_of(self, frames) -> Iterable[np.ndarray]:
        if isinstance(frames, np.ndarray) and frames.ndim == 3:
            return [frames]
        return frames

    def push(self, frames: Union[np.ndarray, Iterable[np.ndarray]]) -> Dict:
        """Add frames.

        Args:
            frames (np.ndarray | Iterable[np.ndarray]): One RGB frame
                ``[H, W, 3]`` uint8, a chunk ``[N, H, W, 3]`` or any
                iterable of frames (all of the same size).

        Returns:
            dict: What became final (see the class docstring).
        """
        if self._closed:
            raise RuntimeError('push() after close()')
        out = self._empty()
        for frame in self._frames_of(frames):
            self._add_frame(frame)
            if self.num_frames == self._next_start + self.clip_len + 1:
                # frame after the clip: it is not the last clip
                self._run_clip(self._next_start,
                               list(self._buffer)[:self.clip_len])
                self._next_start += self.stride
            # no later clip starts before min(next regular start, the
            # last clip's start if the stream ended now)
            upto = min(self._next_start, self.num_frames - self.clip_len,
                       self.linker.length)
            if upto > self.linker.released:
                self._emit(self.linker.release(upto), out)
        return out

    def close(self) -> Dict:
        """End the stream: run the last clip and finish every track.

        Returns:
            dict: What became final (see the class docstring).
        """
        out = self._empty()
        if self._closed:
            return out
        self._closed = True
        if self.num_frames == 0:
            return out
        start, length = video_clip_starts(self.num_frames, self.clip_len,
                                          self.stride)[-1]
        rel = start - (self.num_frames - len(self._buffer))
        self._run_clip(start, list(self._buffer)[rel:rel + length])
        self._buffer.clear()
        self._emit(self.linker.release(self.num_frames, last=True), out)
        for state in self._pending:
            events: List[List[float]] = []
            state.runs.finish(self.num_frames, events)
            out['blinks'] += self._events(state.track_id, events)
        self._pending = []
        return out

    # ------------------------------------------------------------------
    def _add_frame(self, frame: np.ndarray) -> None:
        index = self.num_frames
        if not (isinstance(frame, np.ndarray) and frame.ndim == 3
                and frame.shape[2] == 3 and frame.dtype == np.uint8):
            desc = f'{frame.dtype} array of shape {frame.shape}' \
                if isinstance(frame, np.ndarray) else type(frame).__name__
            raise ValueError(f'frame {index}: expected an RGB [H, W, 3] '
                             f'uint8 array, got a {desc}')
        size = frame.shape[1::-1]
        if self._size is None:
            self._size = size
        elif size != self._size:
            raise ValueError(f'frame {index} is {size[0]}x{size[1]}, the '
                             f'stream started with {self._size[0]}x'
                             f'{self._size[1]}')
        if self.input_size is not None and size != self.input_size:
            frame = cv2.resize(frame, self.input_size)
        self._buffer.append(frame)
        self.num_frames += 1

    def _run_clip(self, start: int, clip: List[np.ndarray]) -> None:
        (w, h), (new_h, new_w) = self._size, clip[0].shape[:2]
        pred = self.backend(np.stack(clip), (new_w / w, new_h / h))
        self.linker.add_clip(start, pred['bboxes'], pred['scores'],
                             pred['blink_scores'], pred['face_scores'])

    @staticmethod
    def _events(track_id: int, events: List[List[float]]) -> List[Dict]:
        return [
            dict(track_id=track_id, start=s, end=e, score=v)
            for s, e, v in events
        ]

    def _emit(self, entries: List[Dict], out: Dict) -> None:
        """Turn :meth:`ClipLinker.release` entries into frames, events and
        finished tracks."""
        upto = self.linker.released
        # every released frame gets a record, with or without faces
        records = [dict(frame=f) for f in range(self._emitted, upto)]
        self._emitted = upto
        keys = ('boxes', 'present', 'frame_scores', 'blink_scores',
                'face_scores')
        columns = {key: [] for key in ('frame', 'track_ids') + keys}
        for entry in entries:
            i = entry['track_id']
            state = self._states.get(i)
            if state is None:
                state = self._states[i] = _TrackState(i, entry['start'],
                                                      self.blink_thr)
            events: List[List[float]] = []
            if 'boxes' in entry:
                n = len(entry['boxes'])
                columns['frame'].append(
                    np.arange(entry['start'], entry['start'] + n))
                columns['track_ids'].append(np.full(n, i))
                for key in keys:
                    columns[key].append(
                        entry['alive' if key == 'present' else key])
                state.runs.feed(entry['start'], entry['blink_scores'], events)
                scores = entry['frame_scores']
                positive = scores[scores > 0]
                state.score_sum = _sequential_sum(state.score_sum, positive)
                state.score_count += len(positive)
                state.end = entry['start'] + n
            if entry['finished']:
                del self._states[i]
                if self.blink_thr > 0:  # absent frames end every run
                    state.runs.finish(state.end, events)
                else:
                    self._pending.append(state)
                out['tracks'].append(
                    dict(
                        track_id=i,
                        start=state.start,
                        end=state.end - 1,
                        score=state.score_sum /
                        state.score_count if state.score_count else 0.0))
            out['blinks'] += self._events(i, events)
        if columns['frame']:
            frame = np.concatenate(columns['frame'])
            order = np.argsort(frame, kind='stable')  # frame, then track id
            cols = {
                key: np.concatenate(value)[order]
                for key, value in columns.items() if key != 'frame'
            }
            bounds = np.searchsorted(frame[order],
                                     np.arange(upto - len(records), upto + 1))
            for n, rec in enumerate(records):
                rec.update({
                    key: value[bounds[n]:bounds[n + 1]]
                    for key, value in cols.items()
                })
        else:
            for rec in records:
                rec.update(self._no_faces())
        out['frames'] += records

    @staticmethod
    def _no_faces() -> Dict[str, np.ndarray]:
        return dict(
            track_ids=np.zeros(0, np.int64),
            boxes=np.zeros((0, 4)),
            present=np.zeros(0, bool),
            frame_scores=np.zeros(0),
            blink_scores=np.zeros(0),
            face_scores=np.zeros(0))


class InstBlinkResultCollector:
    """Collect :class:`InstBlinkStream` outputs into the official result
    format of :func:`mmvb.apis.inference_instblink`
    (:func:`~mmvb.evaluation.functional.tracks_to_results`).

    It keeps every frame of every track (the result format lists them
    all), so its memory grows with the video, unlike the stream's.
    """

    def __init__(self) -> None:
        self._frames: Dict[int, Dict[int, tuple]] = {}
        self._blinks: Dict[int, List[List[float]]] = {}
        self._scores: Dict[int, float] = {}
        self.num_frames = 0

    def update(self, output: Dict) -> None:
        """Add one output of :meth:`InstBlinkStream.push` / ``close``."""
        for rec in output['frames']:
            self.num_frames = max(self.num_frames, rec['frame'] + 1)
            for i, box, present, score, blink in zip(
                    rec['track_ids'].tolist(), rec['boxes'].tolist(),
                    rec['present'].tolist(), rec['frame_scores'].tolist(),
                    rec['blink_scores'].tolist()):
                self._frames.setdefault(i, {})[rec['frame']] = (box, present,
                                                                score, blink)
        for event in output['blinks']:
            self._blinks.setdefault(event['track_id'], []).append(
                [event['start'], event['end'], event['score']])
        for track in output['tracks']:
            self._scores[track['track_id']] = track['score']

    def results(self, video_id=0) -> List[Dict]:
        """The tracks in the official result format (finished tracks
        only: call after :meth:`InstBlinkStream.close`)."""
        results = []
        for i in sorted(self._scores):
            frames = self._frames.get(i, {})
            bboxes, blinks, scores = [], [], []
            for f in range(self.num_frames):
                box, present, score, blink = frames.get(
                    f, (None, False, 0.0, 0.0))
                if present:
                    x1, y1, x2, y2 = box
                    bboxes.append([x1, y1, x2 - x1, y2 - y1])
                else:
                    bboxes.append(None)
                blinks.append(blink)
                scores.append(score)
            results.append(
                dict(
                    video_id=video_id,
                    category_id=1,
                    score=self._scores[i],
                    bboxes=bboxes,
                    blink_scores=blinks,
                    score_per_img=scores,
                    blinks_converted=self._blinks.get(i, [])))
        return results
