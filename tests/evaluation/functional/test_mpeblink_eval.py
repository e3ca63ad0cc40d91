# Copyright (c) mmvb contributors. All rights reserved.
import warnings

import numpy as np
import pytest

from mmvb.evaluation.functional import (evaluate_mpeblink, hust_lebw_scores,
                                        segment_iou, temporal_detection_ap,
                                        track_ious)

BOX = [0.0, 0.0, 10.0, 10.0]


def _gt(videos, annotations):
    return dict(
        videos=[dict(id=v, length=n) for v, n in videos],
        annotations=annotations)


def _ann(id, video_id, bboxes, blinks=()):
    return dict(
        id=id,
        video_id=video_id,
        bboxes=bboxes,
        blinks=[list(b) for b in blinks])


def _dt(video_id, score, bboxes, blinks=()):
    return dict(
        video_id=video_id,
        score=score,
        bboxes=bboxes,
        blinks_converted=[list(b) for b in blinks])


def test_segment_iou_has_no_plus_one():
    # [10, 15] vs [11, 15]: 4 / 5 (not 5 / 6)
    assert segment_iou([10, 15], np.array([[11, 15]]))[0] == pytest.approx(0.8)
    # single frame vs a longer segment: length 0 -> tIoU 0
    assert segment_iou([12, 12], np.array([[10, 15]]))[0] == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # no numpy warning escapes
        off = segment_iou([5, 5], np.array([[5, 5], [9, 9]]), 'official')
    assert np.isnan(off).all()  # 0 / 0
    strict = segment_iou([5, 5], np.array([[5, 5], [9, 9]]), 'strict')
    assert strict.tolist() == [1.0, 0.0]


def test_track_iou_3d():
    # frames: both (identical), only gt, only dt, neither
    d = dict(bboxes=[BOX, None, [20, 20, 10, 10], None])
    g = dict(bboxes=[BOX, [0, 0, 10, 5], None, None])
    # I = 100, U = 100 + 50 + 100
    assert track_ious([d], [g])[0, 0] == pytest.approx(100 / 250)
    # half-overlapping boxes in one frame: I = 50, U = 150
    d2 = dict(bboxes=[[5, 0, 10, 10]])
    g2 = dict(bboxes=[BOX])
    assert track_ious([d2], [g2])[0, 0] == pytest.approx(1 / 3)
    # different lengths: compared up to the shorter sequence
    d3 = dict(bboxes=[BOX, BOX, BOX])
    assert track_ious([d3], [g2])[0, 0] == pytest.approx(1.0)


def test_inst_ap_perfect_and_partial():
    gt = _gt([(1, 3)], [_ann(1, 1, [BOX, BOX, BOX])])
    perfect = evaluate_mpeblink(gt, [_dt(1, 0.9, [BOX, BOX, BOX])])
    assert perfect['inst_ap'] == pytest.approx(1.0)
    # 3-D IoU 2/3: matched at 0.50, 0.55, 0.60, 0.65 -> 4 of 10
    partial = evaluate_mpeblink(gt, [_dt(1, 0.9, [BOX, BOX, None])])
    assert partial['inst_ap50'] == pytest.approx(1.0)
    assert partial['inst_ap75'] == pytest.approx(0.0)
    assert partial['inst_ap'] == pytest.approx(0.4)


def test_inst_ap_false_positive_and_missed():
    gt = _gt([(1, 1), (2, 1)], [_ann(1, 1, [BOX]), _ann(2, 2, [BOX])])
    far = [[50, 50, 10, 10]]
    # video 1: a higher-scored false positive, then the true positive;
    # video 2: missed. Pooled: tp [0, 1], fp [1, 1], npos 2 -> recall 0.5
    # with precision 0.5 (monotone): 51 of 101 recall points at 0.5.
    res = evaluate_mpeblink(gt, [_dt(1, 0.9, far), _dt(1, 0.8, [BOX])])
    assert res['inst_ap50'] == pytest.approx(0.5 * 51 / 101)
    assert res['inst_ap'] == pytest.approx(0.5 * 51 / 101)
    # no ground truth at all: -1 (COCO convention)
    empty = evaluate_mpeblink(_gt([(1, 1)], []), [_dt(1, 0.9, [BOX])])
    assert empty['inst_ap'] == -1


def test_inst_ap_greedy_by_score():
    # one detection overlapping two gts: it takes the one of higher IoU,
    # the second (lower score) detection gets the other
    g1, g2 = [[0, 0, 10, 10]], [[4, 0, 10, 10]]
    gt = _gt([(1, 1)], [_ann(1, 1, g1), _ann(2, 1, g2)])
    res = evaluate_mpeblink(
        gt, [_dt(1, 0.9, [[1, 0, 10, 10]]),
             _dt(1, 0.5, [[4, 0, 10, 10]])])
    assert res['inst_ap50'] == pytest.approx(1.0)


def test_blink_ap_hand_example():
    gt = _gt([(1, 60)], [_ann(1, 1, [BOX] * 60, [(10, 15), (30, 32)])])
    preds = [(10, 15, 0.9), (11, 15, 0.8), (31, 32, 0.7), (50, 52, 0.6)]
    res = evaluate_mpeblink(gt, [_dt(1, 0.9, [BOX] * 60, preds)])
    # tIoU 0.5: TP, FP (gt locked, next gt tIoU 0), TP (1/2), FP
    # recall [.5 .5 1 1], precision [1 .5 .667 .5] -> .5 * 1 + .5 * 2 / 3
    assert res['blink_ap50'] == pytest.approx(0.5 + 0.5 * 2 / 3)
    # tIoU 0.75: only the first prediction is a TP -> 0.5
    assert res['blink_ap75'] == pytest.approx(0.5)


def test_blink_ap_only_on_matched_instances():
    gt = _gt([(1, 20)], [
        _ann(1, 1, [BOX] * 20, [(2, 4)]),
        _ann(2, 1, [[50, 50, 10, 10]] * 20, [(6, 8), (12, 14)])
    ])
    # instance 2 is missed; a false-positive track has events too
    dts = [
        _dt(1, 0.9, [BOX] * 20, [(2, 4, 0.8)]),
        _dt(1, 0.8, [[90, 90, 5, 5]] * 20, [(6, 8, 0.9)])
    ]
    res = evaluate_mpeblink(gt, dts)
    # npos = 1 (only instance 1's blink), one TP -> AP 1
    assert res['blink_ap50'] == pytest.approx(1.0)
    # events of a matched instance without gt blinks are false positives
    gt2 = _gt([
        (1, 20)
    ], [_ann(1, 1, [BOX] * 20, [(2, 4)]),
        _ann(2, 1, [[50, 50, 10, 10]] * 20)])
    dts2 = [
        _dt(1, 0.9, [BOX] * 20, [(2, 4, 0.5)]),
        _dt(1, 0.8, [[50, 50, 10, 10]] * 20, [(6, 8, 0.9)])
    ]
    # ranked: FP (0.9), TP (0.5) -> recall 1 at precision 0.5
    assert evaluate_mpeblink(gt2, dts2)['blink_ap50'] == pytest.approx(0.5)


def test_single_frame_blinks_official_vs_strict():
    gt = _gt([(1, 30)], [_ann(1, 1, [BOX] * 30, [(5, 5)])])
    dts = [_dt(1, 0.9, [BOX] * 30, [(20, 20, 0.9)])]
    # official: 0 / 0 = NaN is not < 0.5 -> a TP far from the blink
    assert evaluate_mpeblink(gt, dts, 'official')['blink_ap50'] == 1.0
    assert evaluate_mpeblink(gt, dts, 'strict')['blink_ap50'] == 0.0
    # strict keeps an identical single-frame event a TP
    same = [_dt(1, 0.9, [BOX] * 30, [(5, 5, 0.9)])]
    assert evaluate_mpeblink(gt, same, 'strict')['blink_ap50'] == 1.0


def test_blink_ap_without_matched_blinks():
    gt = _gt([(1, 10)], [_ann(1, 1, [BOX] * 10)])
    dts = [_dt(1, 0.9, [BOX] * 10, [(2, 3, 0.9)])]
    # npos = 0: the official code divides by zero (NaN), strict gives 0
    assert np.isnan(evaluate_mpeblink(gt, dts, 'official')['blink_ap50'])
    assert evaluate_mpeblink(gt, dts, 'strict')['blink_ap50'] == 0.0
    no_pred = [_dt(1, 0.9, [BOX] * 10)]
    assert evaluate_mpeblink(gt, no_pred, 'official')['blink_ap50'] == 0.0


def test_gt_id_handling():
    # ids not 1..N in sorted-video order: video 1 holds id 2, video 2 id 1
    b1, b2 = [BOX] * 10, [[30, 30, 10, 10]] * 10
    gt = _gt([(1, 10), (2, 10)],
             [_ann(2, 1, b1, [(2, 4)]),
              _ann(1, 2, b2, [(6, 8)])])
    dts = [_dt(1, 0.9, b1, [(2, 4, 0.9)]), _dt(2, 0.9, b2, [(6, 8, 0.9)])]
    assert evaluate_mpeblink(gt, dts, 'strict')['blink_ap50'] == 1.0
    # the official evaluator takes position + 1 as the id and so compares
    # each prediction with the other person's blinks
    with pytest.warns(UserWarning, match='1..N'):
        official = evaluate_mpeblink(gt, dts, 'official')
    assert official['blink_ap50'] == 0.0
    # ids that do not exist at all: the official lookup fails loudly
    gt_bad = _gt([(1, 10)], [_ann(7, 1, b1, [(2, 4)])])
    with pytest.raises(KeyError, match='strict'):
        evaluate_mpeblink(gt_bad, dts[:1], 'official')
    assert evaluate_mpeblink(gt_bad, dts[:1], 'strict')['blink_ap50'] == 1


def test_temporal_ap_grouping_by_key():
    gts = [('a', 0, 4), ('b', 0, 4)]
    preds = [('b', 0, 4, 0.9), ('c', 0, 4, 0.8), ('a', 0, 4, 0.7)]
    ap = temporal_detection_ap(gts, preds, [0.5])
    # TP, FP (no gt for key c), TP -> .5 * 1 + .5 * 2/3
    assert ap[0] == pytest.approx(0.5 + 0.5 * 2 / 3)


def test_unknown_video_rejected():
    with pytest.raises(ValueError, match='unknown video'):
        evaluate_mpeblink(_gt([(1, 1)], []), [_dt(9, 0.5, [BOX])])


def test_hust_lebw_scores():
    pred = [1, 1, 0, 1, 0, 0]
    gt = [1, 1, 1, 0, 0, 0]
    s = hust_lebw_scores(pred, gt)
    assert s['recall'] == pytest.approx(2 / 3)
    assert s['precision'] == pytest.approx(2 / 3)
    assert s['f1'] == pytest.approx(2 / 3)
    assert hust_lebw_scores([0, 0], [1, 0])['f1'] == 0.0
