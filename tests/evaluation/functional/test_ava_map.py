# Copyright (c) mmvb contributors. All rights reserved.
"""The two AVA protocols on crafted cases whose mAP is computed by hand,
each also scored by a literal transcription of ActivityNet's scorer
(``mmvb.testing.activitynet_ava_scorer``), and the vectorised matching
against the former per-frame loop."""
import json
import math
import os.path as osp

import numpy as np
import pytest
from mmaction.evaluation.functional.ava_evaluation import metrics

from mmvb.evaluation.functional import (ava_map, average_precision,
                                        evaluate_ava_csv,
                                        frame_average_precision,
                                        match_detections, mean_ap,
                                        read_ava_csv, top_k_per_frame)
from mmvb.testing import activitynet_ava_scorer, loop_frame_average_precision

DATA = osp.join(
    osp.dirname(osp.dirname(osp.dirname(__file__))), 'data', 'ava_official')
B = (0.1, 0.1, 0.4, 0.6)  # a ground-truth box (x1, y1, x2, y2)
C = (0.5, 0.2, 0.9, 0.9)  # another one
FAR = (0.0, 0.0, 0.05, 0.05)  # overlaps nothing


def _far(i):  # distinct boxes that overlap nothing of the ground truth
    x = 0.001 * i
    return (x, 0.95, x + 0.001, 0.99)


def _write(tmp_path, gt_rows, det_rows, excluded=None, ids=(1, 2, 3)):
    """Files of a case; rows are (timestamp, box, label[, score])."""

    def line(row):
        ts, box, label = row[:3]
        cells = [f'vid,{ts:04d}', *(f'{v:.6f}' for v in box), str(label)]
        if len(row) == 4:
            cells.append(f'{row[3]:.6f}')
        return ','.join(cells)

    (tmp_path / 'gt.csv').write_text(''.join(
        (f'vid,{r[0]:04d}' if r[1] is None else line(r)) + '\n'
        for r in gt_rows))
    (tmp_path / 'det.csv').write_text(''.join(
        line(r) + '\n' for r in det_rows))
    (tmp_path / 'labels.pbtxt').write_text(''.join(
        f'item {{\n  name: "a{i}"\n  id: {i}\n}}\n' for i in ids))
    files = dict(
        label_file=str(tmp_path / 'labels.pbtxt'),
        gt_file=str(tmp_path / 'gt.csv'),
        det_file=str(tmp_path / 'det.csv'))
    if excluded is not None:
        (tmp_path / 'excluded.csv').write_text(''.join(f'vid,{ts:04d}\n'
                                                       for ts in excluded))
        files['exclude_file'] = str(tmp_path / 'excluded.csv')
    return files


def _maps(files):
    """mAP of both protocols and of the scorer's transcription."""
    out = {}
    for protocol in ('official', 'slowfast'):
        aps, info = evaluate_ava_csv(**files, protocol=protocol)
        out[protocol] = mean_ap(aps)
        out[protocol + '_info'] = info
    out['scorer'] = activitynet_ava_scorer(**files)['mAP']
    return out


def test_top_50_detections_per_frame(tmp_path, monkeypatch):
    # frame 902: class 1 at B, class 2 at C. Its detections: class 2 at C
    # (0.99, TP), 49 class-2 false positives (0.98 ... 0.50) and class 1 at
    # B with 0.40, the 51st: the scorer drops it.
    dets = [(902, C, 2, 0.99)]
    dets += [(902, _far(i), 2, 0.98 - 0.01 * i) for i in range(49)]
    dets += [(902, B, 1, 0.40)]
    files = _write(tmp_path, [(902, B, 1), (902, C, 2)], dets)
    logs = []
    monkeypatch.setattr(ava_map, 'print_log',
                        lambda msg, **kwargs: logs.append(msg))
    out = _maps(files)
    assert any('1 frames had more than 50 detections' in m
               and '(1 detections dropped)' in m for m in logs), logs
    # official: AP1 = 0 (never detected), AP2 = 1 (TP ranked first)
    assert out['official'] == pytest.approx(0.5)
    assert out['scorer'] == pytest.approx(0.5)
    assert out['official_info']['capped_frames'] == 1
    assert out['official_info']['capped_dets'] == 1
    # slowfast keeps every detection: AP1 = AP2 = 1
    assert out['slowfast'] == pytest.approx(1.0)


def test_frames_with_only_non_evaluated_ground_truth(tmp_path):
    # frame 902: class 1 at B, detected with 0.6. Frame 903: only class 4
    # (not in the label map); a class-1 detection there scores 0.9.
    files = _write(tmp_path, [(902, B, 1), (903, C, 4)], [(902, B, 1, 0.6),
                                                          (903, C, 1, 0.9)])
    out = _maps(files)
    # official: FP (0.9) then TP (0.6): precision 1/2 at recall 1
    assert out['official'] == pytest.approx(0.5)
    assert out['scorer'] == pytest.approx(0.5)
    # slowfast evaluates frames with evaluated ground truth only
    assert out['slowfast'] == pytest.approx(1.0)
    assert out['slowfast_info']['outside_frames'] == 1


def test_frames_outside_the_ground_truth_and_empty_rows(tmp_path):
    # A detection on a frame absent from the ground truth (905) is ignored
    # by both; a ``video_id,timestamp`` row (904) makes its frame evaluated
    # by the scorer (its detections are false positives).
    files = _write(tmp_path, [(902, B, 1), (904, None, None)],
                   [(902, B, 1, 0.5), (905, B, 1, 0.9), (904, C, 1, 0.7)])
    out = _maps(files)
    assert out['official'] == pytest.approx(0.5)  # FP 0.7, TP 0.5
    assert out['scorer'] == pytest.approx(0.5)
    assert out['slowfast'] == pytest.approx(1.0)
    assert out['official_info']['outside_frames'] == 1


def test_invalid_detection_boxes(tmp_path):
    # x1 > x2: the scorer drops the box, slowfast counts it as a FP
    flipped = (0.4, 0.1, 0.1, 0.6)
    files = _write(tmp_path, [(902, B, 1)], [(902, flipped, 1, 0.8),
                                             (902, B, 1, 0.6)])
    out = _maps(files)
    assert out['official'] == pytest.approx(1.0)
    assert out['scorer'] == pytest.approx(1.0)
    assert out['official_info']['invalid_boxes'] == 1
    assert out['slowfast'] == pytest.approx(0.5)


def test_excluded_timestamps_and_missed_classes(tmp_path):
    # class 1: frames 902 (detected, 0.7) and 903 (never detected); class 3
    # has ground truth and no detection (AP 0); class 2 has neither (NaN).
    gt = [(902, B, 1), (903, B, 1), (902, C, 3)]
    dets = [(902, B, 1, 0.7)]
    out = _maps(_write(tmp_path, gt, dets))
    # AP1 = 1/2 (recall stops at 1/2), AP3 = 0
    assert out['official'] == pytest.approx(0.25)
    assert out['slowfast'] == pytest.approx(0.25)
    assert out['scorer'] == pytest.approx(0.25)
    out = _maps(_write(tmp_path, gt, dets, excluded=[903]))
    assert out['official'] == pytest.approx(0.5)  # AP1 = 1, AP3 = 0
    assert out['slowfast'] == pytest.approx(0.5)
    assert out['scorer'] == pytest.approx(0.5)


def test_greedy_matching_takes_the_best_box_only(tmp_path):
    # Two class-1 boxes, B inside `big`. The 0.9 detection is B (IoU 1 with
    # B, 0.625 with big); the 0.8 one overlaps B best (0.87, taken: a FP,
    # although its IoU with big is 0.72); the 0.7 one is big.
    big = (0.1, 0.1, 0.5, 0.7)
    gt = [(902, B, 1), (902, big, 1)]
    dets = [(902, B, 1, 0.9), (902, (0.1, 0.1, 0.42, 0.64), 1, 0.8),
            (902, big, 1, 0.7)]
    out = _maps(_write(tmp_path, gt, dets))
    # TP, FP, TP over 2 ground truths: 1/2 * 1 + 1/2 * 2/3
    assert out['official'] == pytest.approx(0.5 + 1 / 3)
    assert out['slowfast'] == pytest.approx(0.5 + 1 / 3)
    assert out['scorer'] == pytest.approx(0.5 + 1 / 3)


@pytest.mark.parametrize('tp_first, expected', [(True, 1.0), (False, 0.0)])
def test_heap_ties_at_the_cap_follow_arrival(tmp_path, tp_first, expected):
    # 48 high-scored class-2 detections, then four at 0.5: the heap is full
    # after the first two of them and a score equal to its minimum is not
    # "higher", so the last two are rejected whatever their class.
    dets = [(902, _far(i), 2, 0.99 - 0.01 * i) for i in range(48)]
    tp, fp1 = (902, B, 1, 0.5), (902, FAR, 1, 0.5)
    ties = [tp, (902, _far(60), 2, 0.5), (902, _far(61), 2, 0.5), fp1]
    if not tp_first:
        ties = ties[::-1]
    files = _write(tmp_path, [(902, B, 1)], dets + ties, ids=(1, 2))
    out = _maps(files)
    assert out['official'] == pytest.approx(expected)
    assert out['scorer'] == pytest.approx(expected)


def test_heap_evicts_the_smallest_tuple_among_ties(tmp_path):
    # 48 class-2 detections, then (0.5, class 1, TP) and (0.5, class 2):
    # full. A 0.995 detection then evicts the smallest tuple, (0.5, 1, ...):
    # the true positive goes, in either arrival order.
    for swap in (False, True):
        dets = [(902, _far(i), 2, 0.99 - 0.01 * i) for i in range(48)]
        pair = [(902, B, 1, 0.5), (902, _far(60), 2, 0.5)]
        dets += (pair[::-1] if swap else pair) + [(902, _far(61), 2, 0.995)]
        files = _write(tmp_path, [(902, B, 1)], dets, ids=(1, 2))
        out = _maps(files)
        assert out['official'] == 0.0
        assert out['scorer'] == 0.0


def test_top_k_per_frame_without_ties_is_the_top_k():
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 20, 3000)
    scores = rng.random(3000)
    kept, capped, dropped = top_k_per_frame(frame, scores,
                                            np.ones(3000, np.int64),
                                            rng.random((3000, 4)), 50)
    expected = []
    for f in range(20):
        rows = np.flatnonzero(frame == f)
        expected += rows[np.argsort(-scores[rows])[:50]].tolist()
    assert kept.tolist() == sorted(expected)
    assert dropped == 3000 - len(expected)
    assert capped == sum(np.bincount(frame) > 50)


def test_match_detections_by_hand():
    gt_boxes = np.array([[0, 0, 10, 10], [20, 0, 30, 10]], np.float64)
    det_boxes = np.array(
        [[0, 0, 10, 10], [1, 0, 10, 10], [20, 0, 30, 10], [0, 0, 10, 10]],
        np.float64)
    # groups: frame-class 0 holds both ground truths; the last detection is
    # in group 1, which has none
    tp = match_detections([0, 0, 0, 1], det_boxes, [0, 0], gt_boxes)
    assert tp.tolist() == [True, False, True, False]


def test_average_precision_equals_mmaction():
    rng = np.random.default_rng(1)
    for n, num_gt in ((1, 1), (20, 5), (300, 40)):
        scores = rng.random(n)
        tp = rng.random(n) < 0.3
        tp[np.flatnonzero(tp)[num_gt:]] = False
        precision, recall = metrics.compute_precision_recall(
            scores, tp, num_gt)
        ref = metrics.compute_average_precision(precision, recall)
        assert average_precision(scores, tp, num_gt) == ref
    assert math.isnan(average_precision(np.zeros(0), np.zeros(0, bool), 0))
    assert average_precision(np.zeros(0), np.zeros(0, bool), 3) == 0.0


def _random_frames(rng, num_frames=60, num_classes=6):
    gt_boxes, gt_labels, det_boxes, det_labels, det_scores = (
        {} for _ in range(5))
    for f in range(num_frames):
        n = rng.integers(1, 4)
        xy = rng.uniform(0, 60, (n, 2))
        boxes = np.concatenate([xy, xy + rng.uniform(10, 40, (n, 2))], 1)
        labels = rng.integers(1, num_classes + 1, n)
        gt_boxes[f], gt_labels[f] = boxes, labels
        m = rng.integers(0, 12)
        pick = rng.integers(0, n, m)
        jittered = boxes[pick] + rng.normal(0, 4, (m, 4))
        # corners in order (MMAction2's BoxList refuses inverted boxes)
        det_boxes[f] = np.concatenate([
            np.minimum(jittered[:, :2], jittered[:, 2:]),
            np.maximum(jittered[:, :2], jittered[:, 2:])
        ], 1)
        det_labels[f] = np.where(
            rng.random(m) < 0.6, labels[pick],
            rng.integers(1, num_classes + 1, m))
        det_scores[f] = rng.random(m).astype(np.float32)
    for f in range(num_frames, num_frames + 5):  # frames without truth
        xy = rng.uniform(0, 60, (3, 2))
        det_boxes[f] = np.concatenate([xy, xy + 30], 1)
        det_labels[f] = rng.integers(1, num_classes + 1, 3)
        det_scores[f] = rng.random(3).astype(np.float32)
    return gt_boxes, gt_labels, det_boxes, det_labels, det_scores


@pytest.mark.parametrize('ignore_empty', [True, False])
def test_vectorised_equals_the_former_loop(ignore_empty):
    for seed in range(4):
        case = _random_frames(np.random.default_rng(seed))
        kwargs = dict(
            class_ids=[1, 2, 3, 4, 5],
            ignore_empty_frames=ignore_empty,
            excluded=[3, 7])
        new = frame_average_precision(*case, **kwargs)
        old = loop_frame_average_precision(*case, **kwargs)
        assert new.keys() == old.keys()
        for c in new:  # bit-identical, NaN included
            assert new[c] == old[c] or (math.isnan(new[c])
                                        and math.isnan(old[c]))


def test_read_ava_csv_errors(tmp_path):
    path = tmp_path / 'bad.csv'
    path.write_text('vid,0902,0.1,0.1,0.5,0.5,1\nvid,0903,0.1,0.1\n')
    with pytest.raises(ValueError, match=r'bad.csv:2: expected 2, 7 or 8'):
        read_ava_csv(str(path))
    path.write_text('vid,0902,0.1,x,0.5,0.5,1\n')
    with pytest.raises(ValueError, match=r"bad.csv:1: column 'x1'"):
        read_ava_csv(str(path))
    path.write_text('vid,0902,0.1,0.1,0.5,0.5,one\n')
    with pytest.raises(ValueError, match=r"bad.csv:1: column 'action_id'"):
        read_ava_csv(str(path))
    with pytest.raises(FileNotFoundError, match='missing.csv'):
        read_ava_csv(str(tmp_path / 'missing.csv'))


@pytest.mark.parametrize('name', ['head', 'exclusions'])
def test_equals_the_official_scorer_outputs(name):
    """Per-class APs of ActivityNet's own get_ava_performance.py on a
    generated set (tools/analysis/ava_official_fixture.py): 'head' is the
    scorer at 82304fa, 'exclusions' its version with --exclusions
    (eba0ec9)."""
    folder = osp.join(DATA, name)
    with open(osp.join(folder, 'expected.json')) as f:
        expected = json.load(f)
    exclude = osp.join(folder, 'excluded.csv')
    aps, info = evaluate_ava_csv(
        osp.join(folder, 'labels.pbtxt'),
        osp.join(folder, 'gt.csv'),
        osp.join(folder, 'det.csv'),
        exclude_file=exclude if osp.isfile(exclude) else None)
    assert info['capped_frames'] > 0  # the cap matters on this set
    assert info['invalid_boxes'] > 0
    for c, ap in expected['aps'].items():
        if ap is None:
            assert math.isnan(aps[int(c)])
        else:
            assert aps[int(c)] == pytest.approx(ap, abs=1e-12), c
    assert mean_ap(aps) == pytest.approx(expected['mAP'], abs=1e-12)
    ref = activitynet_ava_scorer(
        osp.join(folder, 'labels.pbtxt'),
        osp.join(folder, 'gt.csv'),
        osp.join(folder, 'det.csv'),
        exclude_file=exclude if osp.isfile(exclude) else None)
    assert ref['mAP'] == pytest.approx(expected['mAP'], abs=1e-12)
