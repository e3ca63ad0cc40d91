# Copyright (c) mmvb contributors. All rights reserved.
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmaction.evaluation.functional.ava_utils import (make_image_key, read_csv,
                                                      read_exclusions,
                                                      read_labelmap)
from mmaction.evaluation.metrics import AVAMetric
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from mmvb.datasets.act_gt import load_act_gt
from ..functional import frame_average_precision, mean_ap


@METRICS.register_module()
class AVAFrameMAPMetric(AVAMetric):
    """AVA frame mAP (MMAction2's ``AVAMetric``, fixed for this stack).

    Same arguments, inputs (``pred_instances.bboxes`` normalised xyxy,
    ``pred_instances.scores`` ``[n, num_classes]`` with column 0 ignored)
    and outputs (``overall``, ``person_movement``, ``object_manipulation``,
    ``person_interaction``, prefix ``mAP``) as MMAction2 1.2.0's
    ``AVAMetric``, whose ``compute_metrics`` breaks here: it calls
    ``np.NAN`` (gone in numpy 2) for a detected class without ground truth,
    opens a ``multiprocessing.Pool(32)`` that it never closes on every
    evaluation, leaves classes with ground truth but no detection out of
    the mean and counts the ground truth of excluded timestamps as missed.
    This subclass keeps ``AVAMetric.process`` and evaluates
    with :func:`mmvb.evaluation.frame_average_precision` (AVA protocol:
    IoU 0.5, frames with ground truth only, excluded timestamps skipped,
    classes from ``label_file`` or ``custom_classes``), counting missed
    classes as AP 0 and skipping excluded frames like the official
    evaluator. The results are not
    written to a temporary CSV in the working directory either. A group
    mean (e.g. ``person_interaction``) is NaN when none of its classes is
    evaluated. Remove when MMAction2 fixes ``ava_eval``.

    Args:
        per_class (bool): Also return ``AP/<class name>`` entries.
            Defaults to False.
        **kwargs: ``AVAMetric`` arguments.
    """

    def __init__(self, *args, per_class: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.per_class = per_class

    def compute_metrics(self, results: list) -> dict:
        """Frame mAP of the processed results."""
        with open(self.label_file) as f:
            categories, class_ids = read_labelmap(f)
        if self.custom_classes is not None:
            class_ids = [c for c in self.custom_classes[1:] if c in class_ids]
        class_ids = sorted(class_ids)
        with open(self.ann_file) as f:
            gt_boxes, gt_labels, _ = read_csv(f, set(class_ids))
        excluded = set()
        if self.exclude_file is not None:
            with open(self.exclude_file) as f:
                excluded = read_exclusions(f)

        det_boxes, det_labels, det_scores = (
            defaultdict(list) for _ in range(3))
        for result in results:
            key = make_image_key(result['video_id'], result['timestamp'])
            for index, dets in enumerate(result['outputs']):
                label = index + 1
                if self.custom_classes is not None:
                    label = self.custom_classes[label]
                for x1, y1, x2, y2, score in np.asarray(dets).reshape(-1, 5):
                    # read_csv stores ground truth as (y1, x1, y2, x2)
                    det_boxes[key].append((y1, x1, y2, x2))
                    det_labels[key].append(label)
                    det_scores[key].append(score)

        aps = frame_average_precision(
            gt_boxes,
            gt_labels,
            det_boxes,
            det_labels,
            det_scores,
            class_ids,
            iou_thr=0.5,
            ignore_empty_frames=True,
            excluded=excluded)
        out = dict(
            overall=mean_ap(aps),
            person_movement=mean_ap(aps, [c for c in aps if c <= 14]),
            object_manipulation=mean_ap(aps, [c for c in aps if 14 < c < 64]),
            person_interaction=mean_ap(aps, [c for c in aps if c >= 64]))
        names = {c['id']: c['name'] for c in categories}
        if self.per_class:
            out.update({f'AP/{names[c]}': ap for c, ap in aps.items()})
        print_log(
            'AVA frame AP@0.5 per class: ' +
            ', '.join(f'{names[c]}={ap:.4f}' for c, ap in aps.items()),
            logger='current')
        return out


@METRICS.register_module()
class TubeFrameMAPMetric(BaseMetric):
    """Frame mAP for datasets with ACT-style tube annotations.

    UCF101-24 and JHMDB51-21 report frame-mAP at IoU 0.5 (ACT detector,
    Kalogeiton et al., ICCV 2017; the ``frameAP`` of MOC and MMAction2's
    MultiSports metric): every evaluated frame of the test videos counts,
    detections in frames without ground truth are false positives, and the
    mean is over classes. Ground truth comes from the dataset's
    ground-truth pickle (:func:`~mmvb.datasets.load_act_gt`); only the
    frames that were evaluated (the samples seen by :meth:`process`)
    contribute ground truth, so evaluating a subset of frames
    (``ActionTubeDataset(frame_stride=k)``) evaluates that subset.

    Each sample's ``video_id`` and ``timestamp`` (1-based frame number)
    name the frame; ``pred_instances.bboxes`` are normalised xyxy and
    ``pred_instances.scores`` ``[n, num_classes]`` with column 0 ignored
    (column ``k`` is ``labels[k - 1]``), as for AVA. Every (box, class)
    pair with a score above ``score_thr`` is one detection.

    Args:
        ann_file (str): Ground-truth pickle.
        iou_thr (float): IoU threshold. Defaults to 0.5.
        score_thr (float): Scores at most this are dropped.
            Defaults to 0.002 (``AVAMetric``'s ``action_thr``).
        per_class (bool): Also return ``AP/<class name>``.
            Defaults to False.
        collect_device (str): Defaults to ``'cpu'``.
        prefix (str, optional): Defaults to ``'frame_mAP'``.
    """
    default_prefix: Optional[str] = 'frame_mAP'

    def __init__(self,
                 ann_file: str,
                 iou_thr: float = 0.5,
                 score_thr: float = 0.002,
                 per_class: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ann_file = ann_file
        self.iou_thr = iou_thr
        self.score_thr = score_thr
        self.per_class = per_class
        self.gt = load_act_gt(ann_file)

    def process(self, data_batch: Sequence[Tuple],
                data_samples: Sequence[dict]) -> None:
        """Keep each frame's detections (pixels, 1-based class ids)."""
        for sample in data_samples:
            video = sample['video_id']
            pred = sample['pred_instances']
            boxes = pred['bboxes'].cpu().numpy().reshape(-1, 4)
            scores = pred['scores'].cpu().numpy()[:, 1:]
            h, w = self.gt['resolution'][video]
            boxes = boxes * np.array([w, h, w, h], dtype=np.float32)
            rows, cols = np.nonzero(scores > self.score_thr)
            self.results.append(
                dict(
                    key=(video, int(sample['timestamp'])),
                    boxes=boxes[rows],
                    labels=cols + 1,
                    scores=scores[rows, cols]))

    def compute_metrics(self, results: List[Dict]) -> Dict[str, float]:
        """Frame mAP of the processed frames."""
        det_boxes, det_labels, det_scores = {}, {}, {}
        for r in results:
            det_boxes[r['key']] = r['boxes']
            det_labels[r['key']] = r['labels']
            det_scores[r['key']] = r['scores']
        frames = set(det_boxes)
        gt_boxes, gt_labels = defaultdict(list), defaultdict(list)
        for video in {v for v, _ in frames}:
            for label, tubes in self.gt['gttubes'][video].items():
                for tube in tubes:
                    for row in np.asarray(tube):
                        key = (video, int(row[0]))
                        if key in frames:
                            gt_boxes[key].append(row[1:5])
                            gt_labels[key].append(int(label) + 1)
        class_ids = range(1, len(self.gt['labels']) + 1)
        aps = frame_average_precision(
            gt_boxes,
            gt_labels,
            det_boxes,
            det_labels,
            det_scores,
            class_ids,
            iou_thr=self.iou_thr,
            ignore_empty_frames=False)
        out = dict(overall=mean_ap(aps))
        if self.per_class:
            out.update({
                f'AP/{self.gt["labels"][c - 1]}': ap
                for c, ap in aps.items()
            })
        return out
