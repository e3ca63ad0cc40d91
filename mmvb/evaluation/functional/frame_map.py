# Copyright (c) mmvb contributors. All rights reserved.
"""Frame-level mean average precision of spatio-temporal detections.

The protocol of AVA (ActivityNet's ``get_ava_performance.py``) and of the
frame-mAP of UCF101-24 / JHMDB51-21 (ACT-detector's ``frameAP``): for each
class, all detections of the evaluated frames are ranked by score; a
detection is a true positive when its best-overlapping ground-truth box of
that class in the same frame has IoU >= ``iou_thr`` and was not taken by a
higher-scored detection; AP is the VOC all-point area under the
precision/recall curve; mAP is the mean over classes with ground truth.

Everything runs on flat arrays (one row per detection or ground-truth box),
without a Python loop over frames or boxes:

* :func:`match_detections` is the greedy per-frame, per-class matching of
  ActivityNet's ``per_image_evaluation`` (and of MMAction2's
  ``ava_utils.tpfp_single``). A detection takes its highest-IoU ground
  truth (the first one on ties); it is a true positive when that IoU
  reaches the threshold and no earlier detection of its frame and class
  took the same box; a detection whose best box is taken is a false
  positive even if another box would match. Hence the true positives are
  exactly the first qualifying detection of each ground-truth box, which
  one ``np.unique`` finds for all frames at once.
* :func:`average_precision` is ActivityNet's ``compute_precision_recall``
  and ``compute_average_precision`` (VOC all-point), with the backward
  running maximum done by ``np.maximum.accumulate``.

Compared with MMAction2 1.2.0's ``ava_eval``, :func:`frame_average_precision`
counts a class that has ground truth but no detection as AP 0 (as the
official evaluator does), never calls ``np.NAN`` (removed in numpy 2),
skips excluded frames entirely and opens no process pool.
"""
from typing import Dict, Hashable, Iterable, Optional, Sequence

import numpy as np

FrameBoxes = Dict[Hashable, np.ndarray]


def box_iou_pairs(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    """IoU of row pairs ``(boxes1[i], boxes2[i])``.

    The arithmetic, including numpy's dtype promotions, is that of
    ``np_box_ops.iou`` of ActivityNet's AVA evaluator (and MMAction2's
    copy): intersection sides are clipped at a float64 zero, areas are
    computed in the input dtype, so float32 and float64 inputs give the
    same bits as the reference code does for them. Boxes are corners in any
    fixed order (``x1, y1, x2, y2`` or ``y1, x1, y2, x2``).

    Args:
        boxes1 (np.ndarray): ``[n, 4]``.
        boxes2 (np.ndarray): ``[n, 4]``, same dtype.

    Returns:
        np.ndarray: ``[n]`` float64 IoUs (NaN where both boxes are empty).
    """
    a1, b1, a2, b2 = (boxes1[:, i] for i in range(4))
    c1, d1, c2, d2 = (boxes2[:, i] for i in range(4))
    zeros = np.zeros(len(boxes1))
    side_a = np.maximum(zeros, np.minimum(a2, c2) - np.maximum(a1, c1))
    side_b = np.maximum(zeros, np.minimum(b2, d2) - np.maximum(b1, d1))
    inter = side_a * side_b
    area1 = (a2 - a1) * (b2 - b1)
    area2 = (c2 - c1) * (d2 - d1)
    with np.errstate(invalid='ignore', divide='ignore'):
        return inter / (area1 + area2 - inter)


def _exclusive_cumsum(counts: np.ndarray) -> np.ndarray:
    out = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=out[1:])
    return out


def match_detections(det_groups: np.ndarray,
                     det_boxes: np.ndarray,
                     gt_groups: np.ndarray,
                     gt_boxes: np.ndarray,
                     iou_thr: float = 0.5) -> np.ndarray:
    """True-positive flags of the greedy per-group matching.

    A group is one (frame, class) pair. Within a group, detections are
    processed in their order in the input (callers sort them by descending
    score) and ground-truth boxes keep their input order (the first of
    equal IoUs wins, as ``np.argmax`` does).

    Args:
        det_groups (np.ndarray): ``[n]`` integer group of each detection.
        det_boxes (np.ndarray): ``[n, 4]``.
        gt_groups (np.ndarray): ``[m]`` integer group of each ground truth.
        gt_boxes (np.ndarray): ``[m, 4]``, same dtype as ``det_boxes``.
        iou_thr (float): IoU threshold. Defaults to 0.5.

    Returns:
        np.ndarray: ``[n]`` bool, True for true positives.
    """
    det_groups = np.asarray(det_groups, dtype=np.int64)
    gt_groups = np.asarray(gt_groups, dtype=np.int64)
    tp = np.zeros(len(det_groups), dtype=bool)
    if len(det_groups) == 0 or len(gt_groups) == 0:
        return tp
    order = np.argsort(gt_groups, kind='stable')
    sorted_groups = gt_groups[order]
    start = np.searchsorted(sorted_groups, det_groups, 'left')
    count = np.searchsorted(sorted_groups, det_groups, 'right') - start
    dets = np.flatnonzero(count)
    if len(dets) == 0:
        return tp
    count = count[dets]
    # one (detection, ground truth) pair per ground truth of its group
    seg_start = _exclusive_cumsum(count)
    num_pairs = int(count.sum())
    within = np.arange(num_pairs) - np.repeat(seg_start, count)
    pair_gt = order[np.repeat(start[dets], count) + within]
    pair_det = np.repeat(dets, count)
    iou = box_iou_pairs(det_boxes[pair_det], gt_boxes[pair_gt])
    # np.argmax per detection: the first maximum, a NaN counting as one
    key = np.where(np.isnan(iou), np.inf, iou)
    seg_max = np.maximum.reduceat(key, seg_start)
    is_max = np.flatnonzero(key == np.repeat(seg_max, count))
    seg_of = np.repeat(np.arange(len(dets)), count)[is_max]
    first = is_max[np.unique(seg_of, return_index=True)[1]]
    qualifies = iou[first] >= iou_thr  # NaN never qualifies
    cand_det = pair_det[first][qualifies]  # in input order
    cand_gt = pair_gt[first][qualifies]
    # each ground truth goes to its first qualifying detection
    taken = np.unique(cand_gt, return_index=True)[1]
    tp[cand_det[taken]] = True
    return tp


def average_precision(scores: np.ndarray, tp: np.ndarray,
                      num_gt: int) -> float:
    """VOC all-point AP of one class (ActivityNet's AVA definition).

    Detections are ranked by ``np.argsort(scores)[::-1]`` as in
    ActivityNet's ``compute_precision_recall``; the precision is made
    non-increasing from the right and integrated over the recall steps.

    Args:
        scores (np.ndarray): ``[n]`` detection scores.
        tp (np.ndarray): ``[n]`` bool true-positive flags.
        num_gt (int): Number of ground-truth boxes.

    Returns:
        float: AP; NaN if ``num_gt`` is 0, 0.0 if there is no detection.
    """
    if num_gt == 0:
        return float('nan')
    if len(scores) == 0:
        return 0.0
    hits = np.asarray(tp).astype(int)[np.argsort(scores)[::-1]]
    cum_tp = np.cumsum(hits)
    cum_fp = np.cumsum(1 - hits)
    precision = cum_tp.astype(float) / (cum_tp + cum_fp)
    recall = cum_tp.astype(float) / num_gt
    recall = np.concatenate([[0], recall, [1]])
    precision = np.concatenate([[0], precision, [0]])
    precision = np.maximum.accumulate(precision[::-1])[::-1]
    steps = np.flatnonzero(recall[1:] != recall[:-1]) + 1
    return float(
        np.sum((recall[steps] - recall[steps - 1]) * precision[steps]))


def class_average_precisions(det_labels: np.ndarray, det_scores: np.ndarray,
                             det_tp: np.ndarray, gt_labels: np.ndarray,
                             class_ids: Iterable[int]) -> Dict[int, float]:
    """:func:`average_precision` of every class in ``class_ids``.

    Args:
        det_labels (np.ndarray): ``[n]`` class of each evaluated detection.
        det_scores (np.ndarray): ``[n]``.
        det_tp (np.ndarray): ``[n]`` bool.
        gt_labels (np.ndarray): ``[m]`` class of each evaluated ground-truth
            box.
        class_ids (Iterable[int]): Classes to report.

    Returns:
        dict[int, float]: AP per class (NaN without ground truth).
    """
    det_labels = np.asarray(det_labels, dtype=np.int64)
    order = np.argsort(det_labels, kind='stable')
    sorted_labels = det_labels[order]
    gt_labels = np.asarray(gt_labels, dtype=np.int64)
    aps = {}
    for c in class_ids:
        c = int(c)
        lo, hi = np.searchsorted(sorted_labels, [c, c + 1])
        idx = order[lo:hi]
        aps[c] = average_precision(det_scores[idx], det_tp[idx],
                                   int(np.count_nonzero(gt_labels == c)))
    return aps


def _flatten(frames: Sequence, boxes: FrameBoxes, labels: FrameBoxes,
             scores: Optional[FrameBoxes], box_dtype):
    """Concatenate per-frame arrays; returns frame index, boxes, labels
    (and scores) as flat arrays."""
    frame_idx, all_boxes, all_labels, all_scores = [], [], [], []
    for i, key in enumerate(frames):
        if key not in labels:
            continue
        lab = np.asarray(labels[key], dtype=np.int64).reshape(-1)
        all_labels.append(lab)
        all_boxes.append(
            np.asarray(boxes[key], dtype=box_dtype).reshape(-1, 4))
        frame_idx.append(np.full(len(lab), i, dtype=np.int64))
        if scores is not None:
            all_scores.append(
                np.asarray(scores[key], dtype=np.float32).reshape(-1))
    cat = (lambda parts, shape, dtype: np.concatenate(parts)
           if parts else np.zeros(shape, dtype))
    out = [
        cat(frame_idx, (0, ), np.int64),
        cat(all_boxes, (0, 4), box_dtype),
        cat(all_labels, (0, ), np.int64)
    ]
    if scores is not None:
        out.append(cat(all_scores, (0, ), np.float32))
    return out


def frame_average_precision(
        gt_boxes: FrameBoxes,
        gt_labels: FrameBoxes,
        det_boxes: FrameBoxes,
        det_labels: FrameBoxes,
        det_scores: FrameBoxes,
        class_ids: Iterable[int],
        iou_thr: float = 0.5,
        ignore_empty_frames: bool = True,
        excluded: Optional[Sequence] = None) -> Dict[int, float]:
    """Per-class frame AP.

    All dicts are keyed by frame (any hashable key). Boxes of one frame are
    ``[n, 4]`` arrays in any fixed corner order (IoU only), labels ``[n]``
    class ids, scores ``[n]``. A ground-truth box with several labels is
    given once per label. Boxes are compared in float32 and, within a
    frame, detections of equal score keep their input order (the
    arithmetic of MMAction2's ``ava_utils.tpfp_single``).

    Args:
        gt_boxes (dict): Ground-truth boxes per frame.
        gt_labels (dict): Ground-truth labels per frame.
        det_boxes (dict): Detected boxes per frame.
        det_labels (dict): Detected labels per frame.
        det_scores (dict): Detection scores per frame.
        class_ids (Iterable[int]): Classes to evaluate; detections and
            ground truth of other classes are ignored.
        iou_thr (float): IoU threshold. Defaults to 0.5.
        ignore_empty_frames (bool): Evaluate only frames with ground truth
            (AVA). False also counts detections in frames without ground
            truth as false positives (UCF101-24 / JHMDB frame-mAP).
            Defaults to True.
        excluded (Sequence, optional): Frame keys to skip.

    Returns:
        dict[int, float]: AP of each class in ``class_ids`` (NaN for a class
        without ground truth).
    """
    class_ids = [int(c) for c in class_ids]
    excluded = set(excluded or ())
    frames = [k for k in gt_boxes if k not in excluded]
    if not ignore_empty_frames:
        known = set(frames)
        frames += [
            k for k in det_boxes if k not in known and k not in excluded
        ]
    gt_frame, gt_box, gt_label = _flatten(frames, gt_boxes, gt_labels, None,
                                          np.float32)
    det_frame, det_box, det_label, det_score = _flatten(
        frames, det_boxes, det_labels, det_scores, np.float32)
    lookup = np.zeros(max(class_ids + [0]) + 1, dtype=bool)
    lookup[class_ids] = True

    def wanted(labels):
        inside = (labels >= 0) & (labels < len(lookup))
        return inside & lookup[np.where(inside, labels, 0)]

    keep = wanted(gt_label)
    gt_frame, gt_box, gt_label = gt_frame[keep], gt_box[keep], gt_label[keep]
    keep = wanted(det_label)
    det_frame, det_box = det_frame[keep], det_box[keep]
    det_label, det_score = det_label[keep], det_score[keep]
    # per frame, by descending score (ties: input order), as tpfp_single
    order = np.lexsort((-det_score, det_frame))
    det_frame, det_box = det_frame[order], det_box[order]
    det_label, det_score = det_label[order], det_score[order]
    num_labels = len(lookup)
    tp = match_detections(det_frame * num_labels + det_label, det_box,
                          gt_frame * num_labels + gt_label, gt_box, iou_thr)
    return class_average_precisions(det_label, det_score, tp, gt_label,
                                    class_ids)


def mean_ap(aps: Dict[int, float],
            class_ids: Optional[Iterable[int]] = None) -> float:
    """Mean of the non-NaN APs (of ``class_ids`` if given); NaN if none."""
    if class_ids is not None:
        aps = {c: aps[c] for c in class_ids if c in aps}
    values = [v for v in aps.values() if not np.isnan(v)]
    return float(np.mean(values)) if values else float('nan')
