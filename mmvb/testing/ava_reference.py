# Copyright (c) mmvb contributors. All rights reserved.
"""Loop-based references for the AVA evaluation (tests and benchmarks).

Two slow, literal implementations that the vectorised code of
:mod:`mmvb.evaluation.functional` is checked against:

* :func:`loop_frame_average_precision`: the per-frame implementation mmvb
  used before the vectorised one (a Python loop over frames calling
  MMAction2's ``ava_utils.tpfp_single``, then MMAction2's
  ``compute_precision_recall`` / ``compute_average_precision``);
* :func:`activitynet_ava_scorer`: a transcription of the rules of
  ActivityNet's ``Evaluation/get_ava_performance.py`` (activitynet/
  ActivityNet @ 82304fa9f4a7219421df13dae6347a445c4cf5bc, MIT licence;
  with ``exclude_file`` its ``--exclusions`` handling of commit
  eba0ec905d831802e131ecae6fea58d376da49dd): per-frame ``heapq`` with
  capacity 50, label-map whitelist, frames of the ground-truth file only,
  invalid detection boxes dropped, greedy matching per frame and class in
  float64, VOC AP, ``nanmean`` over classes. Written from the scorer's
  rules, one frame and one class at a time, in plain Python.
"""
import csv
import decimal
import heapq
from collections import defaultdict
from functools import partial
from typing import Dict, Hashable, Iterable, Optional, Sequence

import numpy as np
from mmaction.evaluation.functional.ava_evaluation import metrics
from mmaction.evaluation.functional.ava_utils import tpfp_single


def loop_frame_average_precision(
        gt_boxes: Dict[Hashable, np.ndarray],
        gt_labels: Dict[Hashable, np.ndarray],
        det_boxes: Dict[Hashable, np.ndarray],
        det_labels: Dict[Hashable, np.ndarray],
        det_scores: Dict[Hashable, np.ndarray],
        class_ids: Iterable[int],
        iou_thr: float = 0.5,
        ignore_empty_frames: bool = True,
        excluded: Optional[Sequence] = None) -> Dict[int, float]:
    """The former ``frame_average_precision`` (same arguments)."""
    class_ids = [int(c) for c in class_ids]
    wanted = set(class_ids)
    excluded = set(excluded or ())
    keys = set(gt_boxes)
    if not ignore_empty_frames:
        keys |= set(det_boxes)
    keys -= excluded

    def select(boxes, labels, scores=None):
        labels = np.asarray(labels, dtype=np.int64).reshape(-1)
        keep = np.isin(labels, list(wanted))
        boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)[keep]
        if scores is None:
            return boxes, labels[keep]
        scores = np.asarray(scores, dtype=np.float32).reshape(-1)[keep]
        order = np.argsort(-scores, kind='stable')
        return boxes[order], labels[keep][order], scores[order]

    gt_count = {c: 0 for c in class_ids}
    frame_scores = {c: [] for c in class_ids}
    frame_tp = {c: [] for c in class_ids}
    match = partial(tpfp_single, threshold=iou_thr)
    empty = np.zeros((0, ), np.float32)
    for key in keys:
        g_boxes, g_labels = select(
            gt_boxes.get(key, empty), gt_labels.get(key, empty))
        d_boxes, d_labels, d_scores = select(
            det_boxes.get(key, empty), det_labels.get(key, empty),
            det_scores.get(key, empty))
        for c in g_labels:
            gt_count[int(c)] += 1
        if len(d_labels) == 0:
            continue
        scores, tps = match((list(g_boxes), list(g_labels), list(d_boxes),
                             list(d_labels), list(d_scores)))
        for c in scores:
            frame_scores[int(c)].append(scores[c])
            frame_tp[int(c)].append(tps[c])

    aps = {}
    for c in class_ids:
        if gt_count[c] == 0:
            aps[c] = float('nan')
        elif not frame_scores[c]:
            aps[c] = 0.0
        else:
            precision, recall = metrics.compute_precision_recall(
                np.concatenate(frame_scores[c]), np.concatenate(frame_tp[c]),
                gt_count[c])
            aps[c] = float(
                metrics.compute_average_precision(precision, recall))
    return aps


def _key(video_id: str, timestamp: str) -> str:
    return '%s,%.6f' % (video_id, decimal.Decimal(timestamp))


def _read(path: str, whitelist: set, capacity: int):
    """Rows per frame key, the scorer's way: tuples ``(score, action_id,
    y1, x1, y2, x2)`` kept in a min-heap of ``capacity`` (0: all), then
    sorted by descending score; plus every key seen."""
    heaps, keys = defaultdict(list), set()
    with open(path, newline='') as f:
        for row in csv.reader(f):
            assert len(row) in (2, 7, 8), row
            key = _key(row[0], row[1])
            keys.add(key)
            if len(row) == 2:
                continue
            x1, y1, x2, y2 = (float(v) for v in row[2:6])
            action = int(row[6])
            if action not in whitelist:
                continue
            score = float(row[7]) if len(row) == 8 else 1.0
            item = (score, action, y1, x1, y2, x2)
            heap = heaps[key]
            if capacity < 1 or len(heap) < capacity:
                heapq.heappush(heap, item)
            elif score > heap[0][0]:
                heapq.heapreplace(heap, item)
    return {k: sorted(v, key=lambda t: -t[0]) for k, v in heaps.items()}, keys


def _iou(a, b) -> float:
    """IoU of two ``(y1, x1, y2, x2)`` boxes in Python floats."""
    h = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    w = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = h * w
    area_a = (a[2] - a[0]) * (a[3] - a[1])
    area_b = (b[2] - b[0]) * (b[3] - b[1])
    return inter / (area_a + area_b - inter)


def _voc_ap(scores, hits, num_gt) -> float:
    order = np.argsort(np.asarray(scores, dtype=float))[::-1]
    tp = fp = 0
    precision, recall = [], []
    for i in order:
        tp += int(hits[i])
        fp += 1 - int(hits[i])
        precision.append(tp / (tp + fp))
        recall.append(tp / num_gt)
    if not precision:
        return 0.0
    recall = [0.0] + recall + [1.0]
    precision = [0.0] + precision + [0.0]
    for i in range(len(precision) - 2, -1, -1):
        precision[i] = max(precision[i], precision[i + 1])
    return float(
        sum((recall[i] - recall[i - 1]) * precision[i]
            for i in range(1, len(recall)) if recall[i] != recall[i - 1]))


def activitynet_ava_scorer(label_file: str,
                           gt_file: str,
                           det_file: str,
                           exclude_file: Optional[str] = None,
                           iou_thr: float = 0.5) -> Dict:
    """The scorer's rules, literally (see the module docstring).

    Returns:
        dict: ``aps`` (class id -> AP, NaN without ground truth, for every
        id ``1 .. max label-map id``) and ``mAP``.
    """
    ids = set()
    with open(label_file) as f:
        for line in f:
            if line.startswith('  id:') or line.startswith('  label_id:'):
                ids.add(int(line.strip().split(' ')[-1]))
    excluded = set()
    if exclude_file is not None:
        with open(exclude_file, newline='') as f:
            excluded = {_key(*row) for row in csv.reader(f) if row}
    gt, gt_keys = _read(gt_file, ids, 0)
    dets, _ = _read(det_file, ids, 50)
    num_gt = defaultdict(int)
    for key, items in gt.items():
        if key not in excluded:
            for item in items:
                num_gt[item[1]] += 1
    scores, hits = defaultdict(list), defaultdict(list)
    for key, items in dets.items():
        if key not in gt_keys or key in excluded:
            continue
        truth = gt.get(key, [])
        # invalid boxes are dropped before matching
        items = [t for t in items if t[2] < t[4] and t[3] < t[5]]
        for c in sorted({t[1] for t in items}):
            boxes = [t[2:] for t in truth if t[1] == c]
            detected = [False] * len(boxes)
            for t in (t for t in items if t[1] == c):
                hit = False
                if boxes:
                    ious = [_iou(t[2:], b) for b in boxes]
                    best = int(np.argmax(ious))
                    if ious[best] >= iou_thr and not detected[best]:
                        detected[best] = hit = True
                scores[c].append(t[0])
                hits[c].append(hit)
    aps = {}
    for c in range(1, max(ids) + 1):
        if num_gt[c] == 0:
            aps[c] = float('nan')
        else:
            aps[c] = _voc_ap(scores[c], hits[c], num_gt[c])
    return dict(aps=aps, mAP=float(np.nanmean(list(aps.values()))))
