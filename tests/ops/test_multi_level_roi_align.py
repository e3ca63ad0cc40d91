# Copyright (c) mmvb contributors. All rights reserved.
import pytest
import torch

from mmvb.ops import (map_rois_to_levels, multi_level_roi_align,
                      multi_level_roi_table, roi_align_pytorch)
from mmvb.testing import HostSyncCounter

STRIDES = (4, 8, 16, 32)


def _feats(n=3, c=8, h=32, w=48, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [
        torch.randn(n, c, h // 2**i, w // 2**i, generator=g) for i in range(4)
    ]


def _rois(k=300, n=3, size=(192, 128), seed=1):
    """Boxes of every scale (all four levels), some partly outside."""
    g = torch.Generator().manual_seed(seed)
    w, h = size
    centre = torch.rand(k, 2, generator=g) * torch.tensor([w, h])
    side = 2**(torch.rand(k, 1, generator=g) * 8 + 2)  # 4 .. 1024 px
    aspect = torch.rand(k, 1, generator=g) + 0.5
    wh = torch.cat([side * aspect, side / aspect], 1)
    boxes = torch.cat([centre - wh / 2, centre + wh / 2], 1)
    image = torch.randint(0, n, (k, 1), generator=g).float()
    return torch.cat([image, boxes], 1)


def _reference(feats, rois, levels, sampling_ratio=2, aligned=True):
    """roi_align_pytorch on each RoI's level (mmdet SingleRoIExtractor)."""
    out = feats[0].new_zeros((rois.size(0), feats[0].size(1), 7, 7))
    for level, (feat, stride) in enumerate(zip(feats, STRIDES)):
        index = (levels == level).nonzero()[:, 0]
        out[index] = roi_align_pytorch(feat, rois[index], 7, 1.0 / stride,
                                       sampling_ratio, aligned)
    return out


@pytest.mark.parametrize('aligned', [True, False])
@pytest.mark.parametrize('sampling_ratio', [1, 2, 3])
def test_equals_per_level_roi_align_bit_for_bit(aligned, sampling_ratio):
    feats, rois = _feats(), _rois()
    levels = map_rois_to_levels(rois, 4, 16.0)
    assert set(levels.tolist()) == {0, 1, 2, 3}
    table, shapes = multi_level_roi_table(feats)
    assert table.shape == (3 * (16 * 24 + 8 * 12 + 4 * 6 + 2 * 3) * 4, 8)
    out = multi_level_roi_align(table, shapes, rois, levels, STRIDES, 7,
                                sampling_ratio, aligned)
    ref = _reference(feats, rois, levels, sampling_ratio, aligned)
    assert torch.equal(out, ref)


def test_hand_checked_bin():
    # A constant-gradient map: RoIAlign of a linear function is the value
    # at the bin centre. Level 1 (stride 8) of a ramp f(y, x) = x.
    fine = torch.zeros(1, 1, 8, 8)
    coarse = torch.arange(4.).repeat(4, 1)[None, None]  # [1, 1, 4, 4]
    table, shapes = multi_level_roi_table([fine, coarse])
    # box x in [8, 24) px -> feature x in [1 - .5, 3 - .5) = [0.5, 2.5)
    rois = torch.tensor([[0, 8., 8., 24., 24.]])
    out = multi_level_roi_align(table, shapes, rois, torch.tensor([1]), (4, 8),
                                2, 2)
    # bins of width 1 starting at 0.5: centres 1.0 and 2.0
    assert out[0, 0].tolist() == [[1.0, 2.0], [1.0, 2.0]]
    # the same box on level 0 reads the zero map
    out0 = multi_level_roi_align(table, shapes, rois, torch.tensor([0]),
                                 (4, 8), 2, 2)
    assert out0.abs().sum() == 0


def test_gradients_match_and_no_host_sync():
    feats = [f.requires_grad_() for f in _feats()]
    rois = _rois()
    levels = map_rois_to_levels(rois, 4, 16.0)
    with HostSyncCounter() as syncs:
        table, shapes = multi_level_roi_table(feats)
        out = multi_level_roi_align(table, shapes, rois, levels, STRIDES, 7, 2)
        (out * out.detach()).sum().backward()
    assert syncs.total == 0, syncs.report()
    grads = [f.grad.clone() for f in feats]
    for f in feats:
        f.grad = None
    ref = _reference(feats, rois, levels)
    (ref * ref.detach()).sum().backward()
    for g, f in zip(grads, feats):
        torch.testing.assert_close(g, f.grad, rtol=1e-5, atol=1e-6)


def test_bf16_table_and_edge_cases():
    feats, rois = _feats(), _rois()
    levels = map_rois_to_levels(rois, 4, 16.0)
    table, shapes = multi_level_roi_table([f.bfloat16() for f in feats])
    out = multi_level_roi_align(table, shapes, rois, levels, STRIDES, 7, 2)
    assert out.dtype == torch.bfloat16
    ref = _reference(feats, rois, levels)
    torch.testing.assert_close(out.float(), ref, rtol=0.05, atol=0.05)
    empty = multi_level_roi_align(table, shapes, rois[:0], levels[:0], STRIDES,
                                  7, 2)
    assert empty.shape == (0, 8, 7, 7)
    with pytest.raises(AssertionError, match='sampling_ratio > 0'):
        multi_level_roi_align(table, shapes, rois, levels, STRIDES, 7, 0)
    with pytest.raises(AssertionError, match='4 levels but 2 strides'):
        multi_level_roi_align(table, shapes, rois, levels, (4, 8), 7, 2)
