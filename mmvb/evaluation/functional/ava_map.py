# Copyright (c) mmvb contributors. All rights reserved.
"""AVA frame mAP under two protocols, on flat arrays.

``'official'`` is ActivityNet's AVA scorer, ``Evaluation/
get_ava_performance.py`` of activitynet/ActivityNet (commit 82304fa,
MIT licence), whose rules are:

* the classes are the ids of the label map; ground truth and detections of
  other classes are dropped on reading;
* the evaluated frames are all frames named in the ground-truth file (also
  by rows of non-evaluated classes and by ``video_id,timestamp`` rows
  without a box); detections of other frames are ignored, and detections
  of a frame whose ground truth holds only non-evaluated classes are false
  positives;
* per frame, only the 50 highest-scored detections (of evaluated classes)
  are kept, with the scorer's ``heapq`` semantics (a detection replaces the
  lowest kept one only if its score is strictly higher);
* detection boxes with ``x1 >= x2`` or ``y1 >= y2`` are dropped (after that
  cap);
* boxes are compared in float64; matching is the greedy per-frame,
  per-class one of :func:`~mmvb.evaluation.functional.match_detections`;
  AP is VOC all-point; mAP is the mean over classes with ground truth.

The scorer lost its ``--exclusions`` option in 2020 (commit c070fdb:
empty key frames became ``video_id,timestamp`` rows instead). Given an
excluded-timestamps list, frames in it are dropped from ground truth and
detections, as the scorer did before that commit (eba0ec9), and as
MMAction2 and SlowFast pass ``ava_val_excluded_timestamps_v2.2.csv``.

``'slowfast'`` is the protocol of MMAction2's ``ava_eval`` (SlowFast's
``ava_eval_helper``) with its bugs fixed, as mmvb used it before: only
frames with ground truth of an evaluated class are evaluated (detections
of frames whose ground truth holds only non-evaluated classes are
ignored), every detection is kept, no box is dropped, boxes are compared
in float32.

The only difference from the scorer left in ``'official'`` is the order of
detections of one frame and class with *equal* scores (the scorer's order
there depends on its heap layout and on numpy's unstable sort); here they
keep their input order.
"""
import csv
import decimal
import heapq
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import print_log

from .frame_map import class_average_precisions, match_detections

AVA_PROTOCOLS = ('official', 'slowfast')
#: detections kept per frame by ActivityNet's AVA scorer
OFFICIAL_MAX_DETS_PER_FRAME = 50


def ava_frame_key(video_id: str, timestamp) -> str:
    """The scorer's frame key: ``'%s,%.6f' % (video_id, timestamp)`` with
    the timestamp read as a decimal (``0902`` and ``902`` are the same
    frame)."""
    return '%s,%.6f' % (video_id, decimal.Decimal(str(timestamp).strip()))


def read_ava_label_map(path: str) -> Tuple[List[dict], List[int]]:
    """Read an AVA ``.pbtxt`` label map as the scorer does (lines
    ``  name: "..."`` then ``  id: N`` or ``  label_id: N``).

    Returns:
        tuple: ``[{'id': int, 'name': str}, ...]`` and the sorted ids.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: No id in the file, or a malformed id (naming the line).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'AVA label map {path} not found')
    categories, name = [], ''
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            if line.startswith('  name:'):
                name = line.split('"')[1]
            elif line.startswith('  id:') or line.startswith('  label_id:'):
                try:
                    class_id = int(line.strip().split(' ')[-1])
                except ValueError:
                    raise ValueError(f'{path}:{lineno}: malformed class id '
                                     f'{line.strip()!r}') from None
                categories.append(dict(id=class_id, name=name))
    if not categories:
        raise ValueError(f'{path}: no class id found (expected "  id: N" '
                         'lines of an AVA .pbtxt label map)')
    return categories, sorted({c['id'] for c in categories})


class AVARows:
    """Rows of an AVA CSV (ground truth or detections) as flat arrays.

    Attributes:
        keys (list[str]): Frame keys (:func:`ava_frame_key`) in order of
            first appearance, including frames named only by
            ``video_id,timestamp`` rows.
        frame (np.ndarray): ``[n]`` index into ``keys`` of each box row.
        boxes (np.ndarray): ``[n, 4]`` float64 ``x1, y1, x2, y2``.
        labels (np.ndarray): ``[n]`` int64 action ids.
        scores (np.ndarray): ``[n]`` float64 (1.0 for 7-column rows).
    """

    def __init__(self, keys, frame, boxes, labels, scores) -> None:
        self.keys = keys
        self.frame = frame
        self.boxes = boxes
        self.labels = labels
        self.scores = scores


def read_ava_csv(path: str) -> AVARows:
    """Read an AVA CSV (``video_id, timestamp[, x1, y1, x2, y2, action_id[,
    person_id | score]]``) with the scorer's column rules.

    Rows of 2, 7 or 8 columns are accepted, as by the scorer; an 8th column
    is the detection score (the person id in ground-truth files, unused
    there).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: Naming ``path:line`` and the column.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'AVA CSV file {path} not found')
    index: Dict[str, int] = {}
    frame, boxes, labels, scores = [], [], [], []
    columns = ('video_id', 'timestamp', 'x1', 'y1', 'x2', 'y2', 'action_id',
               'score')
    with open(path, newline='') as f:
        for lineno, row in enumerate(csv.reader(f), 1):
            if len(row) not in (2, 7, 8):
                raise ValueError(
                    f'{path}:{lineno}: expected 2, 7 or 8 columns '
                    f'(video_id, timestamp[, x1, y1, x2, y2, action_id[, '
                    f'score]]), got {len(row)}: {row!r}')
            try:
                key = ava_frame_key(row[0], row[1])
            except decimal.InvalidOperation:
                raise ValueError(f'{path}:{lineno}: column \'timestamp\': '
                                 f'{row[1]!r} is not a number') from None
            i = index.setdefault(key, len(index))
            if len(row) == 2:
                continue
            col = 2
            try:
                box = [float(v) for v in row[2:6]]
                col = 6
                label = int(row[6])
                col = 7
                score = float(row[7]) if len(row) == 8 else 1.0
            except ValueError:
                raise ValueError(f'{path}:{lineno}: column {columns[col]!r}: '
                                 f'malformed value in {row!r}') from None
            frame.append(i)
            boxes.append(box)
            labels.append(label)
            scores.append(score)
    return AVARows(
        list(index), np.asarray(frame, dtype=np.int64),
        np.asarray(boxes, dtype=np.float64).reshape(-1, 4),
        np.asarray(labels, dtype=np.int64),
        np.asarray(scores, dtype=np.float64))


def read_ava_exclusions(path: str) -> List[str]:
    """Frame keys of an excluded-timestamps CSV (``video_id,timestamp``).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: A row without exactly 2 columns (naming ``path:line``).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'AVA excluded-timestamps file {path} not '
                                'found')
    keys = []
    with open(path, newline='') as f:
        for lineno, row in enumerate(csv.reader(f), 1):
            if not row:
                continue
            if len(row) != 2:
                raise ValueError(f'{path}:{lineno}: expected 2 columns '
                                 f'(video_id, timestamp), got {row!r}')
            try:
                keys.append(ava_frame_key(row[0], row[1]))
            except decimal.InvalidOperation:
                raise ValueError(f'{path}:{lineno}: column \'timestamp\': '
                                 f'{row[1]!r} is not a number') from None
    return keys


def _heap_top_k(rows: Sequence[Tuple], k: int) -> List[int]:
    """Indices of the rows the scorer's ``heapq`` keeps (capacity ``k``).

    Each row is the scorer's tuple ``(score, action_id, y1, x1, y2, x2)``;
    rows arrive in order.
    """
    heap: List[Tuple] = []
    for i, row in enumerate(rows):
        item = tuple(row) + (i, )
        if len(heap) < k:
            heapq.heappush(heap, item)
        elif row[0] > heap[0][0]:
            heapq.heapreplace(heap, item)
    return sorted(item[-1] for item in heap)


def top_k_per_frame(frame: np.ndarray, scores: np.ndarray, labels: np.ndarray,
                    boxes: np.ndarray, k: int) -> Tuple[np.ndarray, int, int]:
    """Detections the scorer keeps with at most ``k`` per frame.

    Rows are in reading order. When the ``k``-th and ``(k+1)``-th scores of
    a frame differ, the scorer keeps exactly its ``k`` highest-scored rows
    (a row scored above the ``k``-th highest is never rejected nor
    evicted); such frames are cut in one vectorised step. A frame with a
    tie across the cut is replayed through the scorer's heap
    (:func:`_heap_top_k`), whose choice among tied rows depends on their
    order and on the rest of the tuple.

    Args:
        frame (np.ndarray): ``[n]`` frame index.
        scores (np.ndarray): ``[n]``.
        labels (np.ndarray): ``[n]``.
        boxes (np.ndarray): ``[n, 4]`` ``x1, y1, x2, y2``.
        k (int): Capacity.

    Returns:
        tuple: Sorted indices of the kept rows, the number of frames that
        had more than ``k`` rows, and the number of rows dropped.
    """
    n = len(frame)
    if n == 0:
        return np.arange(0), 0, 0
    order = np.lexsort((-scores, frame))  # stable: ties in reading order
    sorted_frame = frame[order]
    starts = np.flatnonzero(np.r_[True, sorted_frame[1:] != sorted_frame[:-1]])
    counts = np.diff(np.r_[starts, n])
    rank = np.arange(n) - np.repeat(starts, counts)
    keep = rank < k
    over = np.flatnonzero(counts > k)
    sorted_scores = scores[order]
    tied = over[sorted_scores[starts[over] + k -
                              1] == sorted_scores[starts[over] + k]]
    for f in tied:  # rare: replay the heap on this frame only
        pos = np.arange(starts[f], starts[f] + counts[f])
        rows = np.sort(order[pos])  # reading order
        tuples = [(scores[r], labels[r], boxes[r, 1], boxes[r, 0], boxes[r, 3],
                   boxes[r, 2]) for r in rows]
        kept = set(rows[_heap_top_k(tuples, k)].tolist())
        keep[pos] = [int(r) in kept for r in order[pos]]
    kept_rows = np.sort(order[keep])
    return kept_rows, len(over), n - len(kept_rows)


class _LazyBoxes:
    """``table[index[i]]`` on item access (boxes of a few rows only)."""

    def __init__(self, table: np.ndarray, index: np.ndarray) -> None:
        self.table = table
        self.index = index

    def __getitem__(self, item):
        if isinstance(item, tuple):
            return self.table[self.index[item[0]], item[1]]
        return self.table[self.index[item]]


def ava_average_precisions(
        gt_frame: np.ndarray,
        gt_boxes: np.ndarray,
        gt_labels: np.ndarray,
        num_frames: int,
        det_frame: np.ndarray,
        det_boxes: np.ndarray,
        det_labels: np.ndarray,
        det_scores: np.ndarray,
        class_ids: Sequence[int],
        protocol: str = 'official',
        excluded: Optional[np.ndarray] = None,
        max_dets_per_frame: int = OFFICIAL_MAX_DETS_PER_FRAME,
        iou_thr: float = 0.5,
        det_box_index: Optional[np.ndarray] = None) -> Tuple[Dict, Dict]:
    """Per-class AP of AVA detections (see the module docstring).

    Frames are integers ``0 .. num_frames - 1``: every frame named in the
    ground-truth file. Detections are given in reading order (the order of
    the rows of a detection CSV); a detection of a frame absent from the
    ground-truth file has frame -1.

    Args:
        gt_frame (np.ndarray): ``[m]`` frame of each ground-truth row.
        gt_boxes (np.ndarray): ``[m, 4]`` ``x1, y1, x2, y2``.
        gt_labels (np.ndarray): ``[m]`` action ids (all classes).
        num_frames (int): Frames named in the ground-truth file.
        det_frame (np.ndarray): ``[n]`` frame of each detection or -1.
        det_boxes (np.ndarray): ``[n, 4]`` ``x1, y1, x2, y2``.
        det_labels (np.ndarray): ``[n]`` action ids.
        det_scores (np.ndarray): ``[n]``.
        class_ids (Sequence[int]): Evaluated classes (the label map's).
        protocol (str): ``'official'`` or ``'slowfast'``.
        excluded (np.ndarray, optional): ``[num_frames]`` bool, frames to
            skip.
        max_dets_per_frame (int): The official cap. Defaults to 50.
        iou_thr (float): IoU threshold. Defaults to 0.5.
        det_box_index (np.ndarray, optional): ``[n]``; if given,
            ``det_boxes`` is a table of boxes and detection ``i`` has box
            ``det_boxes[det_box_index[i]]`` (several classes of one
            predicted box share a row, which saves memory).

    Returns:
        tuple[dict, dict]: AP per class id (NaN without ground truth) and
        counts: ``frames`` (evaluated), ``outside_frames`` (detections of
        evaluated classes on frames that are not evaluated, ignored),
        ``capped_frames`` and ``capped_dets`` (frames over the cap and
        detections dropped by it), ``invalid_boxes`` (dropped).
    """
    assert protocol in AVA_PROTOCOLS, \
        f'protocol must be one of {AVA_PROTOCOLS}, got {protocol!r}'
    class_ids = sorted(int(c) for c in class_ids)
    gt_frame = np.asarray(gt_frame, dtype=np.int64)
    gt_labels = np.asarray(gt_labels, dtype=np.int64)
    det_frame = np.asarray(det_frame)
    det_labels = np.asarray(det_labels)
    if excluded is None:
        excluded = np.zeros(num_frames, dtype=bool)
    top = max(class_ids + [0]) + 1
    lookup = np.zeros(top, dtype=bool)
    lookup[class_ids] = True

    def wanted(labels):
        inside = (labels >= 0) & (labels < top)
        return inside & lookup[np.where(inside, labels, 0)]

    keep_gt = wanted(gt_labels) & ~excluded[gt_frame]
    if protocol == 'official':
        evaluated = ~excluded
    else:
        evaluated = np.zeros(num_frames, dtype=bool)
        evaluated[gt_frame[keep_gt]] = True
    det_ok = wanted(det_labels)
    on_frame = det_frame >= 0
    on_frame[on_frame] = evaluated[det_frame[on_frame]]
    info = dict(
        frames=int(evaluated.sum()),
        outside_frames=int(np.count_nonzero(det_ok & ~on_frame)),
        capped_frames=0,
        capped_dets=0,
        invalid_boxes=0)
    keep = np.flatnonzero(det_ok & on_frame)
    d_frame, d_labels = det_frame[keep], det_labels[keep]
    d_scores = np.asarray(det_scores)[keep]
    if det_box_index is None:
        box_index, box_table = keep, det_boxes
    else:
        box_index, box_table = np.asarray(det_box_index)[keep], det_boxes
    del keep

    if protocol == 'official':
        kept, info['capped_frames'], info['capped_dets'] = top_k_per_frame(
            d_frame, d_scores, d_labels, _LazyBoxes(box_table, box_index),
            max_dets_per_frame)
        d_boxes = np.asarray(box_table[box_index[kept]], dtype=np.float64)
        valid = (d_boxes[:, 0] < d_boxes[:, 2]) & (
            d_boxes[:, 1] < d_boxes[:, 3])
        info['invalid_boxes'] = int(np.count_nonzero(~valid))
        kept = kept[valid]
        d_frame, d_labels = d_frame[kept], d_labels[kept]
        d_scores, d_boxes = d_scores[kept], d_boxes[valid]
        g_boxes = np.asarray(gt_boxes[keep_gt], dtype=np.float64)
    else:
        d_boxes = np.asarray(box_table[box_index], dtype=np.float32)
        g_boxes = np.asarray(gt_boxes[keep_gt], dtype=np.float32)
    # per frame by descending score, ties in reading order
    order = np.lexsort((-d_scores, d_frame))
    d_frame = d_frame[order].astype(np.int64)
    d_labels = d_labels[order].astype(np.int64)
    d_scores, d_boxes = d_scores[order], d_boxes[order]
    g_frame, g_labels = gt_frame[keep_gt], gt_labels[keep_gt]
    tp = match_detections(d_frame * top + d_labels, d_boxes,
                          g_frame * top + g_labels, g_boxes, iou_thr)
    aps = class_average_precisions(d_labels, d_scores, tp, g_labels, class_ids)
    return aps, info


def log_ava_counts(info: Dict,
                   protocol: str,
                   max_dets_per_frame: int = OFFICIAL_MAX_DETS_PER_FRAME,
                   logger: str = 'current') -> None:
    """Log what :func:`ava_average_precisions` dropped (its ``info``)."""
    if info['capped_frames']:
        print_log(
            f'AVA ({protocol} protocol): {info["capped_frames"]} frames had '
            f'more than {max_dets_per_frame} detections of evaluated '
            f'classes; kept the top {max_dets_per_frame} of each as '
            f'ActivityNet\'s scorer does ({info["capped_dets"]} detections '
            'dropped)',
            logger=logger)
    if info['outside_frames']:
        print_log(
            f'AVA ({protocol} protocol): {info["outside_frames"]} detections '
            'on frames that are not evaluated were ignored',
            logger=logger)
    if info['invalid_boxes']:
        print_log(
            f'AVA ({protocol} protocol): {info["invalid_boxes"]} detections '
            'with x1 >= x2 or y1 >= y2 were dropped',
            logger=logger)


def evaluate_ava_csv(label_file: str,
                     gt_file: str,
                     det_file: str,
                     exclude_file: Optional[str] = None,
                     protocol: str = 'official',
                     iou_thr: float = 0.5) -> Tuple[Dict, Dict]:
    """Score an AVA detection CSV as ``get_ava_performance.py`` does
    (``-l label_file -g gt_file -d det_file``; ``protocol='official'``).
    A frame with more than 50 detections keeps its top 50; what was
    dropped is logged (:func:`log_ava_counts`), never an error.

    Returns:
        tuple[dict, dict]: AP per class id of the label map and the counts
        of :func:`ava_average_precisions`.
    """
    _, class_ids = read_ava_label_map(label_file)
    gt = read_ava_csv(gt_file)
    det = read_ava_csv(det_file)
    index = {k: i for i, k in enumerate(gt.keys)}
    det_frame = np.array([index.get(k, -1) for k in det.keys], dtype=np.int64)
    excluded = np.zeros(len(gt.keys), dtype=bool)
    if exclude_file is not None:
        for key in read_ava_exclusions(exclude_file):
            if key in index:
                excluded[index[key]] = True
    aps, info = ava_average_precisions(
        gt.frame,
        gt.boxes,
        gt.labels,
        len(gt.keys),
        det_frame[det.frame] if len(det.frame) else det.frame,
        det.boxes,
        det.labels,
        det.scores,
        class_ids,
        protocol=protocol,
        excluded=excluded,
        iou_thr=iou_thr)
    log_ava_counts(info, protocol)
    return aps, info
