# Copyright (c) mmvb contributors. All rights reserved.
"""Inter-clip linking of InstBlink query tubes into video tracks.

The linking rules of the official ``tools/test_mpeblink.py``
(wenzhengzeng/MPEblink, commit ``ee9a44f``; the paper does not describe
the linking). Used by :class:`~mmvb.evaluation.MPEblinkMetric`, by
:func:`mmvb.apis.inference_instblink` and by the streaming
:class:`mmvb.apis.InstBlinkStream`.
"""
from typing import Dict, List, Optional

import numpy as np
import torch

from mmvb.ops import box_iou


def temporal_nms(boxes: np.ndarray, scores: np.ndarray,
                 iou_thr: float) -> np.ndarray:
    """Greedy NMS of query tubes by their mean box IoU over the clip.

    Args:
        boxes (np.ndarray): ``[K, T, 4]`` ``xyxy``.
        scores (np.ndarray): ``[K]``.
        iou_thr (float): Tubes overlapping a kept one by more are dropped.

    Returns:
        np.ndarray: Indices of the kept tubes, by descending score.
    """
    tubes = torch.from_numpy(np.asarray(boxes, np.float64)).transpose(0, 1)
    # [T, K, K] -> mean over the clip
    iou = torch.nan_to_num(box_iou(tubes, tubes), nan=0.0).mean(0).numpy()
    kept = []
    for i in np.argsort(-np.asarray(scores), kind='stable'):
        if all(iou[i, j] <= iou_thr for j in kept):
            kept.append(i)
    return np.asarray(kept, dtype=np.int64)


class _Track:
    """Per-frame data of one track over the frames it still holds.

    Row ``r`` of every buffer is frame ``offset + r``; rows up to
    ``end - offset`` are in use. Buffers grow by doubling (amortised
    constant time per frame) and drop released frames.
    """

    FIELDS = (('boxes', (4, ), np.float64), ('scores', (), np.float64),
              ('blinks', (), np.float64), ('faces', (),
                                           np.float64), ('alive', (), bool))

    def __init__(self, start: int, values: Dict[str, np.ndarray]) -> None:
        t = len(values['boxes'])
        self.start, self.offset, self.end = start, start, start + t
        self.data = {}
        for key, shape, dtype in self.FIELDS:
            buf = np.zeros((max(2 * t, 1), ) + shape, dtype)
            buf[:t] = values[key] if key != 'alive' else True
            self.data[key] = buf

    def extend(self, end: int) -> None:
        """Hold frames up to ``end`` (new frames absent, zero)."""
        used, need = self.end - self.offset, end - self.offset
        if need > len(self.data['alive']):
            cap = max(need, 2 * len(self.data['alive']))
            for key, buf in self.data.items():
                new = np.zeros((cap, ) + buf.shape[1:], buf.dtype)
                new[:used] = buf[:used]
                self.data[key] = new
        self.end = max(self.end, end)

    def view(self, key: str, first: int, last: int) -> np.ndarray:
        """Rows of frames ``[first, last)`` (a writable view)."""
        return self.data[key][first - self.offset:last - self.offset]

    def release(self, upto: int) -> None:
        """Drop the frames before ``upto``."""
        cut = min(upto, self.end) - self.offset
        if cut <= 0:
            return
        used = self.end - self.offset
        for buf in self.data.values():
            buf[:used - cut] = buf[cut:used].copy()
            buf[used - cut:used] = 0
        self.offset += cut


class ClipLinker:
    """Greedy inter-clip linking of query tubes into video tracks.

    Feed clips in time order with :meth:`add_clip`; :meth:`tracks` returns
    the linked tracks. The rules are those of the official test script:

    * queries with a clip score ``<= score_thr`` are dropped;
    * for the ``P`` current tracks and ``K`` new queries, ``sim[i, j]`` is
      the mean over the overlapping frames of the box IoU of track ``i``
      and query ``j`` (0 in frames where the track is absent);
      ``min(P, K)`` times the largest remaining entry is taken (the first
      in track-major order among equal ones): below ``iou_thr`` the query
      starts a new track (and the track is not matched in this clip),
      otherwise the track takes the query's new frames and the average of
      both on the overlap (boxes, per-frame scores, blink probabilities;
      an absent track frame counts as 0); the row and column are then
      removed;
    * queries left over start new tracks (from their first clip frame).

    A track holds boxes only in the frames of the clips it was linked in;
    other frames are absent. The per-frame score of a track is the clip
    score of its query (averaged on overlaps).

    **Cost.** Each track holds its own frames only (no padding of every
    track to the video length), and a clip is compared with the *open*
    tracks only: those present in a frame at or after the clip's start.
    A track absent from the whole overlap has similarity 0 with every
    query, and with ``iou_thr > 0`` it changes neither the matches nor the
    order of the new tracks (the zero rows are only ever picked once all
    remaining entries are 0, and then every pick takes the lowest
    remaining query, which is also the order of the left-over queries), so
    leaving it out gives the official result exactly. Linking is therefore
    linear in the number of frames and in the number of tracks, however
    the tracks fragment. With ``iou_thr <= 0`` a track absent from the
    overlap can still be matched (similarity ``0 >= iou_thr``), so every
    track stays open, as in the official code.

    For streaming, :meth:`release` hands out the frames no later clip can
    change and drops them, so the memory held is bounded by the open
    tracks times the clip length.

    Two options go beyond the CVPR code (both off by default):

    * ``nms_thr``: the temporal NMS of the later InstBlink++ code; before
      linking, a clip's queries are visited by score and a query whose
      mean box IoU over the clip with an already kept query exceeds
      ``nms_thr`` is dropped;
    * ``frame_thr``: frames where a track's per-frame face probability
      (the existence score ``c_t`` of Sec. 4.4, averaged on overlaps) is
      ``<= frame_thr`` are absent in :meth:`tracks` (the official code
      gives a kept query a box in every frame of its clip).

    Args:
        score_thr (float): Query score threshold. Defaults to 0.5.
        iou_thr (float): Linking IoU threshold. Defaults to 0.2.
        nms_thr (float, optional): Temporal NMS threshold. Defaults to None.
        frame_thr (float, optional): Per-frame face threshold.
            Defaults to None.
    """

    FIELDS = ('boxes', 'scores', 'blinks', 'faces')

    def __init__(self,
                 score_thr: float = 0.5,
                 iou_thr: float = 0.2,
                 nms_thr: Optional[float] = None,
                 frame_thr: Optional[float] = None) -> None:
        self.score_thr = score_thr
        self.iou_thr = iou_thr
        self.nms_thr = nms_thr
        self.frame_thr = frame_thr
        self.length = 0  # frames covered so far
        self.released = 0  # frames handed out by release()
        self._last_start = 0
        self._tracks: Dict[int, _Track] = {}  # by id; finished ones leave
        self._num_tracks = 0
        self._open: List[int] = []  # ids that a later clip may link
        self._held: List[int] = []  # ids with frames not yet released

    @property
    def num_tracks(self) -> int:
        """Tracks started so far."""
        return self._num_tracks

    @property
    def num_open(self) -> int:
        """Tracks a later clip may still link (or change)."""
        return len(self._open)

    def add_clip(self,
                 start: int,
                 boxes: np.ndarray,
                 scores: np.ndarray,
                 blinks: np.ndarray,
                 faces: Optional[np.ndarray] = None) -> None:
        """Link the queries of the next clip.

        Args:
            start (int): First frame of the clip in the video (not before
                the previous clip's start nor before the released frames).
            boxes (np.ndarray): ``[K, T, 4]`` ``xyxy`` per query and frame.
            scores (np.ndarray): ``[K]`` clip scores.
            blinks (np.ndarray): ``[K, T]`` blink probabilities.
            faces (np.ndarray, optional): ``[K, T]`` face probabilities
                (needed by ``frame_thr``). Defaults to the clip scores.
        """
        boxes = np.asarray(boxes, np.float64)
        scores = np.asarray(scores, np.float64)
        k, t = boxes.shape[:2]
        clip = dict(
            boxes=boxes,
            scores=np.repeat(scores[:, None], t, axis=1),
            blinks=np.asarray(blinks, np.float64),
            faces=np.repeat(scores[:, None], t, axis=1)
            if faces is None else np.asarray(faces, np.float64))
        keep = np.flatnonzero(scores > self.score_thr)
        if self.nms_thr is not None and len(keep) > 1:
            keep = keep[temporal_nms(boxes[keep], scores[keep], self.nms_thr)]
        clip = {key: value[keep] for key, value in clip.items()}
        end = start + t
        overlap = self.length - start
        assert start >= 0 and (self.length == 0 or 0 < overlap <= t), \
            f'clip [{start}, {end}) does not continue frames [0, ' \
            f'{self.length})'
        assert start >= max(self._last_start, self.released), \
            f'clip [{start}, {end}) starts before the previous clip ' \
            f'({self._last_start}) or the released frames ({self.released})'
        self._last_start = start
        self.length = max(self.length, end)
        if self.iou_thr > 0:
            self._open = [i for i in self._open if self._tracks[i].end > start]
        cands, k = self._open, len(keep)
        order = list(range(k))
        if cands and k and overlap > 0:
            prev = np.zeros((len(cands), overlap, 4))
            for row, i in enumerate(cands):
                track = self._tracks[i]
                first = max(start, track.offset)
                last = min(start + overlap, track.end)
                if last > first:
                    prev[row, first - start:last - start] = track.view(
                        'boxes', first, last)
            cur = torch.from_numpy(clip['boxes'][:, :overlap])
            # [overlap, P, K] -> mean over the overlap
            sim = box_iou(
                torch.from_numpy(prev).transpose(0, 1), cur.transpose(0, 1))
            sim = torch.nan_to_num(sim, nan=0.0).mean(0).numpy()
            assigned = np.zeros(k, bool)
            new_tracks = []
            for _ in range(min(len(cands), k)):
                i, j = np.unravel_index(sim.argmax(), sim.shape)
                if sim[i, j] < self.iou_thr:
                    new_tracks.append(j)
                else:
                    track = self._tracks[cands[i]]
                    track.extend(end)
                    o, n = start + overlap, end
                    for key, value in clip.items():
                        track_o = track.view(key, start, o)
                        track_o[:] = (track_o + value[j, :overlap]) / 2
                        track.view(key, o, n)[:] = value[j, overlap:]
                    track.view('alive', start, end)[:] = True
                sim[i, :] = -np.inf
                sim[:, j] = -np.inf
                assigned[j] = True
            # new tracks in the official order: threshold misses first
            order = new_tracks + [j for j in range(k) if not assigned[j]]
        for j in order:
            i = self._num_tracks
            self._open.append(i)
            self._held.append(i)
            self._tracks[i] = _Track(
                start, {key: value[j]
                        for key, value in clip.items()})
            self._num_tracks += 1

    def _frames(self, track: _Track, first: int, last: int) -> Dict:
        """Output arrays of frames ``[first, last)`` of a track."""
        alive = track.view('alive', first, last).copy()
        if self.frame_thr is not None:
            alive &= track.view('faces', first, last) > self.frame_thr
        return dict(
            boxes=track.view('boxes', first, last).copy(),
            alive=alive,
            frame_scores=track.view('scores', first, last).copy(),
            blink_scores=np.where(alive, track.view('blinks', first, last), 0),
            face_scores=track.view('faces', first, last).copy())

    def release(self, upto: int, last: bool = False) -> List[Dict]:
        """Hand out and drop the frames before ``upto``.

        The caller promises that no later clip starts before ``upto`` (a
        clip changes its own frames only), so the frames handed out are
        final.

        Args:
            upto (int): First frame kept (at most :attr:`length`).
            last (bool): No clip follows (the end of the video): every
                track is finished. Defaults to False.

        Returns:
            list[dict]: One entry per track with frames in
            ``[released, upto)`` or finished now, by track id:
            ``track_id``, ``start`` (first frame of the entry), the
            :meth:`tracks` arrays of those frames (``boxes``, ``alive``,
            ``frame_scores``, ``blink_scores``; absent when there are none)
            plus ``face_scores``, and ``finished`` (True when no later clip
            can change the track: this is its last entry).
        """
        assert self.released <= upto <= self.length, \
            f'cannot release up to frame {upto}: frames [{self.released}, ' \
            f'{self.length}) are held'
        out, held = [], []
        for i in self._held:
            track = self._tracks[i]
            first = max(self.released, track.offset)
            stop = min(upto, track.end)
            entry = dict(track_id=i, start=first)
            if stop > first:
                entry.update(self._frames(track, first, stop))
            finished = last or (self.iou_thr > 0 and track.end <= upto)
            entry['finished'] = finished
            if stop > first or finished:
                out.append(entry)
            if finished:
                del self._tracks[i]
            else:
                track.release(upto)
                held.append(i)
        self._held = held
        if last:
            self._open = []
        else:
            self._open = [i for i in self._open if i in self._tracks]
        self.released = upto
        return out

    def tracks(self) -> List[Dict]:
        """Linked tracks.

        Returns:
            list[dict]: Per track ``boxes [L, 4]`` (``xyxy``),
            ``alive [L]`` (bool), ``frame_scores [L]``, ``blink_scores
            [L]`` (0 where absent) and ``score`` (mean of the positive
            per-frame scores, the official track score).
        """
        assert self.released == 0, \
            'tracks() needs every frame; use release() when streaming'
        out, length = [], self.length
        for track in self._tracks.values():
            span = self._frames(track, track.offset, track.end)
            dense = dict()
            for key in ('boxes', 'alive', 'frame_scores', 'blink_scores'):
                value = span[key]
                full = np.zeros((length, ) + value.shape[1:], value.dtype)
                full[track.offset:track.end] = value
                dense[key] = full
            frame_scores = span['frame_scores']
            pos = frame_scores > 0
            dense['score'] = float(
                frame_scores[pos].mean()) if pos.any() else 0.0
            out.append(dense)
        return out
