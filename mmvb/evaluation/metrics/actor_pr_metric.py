# Copyright (c) mmvb contributors. All rights reserved.
from typing import Optional, Sequence, Tuple

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric

from ..functional.ava_map import (ava_frame_key, read_ava_csv,
                                  read_ava_exclusions)
from ..functional.frame_map import match_detections


@METRICS.register_module()
class AVAActorPRMetric(BaseMetric):
    """Precision and recall of actor detection on AVA key frames.

    BMViT's Table 2b reports, next to the mAP, the precision and recall of
    the detected actors (the boxes of the tokens with ``p(actor) > theta``,
    Sec. 3.4 "Inference"). The paper does not spell the rule out; this
    metric uses the usual one-to-one matching of detection: in each
    evaluated frame, the predicted boxes, taken by decreasing actor score,
    are matched greedily to the annotated people (the distinct boxes of the
    frame in ``ann_file``, whatever their actions) at IoU >= ``iou_thr``,
    as the AVA scorer matches boxes (see
    :func:`~mmvb.evaluation.functional.match_detections`). Then::

        precision = matched predictions / predictions
        recall    = matched people      / people

    over all evaluated frames: the frames of ``ann_file`` that received a
    prediction sample, minus ``exclude_file``. A second box of the same
    person (two tokens above ``theta``) is a false positive.

    Inputs are those of :class:`AVAFrameMAPMetric`: each sample's
    ``video_id``, ``timestamp`` and ``pred_instances`` with ``bboxes``
    (normalised xyxy) and ``actor_scores`` (``scores``' maximum if absent).

    Args:
        ann_file (str): AVA ground-truth CSV.
        exclude_file (str, optional): Excluded timestamps CSV.
        iou_thr (float): IoU threshold. Defaults to 0.5.
        collect_device (str): Defaults to ``'cpu'``.
        prefix (str, optional): Defaults to ``'actor'``.
    """
    default_prefix: Optional[str] = 'actor'

    def __init__(self,
                 ann_file: str,
                 exclude_file: Optional[str] = None,
                 iou_thr: float = 0.5,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ann_file = ann_file
        self.exclude_file = exclude_file
        self.iou_thr = iou_thr

    def process(self, data_batch: Sequence[Tuple],
                data_samples: Sequence[dict]) -> None:
        """Keep each sample's boxes and actor scores."""
        for sample in data_samples:
            pred = sample['pred_instances']
            boxes = pred['bboxes'].cpu().numpy().astype(np.float64)
            if 'actor_scores' in pred:
                scores = pred['actor_scores'].cpu().numpy()
            else:
                scores = pred['scores'].cpu().numpy()[:, 1:].max(1)
            self.results.append(
                dict(
                    key=ava_frame_key(sample['video_id'], sample['timestamp']),
                    bboxes=boxes.reshape(-1, 4),
                    scores=scores.reshape(-1)))

    def compute_metrics(self, results: list) -> dict:
        """Precision and recall over the evaluated frames."""
        gt = read_ava_csv(self.ann_file)
        index = {k: i for i, k in enumerate(gt.keys)}
        excluded = set()
        if self.exclude_file is not None:
            excluded = set(read_ava_exclusions(self.exclude_file))
        frames = np.zeros(len(gt.keys), dtype=bool)
        det_frame, det_boxes, det_scores = [], [], []
        for r in results:
            i = index.get(r['key'], -1)
            if i < 0 or r['key'] in excluded:
                continue
            frames[i] = True
            det_frame.append(np.full(len(r['bboxes']), i))
            det_boxes.append(r['bboxes'])
            det_scores.append(r['scores'])
        # the people: distinct boxes of the evaluated frames
        people = np.unique(
            np.concatenate([gt.frame[:, None], gt.boxes], 1)[frames[gt.frame]],
            axis=0)
        num_dets = sum(len(f) for f in det_frame)
        if num_dets == 0:
            return dict(
                precision=float('nan'),
                recall=0.0 if len(people) else float('nan'))
        det_frame = np.concatenate(det_frame)
        det_scores = np.concatenate(det_scores)
        order = np.lexsort((-det_scores, det_frame))
        tp = match_detections(det_frame[order],
                              np.concatenate(det_boxes)[order],
                              people[:, 0].astype(np.int64), people[:, 1:],
                              self.iou_thr)
        matched = int(tp.sum())
        return dict(
            precision=matched / num_dets,
            recall=matched / len(people) if len(people) else float('nan'))
