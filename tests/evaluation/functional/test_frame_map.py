# Copyright (c) mmvb contributors. All rights reserved.
import math

import numpy as np
import pytest

from mmvb.evaluation import frame_average_precision, mean_ap

BOX = [0, 0, 10, 10]


def _case():
    gt_boxes = dict(A=[BOX, [20, 20, 30, 30]], B=[BOX, [40, 40, 50, 50]])
    gt_labels = dict(A=[1, 2], B=[1, 4])
    det_boxes = dict(
        A=[BOX, [0, 0, 10, 9], [50, 50, 60, 60]],
        B=[BOX, [70, 70, 80, 80]],
        C=[BOX])
    det_labels = dict(A=[1, 1, 2], B=[1, 3], C=[1])
    det_scores = dict(A=[0.9, 0.8, 0.7], B=[0.6, 0.5], C=[0.95])
    return gt_boxes, gt_labels, det_boxes, det_labels, det_scores


def test_hand_checked_aps():
    aps = frame_average_precision(*_case(), class_ids=[1, 2, 3, 4])
    # class 1: TP .9, FP .8 (duplicate), TP .6 -> 0.5 * 1 + 0.5 * 2/3
    assert aps[1] == pytest.approx(0.5 + 0.5 * 2 / 3)
    assert aps[2] == 0.0  # only a false positive
    assert math.isnan(aps[3])  # no ground truth: left out of the mean
    assert aps[4] == 0.0  # ground truth, never detected
    assert mean_ap(aps) == pytest.approx((0.5 + 1 / 3) / 3)
    assert mean_ap(aps, [1, 3]) == pytest.approx(0.5 + 1 / 3)
    assert math.isnan(mean_ap(aps, [3]))


def test_empty_frames_and_exclusions():
    aps = frame_average_precision(
        *_case(), class_ids=[1], ignore_empty_frames=False)
    # frame C (no ground truth) adds a false positive ranked first
    assert aps[1] == pytest.approx(0.5 * 0.5 + 0.5 * 0.5)
    aps = frame_average_precision(*_case(), class_ids=[1], excluded=['B'])
    assert aps[1] == pytest.approx(1.0)


def test_iou_threshold_and_unsorted_input():
    gt_boxes = dict(A=[BOX])
    gt_labels = dict(A=[1])
    # IoU 0.6 with the ground truth; the higher score comes second
    det_boxes = dict(A=[[0, 0, 10, 10], [0, 0, 6, 10]])
    det_scores = dict(A=np.array([0.1, 0.9]))
    det_labels = dict(A=[1, 1])
    aps = frame_average_precision(gt_boxes, gt_labels, det_boxes, det_labels,
                                  det_scores, [1])
    assert aps[1] == pytest.approx(1.0)  # the 0.9 box is a TP at IoU 0.5
    aps = frame_average_precision(
        gt_boxes,
        gt_labels,
        det_boxes,
        det_labels,
        det_scores, [1],
        iou_thr=0.7)
    assert aps[1] == pytest.approx(0.5)  # FP first, then the exact box
