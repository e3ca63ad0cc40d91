# Copyright (c) mmvb contributors. All rights reserved.
import pickle
from collections import defaultdict
from unittest import mock

import numpy as np
import pytest
import torch
from mmaction.evaluation.functional import ava_utils
from mmaction.structures import bbox2result

from mmvb.evaluation import AVAFrameMAPMetric, TubeFrameMAPMetric, mean_ap
from mmvb.evaluation.functional import ava_map
from mmvb.testing import activitynet_ava_scorer, loop_frame_average_precision


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
        **dict(dict(num_classes=5), **kwargs))


def test_ava_metric_equals_mmaction_when_mmaction_works(tmp_path, monkeypatch):
    results = _write_ava(tmp_path, np.random.default_rng(0), excluded='')
    ours = _metric(
        tmp_path, AVAFrameMAPMetric, per_class=True, ava_protocol='slowfast')
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
    ours = _metric(tmp_path, AVAFrameMAPMetric, ava_protocol='slowfast')
    ours.process([], results)
    excluded = ours.compute_metrics(ours.results)
    rows = (tmp_path / 'gt.csv').read_text().splitlines()
    (tmp_path /
     'gt.csv').write_text('\n'.join(r
                                    for r in rows if ',0903,' not in r) + '\n')
    (tmp_path / 'excluded.csv').write_text('')
    ours = _metric(tmp_path, AVAFrameMAPMetric, ava_protocol='slowfast')
    ours.process([], [r for r in results if r['timestamp'] != 903])
    deleted = ours.compute_metrics(ours.results)
    assert deleted['overall'] == excluded['overall']
    assert deleted['overall'] != mine['overall']


@pytest.mark.parametrize('protocol', ['official', 'slowfast'])
def test_ava_metric_survives_numpy2_and_counts_missed_classes(
        tmp_path, protocol):
    results = _write_ava(tmp_path, np.random.default_rng(1))
    for r in results:  # detect class 4 (no ground truth) and never class 3
        r['pred_instances']['scores'][:, 4] = 0.5
        r['pred_instances']['scores'][:, 3] = 0.0
    metric = _metric(
        tmp_path, AVAFrameMAPMetric, per_class=True, ava_protocol=protocol)
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


def _random_results(tmp_path, rng, num_frames=40, boxes=6, num_classes=8):
    """Ground truth of 8 classes (the label map holds 1-6) on frames
    902.., some with only classes 7 and 8, and predictions of ``boxes``
    boxes with scores for every class."""
    gt, results = [], []
    for f in range(num_frames):
        ts = 902 + f
        truth = []
        for p in range(rng.integers(1, 4)):
            xy = rng.uniform(0, 0.5, 2)
            box = np.r_[xy, xy + rng.uniform(0.2, 0.45, 2)]
            labels = [7, 8] if f % 9 == 4 else rng.choice(
                np.arange(1, num_classes + 1), 2, replace=False)
            for label in labels:
                gt.append(f'vid,{ts:04d},' +
                          ','.join(f'{v:.3f}' for v in box) + f',{label},{p}')
            truth.append(box)
        dets = [b + rng.normal(0, 0.03, 4) for b in truth]
        while len(dets) < boxes:
            xy = rng.uniform(0, 0.6, 2)
            dets.append(np.r_[xy, xy + 0.3])
        scores = torch.zeros(boxes, num_classes + 1)
        scores[:, 1:] = torch.from_numpy(rng.random((boxes, num_classes)))
        results.append(
            dict(
                video_id='vid',
                timestamp=ts,
                pred_instances=dict(
                    bboxes=torch.tensor(np.array(dets),
                                        dtype=torch.float32).clamp(0, 1),
                    scores=scores)))
    (tmp_path / 'gt.csv').write_text('\n'.join(gt) + '\n')
    (tmp_path / 'excluded.csv').write_text('vid,0905\nvid,0911\n')
    (tmp_path / 'labels.pbtxt').write_text(''.join(
        f'item {{\n  name: "action{i}"\n  id: {i}\n}}\n' for i in range(1, 7)))
    return results


def _former_compute_metrics(tmp_path, results, num_classes):
    """The metric before ``ava_protocol``: MMAction2's ``bbox2result`` and
    ``read_csv``, then the per-frame loop."""
    with open(tmp_path / 'labels.pbtxt') as f:
        _, class_ids = ava_utils.read_labelmap(f)
    class_ids = sorted(class_ids)
    with open(tmp_path / 'gt.csv') as f:
        gt_boxes, gt_labels, _ = ava_utils.read_csv(f, set(class_ids))
    with open(tmp_path / 'excluded.csv') as f:
        excluded = ava_utils.read_exclusions(f)
    det_boxes, det_labels, det_scores = (defaultdict(list) for _ in range(3))
    for r in results:
        key = ava_utils.make_image_key(r['video_id'], r['timestamp'])
        pred = r['pred_instances']
        outputs = bbox2result(
            pred['bboxes'], pred['scores'], num_classes, thr=0.002)
        for index, dets in enumerate(outputs):
            for x1, y1, x2, y2, score in np.asarray(dets).reshape(-1, 5):
                det_boxes[key].append((y1, x1, y2, x2))
                det_labels[key].append(index + 1)
                det_scores[key].append(score)
    aps = loop_frame_average_precision(
        gt_boxes,
        gt_labels,
        det_boxes,
        det_labels,
        det_scores,
        class_ids,
        excluded=excluded)
    return mean_ap(aps), aps


def test_slowfast_protocol_is_the_former_metric(tmp_path):
    """Bit-identical APs to the metric before the protocol option, on
    frames with > 50 detections and frames whose ground truth holds only
    classes outside the label map."""
    for seed in range(3):
        results = _random_results(
            tmp_path, np.random.default_rng(seed), boxes=9)
        metric = _metric(
            tmp_path,
            AVAFrameMAPMetric,
            per_class=True,
            ava_protocol='slowfast',
            num_classes=9)
        metric.process([], results)
        out = metric.compute_metrics(metric.results)
        ref_map, ref_aps = _former_compute_metrics(tmp_path, results, 9)
        assert out['overall'] == ref_map
        for c, ap in ref_aps.items():
            assert out[f'AP/action{c}'] == ap
        official = _metric(
            tmp_path,
            AVAFrameMAPMetric,
            ava_protocol='official',
            num_classes=9)
        official.process([], results)
        assert official.compute_metrics(official.results)['overall'] != \
            out['overall']


def test_official_protocol_is_the_scorer_on_the_csv(tmp_path, monkeypatch):
    """The metric's 'official' mAP is the scorer's (a transcription of its
    rules) on the CSV that MMAction2 would write for the same results,
    and > 50 detections per frame are cut with a logged count."""
    results = _random_results(tmp_path, np.random.default_rng(3), boxes=9)
    logs = []
    monkeypatch.setattr(ava_map, 'print_log',
                        lambda msg, **kwargs: logs.append(msg))
    metric = _metric(
        tmp_path, AVAFrameMAPMetric, ava_protocol='official', num_classes=9)
    metric.process([], results)
    out = metric.compute_metrics(metric.results)
    rows = []
    for r in results:  # MMAction2's CSV row order, exact float values
        pred = r['pred_instances']
        for index, dets in enumerate(
                bbox2result(pred['bboxes'], pred['scores'], 9, thr=0.002)):
            for det in dets:
                rows.append(f'vid,{r["timestamp"]},' +
                            ','.join(repr(float(v)) for v in det[:4]) +
                            f',{index + 1},{float(det[4])!r}')
    (tmp_path / 'det.csv').write_text('\n'.join(rows) + '\n')
    ref = activitynet_ava_scorer(
        str(tmp_path / 'labels.pbtxt'), str(tmp_path / 'gt.csv'),
        str(tmp_path / 'det.csv'), str(tmp_path / 'excluded.csv'))
    assert out['overall'] == pytest.approx(ref['mAP'], abs=1e-12)
    # 9 boxes x 6 evaluated classes = 54 per frame (a few below
    # action_thr); 38 frames evaluated (2 excluded)
    per_frame = [
        int((r['pred_instances']['scores'][:, 1:7] > 0.002).sum())
        for r in results if r['timestamp'] not in (905, 911)
    ]
    assert min(per_frame) > 50
    capped = [m for m in logs if 'more than 50' in m]
    assert len(capped) == 1 and '38 frames' in capped[0], logs
    assert f'{sum(per_frame) - 38 * 50} detections dropped' in capped[0]


def test_label_map_must_agree_with_the_classes(tmp_path):
    _write_ava(tmp_path, np.random.default_rng(0))
    with pytest.raises(
            ValueError,
            match=r'labels.pbtxt has class ids \[4\]'
            r'.*num_classes=4'):
        _metric(tmp_path, AVAFrameMAPMetric, num_classes=4)
    kwargs = dict(num_classes=5, custom_classes=[1, 2, 3])
    with pytest.raises(
            ValueError, match=r'class ids \[4\].*'
            r'custom_classes=\[1, 2, 3\]'):
        _metric(tmp_path, AVAFrameMAPMetric, ava_protocol='official', **kwargs)
    # slowfast evaluates the custom subset, as MMAction2 does
    _metric(tmp_path, AVAFrameMAPMetric, ava_protocol='slowfast', **kwargs)
    with pytest.raises(
            ValueError,
            match=r'custom_classes ids \[9\] are not'
            r' in the label map .*labels.pbtxt'):
        _metric(
            tmp_path,
            AVAFrameMAPMetric,
            ava_protocol='slowfast',
            num_classes=5,
            custom_classes=[1, 9])
    with pytest.raises(ValueError, match='ava_protocol'):
        _metric(tmp_path, AVAFrameMAPMetric, ava_protocol='ActivityNet')


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
