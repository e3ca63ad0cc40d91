# Copyright (c) mmvb contributors. All rights reserved.
import numpy as np
from mmaction.registry import TRANSFORMS
from mmengine.registry import DefaultScope

from mmvb.datasets import GTBoxJitter


def test_box_jitter_moves_edges_within_ratio_and_clips():
    np.random.seed(0)
    boxes = np.array([[10, 20, 50, 100], [0, 0, 20, 10]], np.float32)
    out = GTBoxJitter(ratio=0.1)(dict(
        gt_bboxes=boxes.copy(), img_shape=(100, 60)))['gt_bboxes']
    assert out.dtype == np.float32 and out.shape == (2, 4)
    sides = np.array([[40, 80, 40, 80], [20, 10, 20, 10]], np.float32)
    moved = np.abs(out - boxes)
    # each edge moves by at most 10 % of its side (or less, when clipped)
    assert (moved <= 0.1 * sides + 1e-4).all()
    assert (moved > 0).any()
    assert (out[:, 0::2] >= 0).all() and (out[:, 0::2] <= 60).all()
    assert (out[:, 1::2] >= 0).all() and (out[:, 1::2] <= 100).all()
    assert (out[:, 2:] >= out[:, :2]).all()


def test_box_jitter_noop_cases_and_registry():
    empty = np.zeros((0, 4), np.float32)
    assert GTBoxJitter()(dict(gt_bboxes=empty,
                              img_shape=(8, 8)))['gt_bboxes'].shape == (0, 4)
    boxes = np.array([[1, 2, 3, 4]], np.float32)
    out = GTBoxJitter(ratio=0)(dict(gt_bboxes=boxes, img_shape=(8, 8)))
    np.testing.assert_array_equal(out['gt_bboxes'], boxes)
    with DefaultScope.overwrite_default_scope('mmaction'):
        t = TRANSFORMS.build(dict(type='GTBoxJitter', ratio=0.2))
    assert repr(t) == 'GTBoxJitter(ratio=0.2)'
