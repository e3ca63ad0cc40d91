# Copyright (c) mmvb contributors. All rights reserved.
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmaction.evaluation.metrics import AVAMetric
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from mmvb.datasets.act_gt import load_act_gt
from ..functional import frame_average_precision, mean_ap
from ..functional.ava_map import (AVA_PROTOCOLS, OFFICIAL_MAX_DETS_PER_FRAME,
                                  ava_average_precisions, ava_frame_key,
                                  log_ava_counts, read_ava_csv,
                                  read_ava_exclusions, read_ava_label_map)


@METRICS.register_module()
class AVAFrameMAPMetric(AVAMetric):
    """AVA frame mAP with a choice of protocol (MMAction2's ``AVAMetric``
    replaced for this stack).

    Same arguments, inputs (``pred_instances.bboxes`` normalised xyxy,
    ``pred_instances.scores`` ``[n, num_classes]`` with column 0 ignored,
    a (box, class) pair with a score above ``action_thr`` being one
    detection) and outputs (``overall``, ``person_movement``,
    ``object_manipulation``, ``person_interaction``, prefix ``mAP``) as
    MMAction2 1.2.0's ``AVAMetric``, whose ``compute_metrics`` breaks here
    (``np.NAN`` is gone in numpy 2; it opens a never-closed
    ``multiprocessing.Pool(32)`` per evaluation and writes a CSV into the
    working directory).

    ``ava_protocol`` (see :mod:`mmvb.evaluation.functional.ava_map`):

    * ``'official'`` (default): ActivityNet's ``get_ava_performance.py``
      rules: classes from ``label_file``; every frame named in
      ``ann_file`` is evaluated, so detections on a frame whose ground
      truth holds only non-evaluated classes are false positives; the 50
      highest-scored detections of each frame are kept (how many were
      dropped is logged); boxes with ``x1 >= x2`` or ``y1 >= y2`` are
      dropped; float64 IoU.
    * ``'slowfast'``: MMAction2's ``ava_eval`` protocol with its bugs fixed
      (what this metric computed before the option existed): only frames
      with ground truth of an evaluated class count, every detection is
      kept, float32 IoU.

    Both count a class with ground truth but no detection as AP 0 (MMAction2
    leaves it out of the mean), skip the frames of ``exclude_file``
    entirely (MMAction2 counts their ground truth as missed), and mean over
    classes with ground truth; a group mean (e.g. ``person_interaction``)
    is NaN when none of its classes is evaluated. Everything runs on flat
    arrays (no loop over frames or boxes beyond gathering the results).

    The label map must agree with the config's classes: with
    ``custom_classes`` every custom class must be in it, and under
    ``'official'`` every label-map class must be predicted (the scorer
    would count a class the model never predicts as AP 0); without
    ``custom_classes`` its ids must lie in ``[1, num_classes - 1]``.

    Args:
        ava_protocol (str): ``'official'`` or ``'slowfast'``.
            Defaults to ``'official'``.
        per_class (bool): Also return ``AP/<class name>`` entries.
            Defaults to False.
        max_dets_per_frame (int): The cap of ``'official'``.
            Defaults to 50 (the scorer's).
        **kwargs: ``AVAMetric`` arguments (``ann_file``, ``exclude_file``,
            ``label_file``, ``action_thr``, ``num_classes``,
            ``custom_classes``, ...).
    """

    def __init__(self,
                 *args,
                 ava_protocol: str = 'official',
                 per_class: bool = False,
                 max_dets_per_frame: int = OFFICIAL_MAX_DETS_PER_FRAME,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if ava_protocol not in AVA_PROTOCOLS:
            raise ValueError(f'ava_protocol must be one of {AVA_PROTOCOLS}, '
                             f'got {ava_protocol!r}')
        self.ava_protocol = ava_protocol
        self.per_class = per_class
        self.max_dets_per_frame = max_dets_per_frame
        if osp.isfile(self.label_file):
            self.evaluated_classes()

    def evaluated_classes(self) -> Tuple[List[int], Dict[int, str]]:
        """Class ids to evaluate and their names, checked against the
        config's classes.

        Raises:
            ValueError: Naming the label map and the config's classes.
        """
        categories, label_ids = read_ava_label_map(self.label_file)
        names = {c['id']: c['name'] for c in categories}
        if self.custom_classes is not None:
            predicted = list(self.custom_classes[1:])
            config = f'custom_classes={predicted}'
            missing = sorted(set(predicted) - set(label_ids))
            if missing:
                raise ValueError(
                    f'custom_classes ids {missing} are not in the label map '
                    f'{self.label_file} (ids {label_ids}); the config '
                    f'predicts {config}')
        else:
            predicted = list(range(1, self.num_classes))
            config = (f'num_classes={self.num_classes} (ids 1..'
                      f'{self.num_classes - 1})')
        unpredicted = sorted(set(label_ids) - set(predicted))
        if unpredicted and (self.custom_classes is None
                            or self.ava_protocol == 'official'):
            raise ValueError(
                f'label map {self.label_file} has class ids {unpredicted} '
                f'that the config\'s classes ({config}) never predict; '
                'they would count as AP 0')
        class_ids = sorted(set(label_ids) & set(predicted))
        return class_ids, names

    def process(self, data_batch: Sequence[Tuple],
                data_samples: Sequence[dict]) -> None:
        """Keep each sample's boxes and scores (numpy, float32)."""
        for sample in data_samples:
            pred = sample['pred_instances']
            scores = pred['scores'].cpu().numpy().astype(np.float32)
            assert scores.ndim == 2 and scores.shape[1] == \
                self.num_classes, \
                f'pred_instances.scores must be [n, num_classes=' \
                f'{self.num_classes}], got {scores.shape}'
            self.results.append(
                dict(
                    video_id=sample['video_id'],
                    timestamp=sample['timestamp'],
                    bboxes=pred['bboxes'].cpu().numpy().astype(
                        np.float32).reshape(-1, 4),
                    scores=scores))

    def _gather_detections(self, results: list, index: Dict[str, int]):
        """Flat detections in the row order of MMAction2's result CSV (per
        sample, by class, then by box): frame, the table of predicted boxes,
        each detection's row in it, label and score."""
        frames, rows, labels, scores = [], [], [], []
        label_of = np.arange(self.num_classes, dtype=np.int32)
        if self.custom_classes is not None:
            label_of = np.asarray(self.custom_classes, dtype=np.int32)
        offset = 0
        for result in results:
            key = ava_frame_key(result['video_id'], result['timestamp'])
            cls, box = np.nonzero(result['scores'][:, 1:].T > self.action_thr)
            frames.append(np.full(len(box), index.get(key, -1), np.int32))
            rows.append((box + offset).astype(np.int32))
            labels.append(label_of[cls + 1])
            scores.append(result['scores'][box, cls + 1])
            offset += len(result['bboxes'])
        table = np.concatenate([r['bboxes'] for r in results] +
                               [np.zeros((0, 4), np.float32)])
        cat = (lambda parts, dtype: np.concatenate(parts).astype(
            dtype, copy=False) if parts else np.zeros(0, dtype))
        return (cat(frames, np.int32), table, cat(labels, np.int32),
                cat(scores, np.float32), cat(rows, np.int32))

    def compute_metrics(self, results: list) -> dict:
        """Frame mAP of the processed results."""
        class_ids, names = self.evaluated_classes()
        gt = read_ava_csv(self.ann_file)
        index = {k: i for i, k in enumerate(gt.keys)}
        excluded = np.zeros(len(gt.keys), dtype=bool)
        if self.exclude_file is not None:
            for key in read_ava_exclusions(self.exclude_file):
                if key in index:
                    excluded[index[key]] = True
        frame, table, labels, scores, rows = self._gather_detections(
            results, index)
        aps, info = ava_average_precisions(
            gt.frame,
            gt.boxes,
            gt.labels,
            len(gt.keys),
            frame,
            table,
            labels,
            scores,
            class_ids,
            protocol=self.ava_protocol,
            excluded=excluded,
            max_dets_per_frame=self.max_dets_per_frame,
            det_box_index=rows)
        log_ava_counts(info, self.ava_protocol, self.max_dets_per_frame)
        out = dict(
            overall=mean_ap(aps),
            person_movement=mean_ap(aps, [c for c in aps if c <= 14]),
            object_manipulation=mean_ap(aps, [c for c in aps if 14 < c < 64]),
            person_interaction=mean_ap(aps, [c for c in aps if c >= 64]))
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
