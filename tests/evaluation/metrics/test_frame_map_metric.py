# Copyright (c) mmvb contributors. All rights reserved.
import pickle
from unittest import mock

import numpy as np
import pytest
import torch
from mmaction.evaluation.functional import ava_utils

from mmvb.evaluation import AVAFrameMAPMetric, TubeFrameMAPMetric


def _write_ava(tmp_path, rng, num_frames=12, excluded='vid,0903\n'):
    gt, results = [], []
    for f in range(num_frames):
        ts = 902 + f
        boxes = []
        for p in range(2):
            x, y = rng.uniform(0, 0.5, size=2)
            box = np.array([x, y, x + 0.3, y + 0.4])
            boxes.append(box)
            for label in rng.choice([1, 2, 3], size=2, replace=False):
                gt.append(f'vid,{ts:04d},' +
                          ','.join(f'{v:.3f}' for v in box) + f',{label},{p}')
        dets = [b + rng.normal(0, 0.03, size=4) for b in boxes]
        dets.append(rng.uniform(0, 0.5, size=4) + [0, 0, 0.4, 0.4])
        scores = torch.zeros(3, 5)
        scores[:, 1:4] = torch.from_numpy(rng.uniform(0.01, 1, size=(3, 3)))
        results.append(
            dict(
                video_id='vid',
                timestamp=ts,
                pred_instances=dict(
                    bboxes=torch.tensor(np.array(dets),
                                        dtype=torch.float32).clamp(0, 1),
                    scores=scores)))
    (tmp_path / 'gt.csv').write_text('\n'.join(gt) + '\n')
    (tmp_path / 'excluded.csv').write_text(excluded)
    (tmp_path / 'labels.pbtxt').write_text(''.join(
        f'item {{\n  name: "action{i}"\n  id: {i}\n}}\n'
        for i in (1, 2, 3, 4)))
    return results


def _metric(tmp_path, cls, **kwargs):
    return cls(
        ann_file=str(tmp_path / 'gt.csv'),
        exclude_file=str(tmp_path / 'excluded.csv'),
        label_file=str(tmp_path / 'labels.pbtxt'),
        num_classes=5,
        **kwargs)


def test_ava_metric_equals_mmaction_when_mmaction_works(tmp_path, monkeypatch):
    results = _write_ava(tmp_path, np.random.default_rng(0), excluded='')
    ours = _metric(tmp_path, AVAFrameMAPMetric, per_class=True)
    ours.process([], results)
    mine = ours.compute_metrics(ours.results)

    # MMAction2's ava_eval (serial pool; it writes its CSV into the cwd)
    monkeypatch.chdir(tmp_path)
    pool = mock.MagicMock()
    pool.return_value.map = lambda fn, items: list(map(fn, items))
    with mock.patch.object(ava_utils.multiprocessing, 'Pool', pool):
        from mmaction.evaluation.metrics import AVAMetric
        ref_metric = _metric(tmp_path, AVAMetric)
        ref_metric.process([], results)
        ref = ref_metric.compute_metrics(ref_metric.results)
    # class 4 has no ground truth and no detection: both skip it
    assert mine['overall'] == pytest.approx(ref['overall'], abs=1e-4)
    assert mine['overall'] > 0.3
    assert np.isnan(mine['AP/action4'])

    # An excluded frame is skipped entirely, as in ActivityNet's evaluator:
    # the same as deleting its ground truth (MMAction2 still counts that
    # ground truth in the recall denominator).
    (tmp_path / 'excluded.csv').write_text('vid,0903\n')
    ours = _metric(tmp_path, AVAFrameMAPMetric)
    ours.process([], results)
    excluded = ours.compute_metrics(ours.results)
    rows = (tmp_path / 'gt.csv').read_text().splitlines()
    (tmp_path /
     'gt.csv').write_text('\n'.join(r
                                    for r in rows if ',0903,' not in r) + '\n')
    (tmp_path / 'excluded.csv').write_text('')
    ours = _metric(tmp_path, AVAFrameMAPMetric)
    ours.process([], [r for r in results if r['timestamp'] != 903])
    deleted = ours.compute_metrics(ours.results)
    assert deleted['overall'] == excluded['overall']
    assert deleted['overall'] != mine['overall']


def test_ava_metric_survives_numpy2_and_counts_missed_classes(tmp_path):
    results = _write_ava(tmp_path, np.random.default_rng(1))
    for r in results:  # detect class 4 (no ground truth) and never class 3
        r['pred_instances']['scores'][:, 4] = 0.5
        r['pred_instances']['scores'][:, 3] = 0.0
    metric = _metric(tmp_path, AVAFrameMAPMetric, per_class=True)
    metric.process([], results)
    out = metric.compute_metrics(metric.results)  # mmaction: np.NAN error
    assert out['AP/action3'] == 0.0
    assert np.isnan(out['AP/action4'])
    assert out['overall'] == pytest.approx(
        np.mean([out['AP/action1'], out['AP/action2'], 0.0]))
    assert set(out) >= {
        'overall', 'person_movement', 'object_manipulation',
        'person_interaction'
    }


def _tube_gt(tmp_path):
    box = np.array([20, 10, 120, 90], np.float32)
    gt = dict(
        labels=['a', 'b'],
        gttubes=dict(
            v1={0: [np.array([[f, *box] for f in (1, 2, 3)], np.float32)]},
            v2={1: [np.array([[f, *box] for f in (2, 3)], np.float32)]}),
        nframes=dict(v1=3, v2=3),
        train_videos=[[]],
        test_videos=[['v1', 'v2']],
        resolution=dict(v1=(100, 200), v2=(100, 200)))
    path = tmp_path / 'gt.pkl'
    with open(path, 'wb') as f:
        pickle.dump(gt, f)
    return str(path), box / np.array([200, 100, 200, 100], np.float32)


def _tube_sample(video, frame, box, scores):
    return dict(
        video_id=video,
        timestamp=frame,
        pred_instances=dict(
            bboxes=torch.tensor([box]), scores=torch.tensor([scores])))


def test_tube_frame_map(tmp_path):
    path, box = _tube_gt(tmp_path)
    samples = [_tube_sample('v1', f, box, [0, 0.9, 0]) for f in (1, 2, 3)]
    samples.append(_tube_sample('v2', 1, box, [0, 0, 0.8]))  # no actor: FP
    samples += [_tube_sample('v2', f, box, [0, 0, 0.7]) for f in (2, 3)]
    metric = TubeFrameMAPMetric(ann_file=path, per_class=True)
    metric.process([], samples)
    out = metric.compute_metrics(metric.results)
    assert out['AP/a'] == pytest.approx(1.0)
    assert out['AP/b'] == pytest.approx(2 / 3)
    assert out['overall'] == pytest.approx((1 + 2 / 3) / 2)

    # Only the evaluated frames bring ground truth.
    metric = TubeFrameMAPMetric(ann_file=path, per_class=True)
    metric.process([], [s for s in samples if s['timestamp'] != 3])
    out = metric.compute_metrics(metric.results)
    assert out['AP/a'] == pytest.approx(1.0)
    assert out['AP/b'] == pytest.approx(0.5)
