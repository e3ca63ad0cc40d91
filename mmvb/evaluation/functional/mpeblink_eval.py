# Copyright (c) mmvb contributors. All rights reserved.
"""MPEblink metrics: Inst-AP and Blink-AP (Zeng et al., CVPR 2023,
Sec. 3.5), and the HUST-LEBW recall / precision / F1.

Re-implements the official evaluator (``mmdet/datasets/
mpeblink_eval_api.py`` of wenzhengzeng/MPEblink@ee9a44f) with numpy and
:func:`mmvb.ops.tube_iou`:

* **Inst-AP**: YouTube-VIS / COCO-style AP of face tracks over whole
  videos. The 3-D IoU of a predicted and a ground-truth track sums the
  box intersections over the frames where both exist and divides by the
  summed unions (a box present in one track only adds its area). Per
  video, predictions (top 100 by score) greedily take the unmatched
  ground truth of highest IoU at each threshold 0.50:0.05:0.95;
  precision is made monotone and sampled at 101 recall points over all
  videos pooled. Reported: Inst-AP (mean over thresholds), AP50, AP75.
* **Blink-AP**: ActivityNet-style temporal AP of blink events, only on
  the ground-truth instances matched at instance IoU 0.5; events are
  compared only within the same matched instance, tIoU uses inclusive
  frame indices *without* ``+1`` (``[10, 15]`` vs ``[11, 15]`` is 4/5),
  ``npos`` counts the blinks of matched instances. Reported at tIoU 0.5
  and 0.75 (and 0.95, mean).

``mode='official'`` reproduces the official code's edge cases:

* a single-frame event ``[s, s]`` has length 0, so two single-frame
  events give tIoU ``0 / 0 = NaN``; ``NaN < threshold`` is False, so such
  a prediction is a true positive for *any* single-frame ground truth of
  its instance, wherever it is (NaN sorts first among candidates);
* matched ground-truth instances are identified by their *position* in
  the concatenated ground-truth list plus one, which equals the
  annotation id only when ids are ``1..N`` in sorted-video order (the
  converter keeps this; a warning is given when it does not hold, since
  then the official code reads another person's blinks);
* blink events are ordered with numpy's default (unstable) descending
  ``argsort``; ``npos == 0`` gives NaN when there are predictions.

``mode='strict'`` guards them: a zero-length union gives tIoU 1 for
identical segments and 0 otherwise, instances are identified by their
annotation ids, sorting is stable, and AP is 0 when ``npos == 0``.
Videos with neither ground truth nor predictions are skipped in both
modes (the official accumulation would crash on them).
"""
import warnings
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from mmvb.ops import box_xywh_to_xyxy, tube_iou

MODES = ('official', 'strict')
IOU_THRS = np.linspace(0.5, 0.95, 10)
REC_THRS = np.linspace(0.0, 1.0, 101)


def segment_iou(target: Sequence[float],
                candidates: np.ndarray,
                mode: str = 'official') -> np.ndarray:
    """Temporal IoU of one segment with ``[N, 2]`` candidates.

    ``inter = max(0, min(e1, e2) - max(s1, s2))``, ``union = (e1 - s1) +
    (e2 - s2) - inter`` (no ``+1``). See the module docstring for the
    zero-length cases.

    Args:
        target (Sequence[float]): ``[start, end]``.
        candidates (np.ndarray): ``[N, 2]`` segments.
        mode (str): ``'official'`` or ``'strict'``.

    Returns:
        np.ndarray: ``[N]`` tIoU.
    """
    candidates = np.asarray(candidates, dtype=np.float64).reshape(-1, 2)
    start = np.maximum(target[0], candidates[:, 0])
    end = np.minimum(target[1], candidates[:, 1])
    inter = (end - start).clip(0)
    union = (candidates[:, 1] - candidates[:, 0]) + (target[1] -
                                                     target[0]) - inter
    with np.errstate(divide='ignore', invalid='ignore'):
        tiou = inter / union
    if mode == 'strict':
        same = (candidates[:, 0] == target[0]) & (
            candidates[:, 1] == target[1])
        tiou = np.where(union > 0, tiou, same.astype(np.float64))
    return tiou


def interpolated_prec_rec(prec: np.ndarray, rec: np.ndarray) -> float:
    """All-point interpolated AP (VOC 2010 / ActivityNet)."""
    mprec = np.hstack([[0], prec, [0]])
    mrec = np.hstack([[0], rec, [1]])
    for i in range(len(mprec) - 1)[::-1]:
        mprec[i] = max(mprec[i], mprec[i + 1])
    idx = np.where(mrec[1:] != mrec[:-1])[0] + 1
    return float(np.sum((mrec[idx] - mrec[idx - 1]) * mprec[idx]))


def temporal_detection_ap(ground_truth: Sequence[Tuple],
                          predictions: Sequence[Tuple],
                          tiou_thresholds: Sequence[float] = IOU_THRS,
                          mode: str = 'official') -> np.ndarray:
    """ActivityNet detection AP with events grouped by a key.

    Args:
        ground_truth (Sequence[tuple]): ``(key, start, end)`` events.
        predictions (Sequence[tuple]): ``(key, start, end, score)``.
        tiou_thresholds (Sequence[float]): tIoU thresholds.
            Defaults to 0.50:0.05:0.95.
        mode (str): ``'official'`` or ``'strict'``.

    Returns:
        np.ndarray: AP per threshold.
    """
    assert mode in MODES, f'mode must be one of {MODES}, got {mode!r}'
    thresholds = np.asarray(tiou_thresholds, dtype=np.float64)
    npos = float(len(ground_truth))
    num_thr, num_pred = len(thresholds), len(predictions)
    if mode == 'strict' and npos == 0:
        return np.zeros(num_thr)
    rows_by_key: Dict = defaultdict(list)
    for row, (key, _, _) in enumerate(ground_truth):
        rows_by_key[key].append(row)
    gt_segments = np.array([[s, e] for _, s, e in ground_truth],
                           dtype=np.float64).reshape(-1, 2)
    scores = np.array([p[3] for p in predictions], dtype=np.float64)
    if mode == 'official':
        order = scores.argsort()[::-1]
    else:
        order = np.argsort(-scores, kind='stable')
    lock = -np.ones((num_thr, len(ground_truth)), dtype=np.int64)
    tp = np.zeros((num_thr, num_pred))
    fp = np.zeros((num_thr, num_pred))
    for rank, p in enumerate(order):
        key, start, end, _ = predictions[p]
        rows = rows_by_key.get(key)
        if not rows:
            fp[:, rank] = 1
            continue
        tiou = segment_iou((start, end), gt_segments[rows], mode)
        if mode == 'official':
            candidates = tiou.argsort()[::-1]
        else:
            candidates = np.argsort(-tiou, kind='stable')
        for t, thr in enumerate(thresholds):
            for j in candidates:
                if tiou[j] < thr:
                    fp[t, rank] = 1
                    break
                if lock[t, rows[j]] >= 0:
                    continue
                tp[t, rank] = 1
                lock[t, rows[j]] = rank
                break
            if fp[t, rank] == 0 and tp[t, rank] == 0:
                fp[t, rank] = 1
    tp_sum = np.cumsum(tp, axis=1)
    fp_sum = np.cumsum(fp, axis=1)
    with np.errstate(divide='ignore', invalid='ignore'):
        recall = tp_sum / npos
        precision = tp_sum / (tp_sum + fp_sum)
    return np.array([
        interpolated_prec_rec(precision[t], recall[t]) for t in range(num_thr)
    ])


def _tubes(tracks: Sequence[Dict],
           length: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-frame ``[x, y, w, h] | None`` of tracks -> ``xyxy [N, L, 4]``
    (float64) and presence ``[N, L]``."""
    boxes = torch.zeros(len(tracks), length, 4, dtype=torch.float64)
    valid = torch.zeros(len(tracks), length, dtype=torch.bool)
    for i, track in enumerate(tracks):
        for t, box in enumerate(track['bboxes'][:length]):
            if box:
                boxes[i, t] = torch.tensor(box, dtype=torch.float64)
                valid[i, t] = True
    return box_xywh_to_xyxy(boxes), valid


def track_ious(dts: Sequence[Dict], gts: Sequence[Dict]) -> np.ndarray:
    """3-D IoU ``[D, G]`` of predicted and ground-truth tracks
    (:func:`mmvb.ops.tube_iou`).

    Frames are compared up to the shorter of the two sequences (the
    official ``zip``). When all tracks have the same length (the usual
    case) one batched call computes the matrix.
    """
    if not dts or not gts:
        return np.zeros((len(dts), len(gts)))
    lengths = {len(t['bboxes']) for t in list(dts) + list(gts)}
    if len(lengths) == 1:
        length = lengths.pop()
        db, dv = _tubes(dts, length)
        gb, gv = _tubes(gts, length)
        return tube_iou(db, gb, dv, gv).numpy()
    out = np.zeros((len(dts), len(gts)))
    for i, d in enumerate(dts):
        for j, g in enumerate(gts):
            length = min(len(d['bboxes']), len(g['bboxes']))
            db, dv = _tubes([d], length)
            gb, gv = _tubes([g], length)
            out[i, j] = float(tube_iou(db, gb, dv, gv)[0, 0])
    return out


def _match(ious: np.ndarray,
           iou_thrs: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """COCO greedy matching; ``dtm [T, D]`` / ``gtm [T, G]`` hold the
    matched index or -1."""
    num_d, num_g = ious.shape
    dtm = -np.ones((len(iou_thrs), num_d), dtype=np.int64)
    gtm = -np.ones((len(iou_thrs), num_g), dtype=np.int64)
    for t, thr in enumerate(iou_thrs):
        for d in range(num_d):
            best, m = min(thr, 1 - 1e-10), -1
            for g in range(num_g):
                if gtm[t, g] >= 0 or ious[d, g] < best:
                    continue
                best, m = ious[d, g], g
            if m >= 0:
                dtm[t, d], gtm[t, m] = m, d
    return dtm, gtm


def evaluate_mpeblink(gt: Dict,
                      results: Sequence[Dict],
                      mode: str = 'official',
                      max_dets: int = 100,
                      blink_inst_iou: float = 0.5) -> Dict[str, float]:
    """Inst-AP and Blink-AP of video results against MPEblink annotations.

    Args:
        gt (dict): The annotation JSON (``videos``, ``annotations``).
        results (Sequence[dict]): One dict per predicted track:
            ``video_id``, ``score``, ``bboxes`` (per frame ``[x, y, w, h]``
            or None) and ``blinks_converted`` (``[start, end, score]``).
        mode (str): ``'official'`` or ``'strict'`` (module docstring).
        max_dets (int): Tracks kept per video. Defaults to 100.
        blink_inst_iou (float): Instance IoU of the matches Blink-AP is
            computed on. Defaults to 0.5.

    Returns:
        dict[str, float]: ``inst_ap``, ``inst_ap50``, ``inst_ap75``,
        ``blink_ap50``, ``blink_ap75``, ``blink_ap95``, ``blink_ap``
        (mean over tIoU 0.5:0.95); -1 for Inst-AP without ground truth.
    """
    assert mode in MODES, f'mode must be one of {MODES}, got {mode!r}'
    video_ids = sorted(v['id'] for v in gt['videos'])
    known = set(video_ids)
    gts_by_video, dts_by_video = defaultdict(list), defaultdict(list)
    for ann in gt['annotations']:
        gts_by_video[ann['video_id']].append(ann)
    for res in results:
        if res['video_id'] not in known:
            raise ValueError(f'result for unknown video {res["video_id"]}')
        dts_by_video[res['video_id']].append(res)
    blink_t = int(np.argmin(np.abs(IOU_THRS - blink_inst_iou)))

    scores, matched, gt_order = [], [], []
    num_gt = 0
    for vid in video_ids:
        gts, dts = gts_by_video[vid], dts_by_video[vid]
        if not gts and not dts:
            continue
        order = np.argsort([-d['score'] for d in dts], kind='mergesort')
        dts = [dts[i] for i in order[:max_dets]]
        dtm, gtm = _match(track_ious(dts, gts), IOU_THRS)
        scores.append(np.array([d['score'] for d in dts], np.float64))
        matched.append(dtm >= 0)
        num_gt += len(gts)
        for g, ann in enumerate(gts):
            d = gtm[blink_t, g]
            gt_order.append((ann, dts[d] if d >= 0 else None))

    inst = _accumulate_inst_ap(scores, matched, num_gt)
    blink = _blink_ap(gt, gt_order, mode)
    return dict(inst, **blink)


def _accumulate_inst_ap(scores: List[np.ndarray], matched: List[np.ndarray],
                        num_gt: int) -> Dict[str, float]:
    """COCO accumulation over all videos (101-point precision)."""
    if num_gt == 0:
        return dict(inst_ap=-1.0, inst_ap50=-1.0, inst_ap75=-1.0)
    all_scores = np.concatenate(scores) if scores else np.zeros(0)
    order = np.argsort(-all_scores, kind='mergesort')
    tps = (np.concatenate(matched, axis=1) if matched else np.zeros(
        (len(IOU_THRS), 0), bool))[:, order]
    precision = np.zeros((len(IOU_THRS), len(REC_THRS)))
    for t in range(len(IOU_THRS)):
        tp = np.cumsum(tps[t]).astype(np.float64)
        fp = np.cumsum(~tps[t]).astype(np.float64)
        rc = tp / num_gt
        pr = (tp / (fp + tp + np.spacing(1))).tolist()
        for i in range(len(pr) - 1, 0, -1):
            pr[i - 1] = max(pr[i - 1], pr[i])
        inds = np.searchsorted(rc, REC_THRS, side='left')
        for r, i in enumerate(inds):
            if i < len(pr):
                precision[t, r] = pr[i]
    return dict(
        inst_ap=float(precision.mean()),
        inst_ap50=float(precision[0].mean()),
        inst_ap75=float(precision[5].mean()))


def _blink_ap(gt: Dict, gt_order: List[Tuple[Dict, Optional[Dict]]],
              mode: str) -> Dict[str, float]:
    """Blink-AP over the ground-truth instances matched at IoU 0.5."""
    by_id = {ann['id']: ann for ann in gt['annotations']}
    ground_truth, predictions = [], []
    mismatch = False
    for position, (ann, dt) in enumerate(gt_order):
        if dt is None:
            continue
        if mode == 'official':
            key = position + 1
            if key not in by_id:
                raise KeyError(
                    f'official Blink-AP looks up annotation id {key} (the '
                    'position of a matched instance + 1), which does not '
                    'exist; use mode="strict"')
            mismatch |= key != ann['id']
            blinks = by_id[key]['blinks']
        else:
            key, blinks = ann['id'], ann['blinks']
        ground_truth += [(key, s, e) for s, e in blinks]
        predictions += [(key, s, e, sc) for s, e, sc in dt['blinks_converted']]
    if mismatch:
        warnings.warn('annotation ids are not 1..N in sorted-video order: '
                      'the official Blink-AP reads the blinks of other '
                      'instances (mode="strict" uses the matched ones)')
    ap = temporal_detection_ap(ground_truth, predictions, IOU_THRS, mode)
    return dict(
        blink_ap50=float(ap[0]),
        blink_ap75=float(ap[5]),
        blink_ap95=float(ap[-1]),
        blink_ap=float(ap.mean()))


def hust_lebw_scores(pred_blink: Sequence[bool],
                     gt_blink: Sequence[bool]) -> Dict[str, float]:
    """HUST-LEBW recall, precision and F1 of trimmed-sample predictions.

    As the protocol of Hu et al. (TIFS 2020) and the ``blink_eyelid``
    test script: ``recall = TP / #blink samples``, ``precision = TP /
    (TP + non-blink samples predicted as blink)``, ``F1 = 2 / (1 / R +
    1 / P)`` (0 when R or P is 0).

    Args:
        pred_blink (Sequence[bool]): Predicted "blink" per sample.
        gt_blink (Sequence[bool]): Ground truth per sample.

    Returns:
        dict[str, float]: ``recall``, ``precision``, ``f1``.
    """
    pred = np.asarray(pred_blink, bool)
    gt = np.asarray(gt_blink, bool)
    tp = float((pred & gt).sum())
    fp = float((pred & ~gt).sum())
    recall = tp / gt.sum() if gt.sum() else 0.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    f1 = 2.0 / (1.0 / recall + 1.0 / precision) if recall and precision \
        else 0.0
    return dict(recall=recall, precision=precision, f1=f1)
