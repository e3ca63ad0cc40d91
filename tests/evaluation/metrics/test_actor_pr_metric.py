# Copyright (c) mmvb contributors. All rights reserved.
import math

import pytest
import torch

from mmvb.evaluation import AVAActorPRMetric

A = [0.1, 0.1, 0.4, 0.6]
B = [0.5, 0.2, 0.9, 0.9]
D = [0.2, 0.2, 0.6, 0.6]


def _sample(ts, boxes, actor_scores):
    return dict(
        video_id='vid',
        timestamp=ts,
        pred_instances=dict(
            bboxes=torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
            actor_scores=torch.tensor(actor_scores),
            scores=torch.zeros(len(boxes), 3)))


def _files(tmp_path):
    rows = []
    for ts, box, labels in ((902, A, (1, 2)), (902, B, (3, )), (903, D, (1, )),
                            (904, A, (1, ))):
        rows += [
            f'vid,{ts},' + ','.join(map(str, box)) + f',{a},0' for a in labels
        ]
    (tmp_path / 'gt.csv').write_text('\n'.join(rows) + '\n')
    (tmp_path / 'excluded.csv').write_text('vid,0904\n')
    return dict(
        ann_file=str(tmp_path / 'gt.csv'),
        exclude_file=str(tmp_path / 'excluded.csv'))


def test_actor_precision_recall_by_hand(tmp_path):
    metric = AVAActorPRMetric(**_files(tmp_path))
    near_a = [0.1, 0.1, 0.41, 0.61]  # a second box of the same person
    metric.process(
        [],
        [
            # frame 902: people A (two actions) and B; A found twice, a FP
            _sample(902, [A, near_a, [0.0, 0.9, 0.05, 0.95]], [0.9, 0.8, 0.7]),
            _sample(903, [D], [0.6]),  # frame 903: D found
            _sample(904, [A], [0.9]),  # excluded
            _sample(999, [A], [0.9]),  # not annotated
        ])
    out = metric.compute_metrics(metric.results)
    # 2 of 4 predictions match; 2 of the 3 people are found (B is missed)
    assert out == dict(
        precision=pytest.approx(0.5), recall=pytest.approx(2 / 3))


def test_iou_threshold(tmp_path):
    metric = AVAActorPRMetric(**_files(tmp_path), iou_thr=0.9)
    near_a = [0.1, 0.1, 0.42, 0.62]  # IoU 0.87 with A: below 0.9
    metric.process([], [_sample(902, [near_a, A], [0.9, 0.5])])
    out = metric.compute_metrics(metric.results)
    assert out['precision'] == pytest.approx(0.5)
    assert out['recall'] == pytest.approx(0.5)


def test_no_prediction(tmp_path):
    metric = AVAActorPRMetric(**_files(tmp_path))
    metric.process([], [_sample(902, [], [])])
    out = metric.compute_metrics(metric.results)
    assert math.isnan(out['precision']) and out['recall'] == 0.0
