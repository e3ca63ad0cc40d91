# Copyright (c) mmvb contributors. All rights reserved.
"""Inter-clip linking of InstBlink query tubes into video tracks.

The linking rules of the official ``tools/test_mpeblink.py``
(wenzhengzeng/MPEblink, commit ``ee9a44f``; the paper does not describe
the linking). Used by :class:`~mmvb.evaluation.MPEblinkMetric` and
by :func:`mmvb.apis.inference_instblink`.
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


class ClipLinker:
    """Greedy inter-clip linking of query tubes into video tracks.

    Feed clips in time order with :meth:`add_clip`; :meth:`tracks` returns
    the linked tracks. The rules are those of the official test script:

    * queries with a clip score ``<= score_thr`` are dropped;
    * for the ``P`` current tracks and ``K`` new queries, ``sim[i, j]`` is
      the mean over the overlapping frames of the box IoU of track ``i``
      and query ``j``; ``min(P, K)`` times the largest remaining entry is
      taken: below ``iou_thr`` the query starts a new track (and the track
      is not matched in this clip), otherwise the track takes the query's
      new frames and the average of both on the overlap (boxes, per-frame
      scores, blink probabilities); the row and column are then removed;
    * queries left over start new tracks (from their first clip frame).

    A track holds boxes only in the frames of the clips it was linked in;
    other frames are absent. The per-frame score of a track is the clip
    score of its query (averaged on overlaps).

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
        # per track and frame: boxes [P, L, 4], the rest [P, L]
        self.data = dict(boxes=np.zeros((0, 0, 4)))
        for key in self.FIELDS[1:]:
            self.data[key] = np.zeros((0, 0))
        self.alive = np.zeros((0, 0), bool)

    def _append_tracks(self, start: int, clip: Dict[str, np.ndarray]) -> None:
        """New tracks for queries of a clip starting at ``start``."""
        k, t = clip['boxes'].shape[:2]
        for key, value in clip.items():
            new = np.zeros((k, self.length) + value.shape[2:])
            new[:, start:start + t] = value
            self.data[key] = np.concatenate([self.data[key], new])
        alive = np.zeros((k, self.length), bool)
        alive[:, start:start + t] = True
        self.alive = np.concatenate([self.alive, alive])

    def add_clip(self,
                 start: int,
                 boxes: np.ndarray,
                 scores: np.ndarray,
                 blinks: np.ndarray,
                 faces: Optional[np.ndarray] = None) -> None:
        """Link the queries of the next clip.

        Args:
            start (int): First frame of the clip in the video.
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
        if end > self.length:  # extend every track with absent frames
            pad = end - self.length
            for key, value in self.data.items():
                width = [(0, 0), (0, pad)] + [(0, 0)] * (value.ndim - 2)
                self.data[key] = np.pad(value, width)
            self.alive = np.pad(self.alive, ((0, 0), (0, pad)))
            self.length = end
        num_tracks, k = len(self.alive), len(keep)
        order = list(range(k))
        if num_tracks and k and overlap > 0:
            prev = torch.from_numpy(self.data['boxes'][:,
                                                       start:start + overlap])
            cur = torch.from_numpy(clip['boxes'][:, :overlap])
            # [overlap, P, K] -> mean over the overlap
            sim = box_iou(prev.transpose(0, 1), cur.transpose(0, 1))
            sim = torch.nan_to_num(sim, nan=0.0).mean(0).numpy()
            assigned = np.zeros(k, bool)
            new_tracks = []
            for _ in range(min(num_tracks, k)):
                i, j = np.unravel_index(sim.argmax(), sim.shape)
                if sim[i, j] < self.iou_thr:
                    new_tracks.append(j)
                else:
                    o = slice(start, start + overlap)
                    n = slice(start + overlap, end)
                    for key, value in clip.items():
                        track = self.data[key][i]
                        track[o] = (track[o] + value[j, :overlap]) / 2
                        track[n] = value[j, overlap:]
                    self.alive[i, start:end] = True
                sim[i, :] = -np.inf
                sim[:, j] = -np.inf
                assigned[j] = True
            # new tracks in the official order: threshold misses first
            order = new_tracks + [j for j in range(k) if not assigned[j]]
        if order:
            self._append_tracks(
                start, {key: value[order]
                        for key, value in clip.items()})

    def tracks(self) -> List[Dict]:
        """Linked tracks.

        Returns:
            list[dict]: Per track ``boxes [L, 4]`` (``xyxy``),
            ``alive [L]`` (bool), ``frame_scores [L]``, ``blink_scores
            [L]`` (0 where absent) and ``score`` (mean of the positive
            per-frame scores, the official track score).
        """
        out = []
        for i in range(len(self.alive)):
            alive = self.alive[i].copy()
            if self.frame_thr is not None:
                alive &= self.data['faces'][i] > self.frame_thr
            frame_scores = self.data['scores'][i]
            pos = frame_scores > 0
            score = float(frame_scores[pos].mean()) if pos.any() else 0.0
            out.append(
                dict(
                    boxes=self.data['boxes'][i],
                    alive=alive,
                    frame_scores=frame_scores,
                    blink_scores=np.where(alive, self.data['blinks'][i], 0),
                    score=score))
        return out
