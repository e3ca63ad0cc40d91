# Copyright (c) mmvb contributors. All rights reserved.
"""Frame-level mean average precision of spatio-temporal detections.

The protocol of AVA (ActivityNet's ``get_ava_performance.py``) and of the
frame-mAP of UCF101-24 / JHMDB51-21 (ACT-detector's ``frameAP``): for each
class, all detections of the evaluated frames are ranked by score; a
detection is a true positive when its best-overlapping ground-truth box of
that class in the same frame has IoU >= ``iou_thr`` and was not taken by a
higher-scored detection; AP is the VOC all-point area under the
precision/recall curve; mAP is the mean over classes with ground truth.

The per-frame matching and the AP come from MMAction2
(``ava_utils.tpfp_single``, ``ava_evaluation.metrics``). Compared with
MMAction2 1.2.0's ``ava_eval`` this function

* counts a class that has ground truth but no detection as AP 0 (as the
  official evaluator does; ``ava_eval`` leaves such classes out of the mean,
  which inflates mAP);
* never calls ``np.NAN`` (removed in numpy 2; ``ava_eval`` reaches it for a
  detected class without ground truth);
* skips excluded frames entirely (``ava_eval`` still counts their ground
  truth in the recall denominator; the official evaluator does not);
* runs in the calling process instead of a never-closed
  ``multiprocessing.Pool(32)``.
"""
from functools import partial
from typing import Dict, Hashable, Iterable, Optional, Sequence

import numpy as np
from mmaction.evaluation.functional.ava_evaluation import metrics
from mmaction.evaluation.functional.ava_utils import tpfp_single

FrameBoxes = Dict[Hashable, np.ndarray]


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
    given once per label.

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
        order = np.argsort(-scores, kind='stable')  # tpfp_single needs it
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


def mean_ap(aps: Dict[int, float],
            class_ids: Optional[Iterable[int]] = None) -> float:
    """Mean of the non-NaN APs (of ``class_ids`` if given); NaN if none."""
    if class_ids is not None:
        aps = {c: aps[c] for c in class_ids if c in aps}
    values = [v for v in aps.values() if not np.isnan(v)]
    return float(np.mean(values)) if values else float('nan')
