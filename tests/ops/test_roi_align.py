# Copyright (c) mmvb contributors. All rights reserved.
import math

import pytest
import torch

from mmvb.ops import (map_rois_to_levels, roi_align, roi_align_backend,
                      roi_align_pytorch)


def _bilinear_ref(fmap, y, x):
    """torchvision's ``bilinear_interpolate`` for one channel map."""
    h, w = fmap.shape
    if y < -1.0 or y > h or x < -1.0 or x > w:
        return 0.0
    y, x = max(y, 0.0), max(x, 0.0)
    y_low, x_low = int(y), int(x)
    if y_low >= h - 1:
        y_high = y_low = h - 1
        y = float(y_low)
    else:
        y_high = y_low + 1
    if x_low >= w - 1:
        x_high = x_low = w - 1
        x = float(x_low)
    else:
        x_high = x_low + 1
    ly, lx = y - y_low, x - x_low
    hy, hx = 1.0 - ly, 1.0 - lx
    return (hy * hx * fmap[y_low, x_low] + hy * lx * fmap[y_low, x_high] +
            ly * hx * fmap[y_high, x_low] + ly * lx * fmap[y_high, x_high])


def _roi_align_ref(feat, rois, out_size, scale, ratio, aligned):
    """Loop-by-loop transcription of the torchvision CPU kernel."""
    oh, ow = out_size
    out = torch.zeros(
        rois.shape[0], feat.shape[1], oh, ow, dtype=torch.float64)
    offset = 0.5 if aligned else 0.0
    for k, roi in enumerate(rois.tolist()):
        b = int(roi[0])
        sw, sh = roi[1] * scale - offset, roi[2] * scale - offset
        ew, eh = roi[3] * scale - offset, roi[4] * scale - offset
        rw, rh = ew - sw, eh - sh
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / oh, rw / ow
        gh = ratio if ratio > 0 else math.ceil(rh / oh)
        gw = ratio if ratio > 0 else math.ceil(rw / ow)
        count = max(gh * gw, 1)
        for c in range(feat.shape[1]):
            fmap = feat[b, c].double()
            for ph in range(oh):
                for pw in range(ow):
                    acc = 0.0
                    for iy in range(gh):
                        y = sh + ph * bh + (iy + 0.5) * bh / gh
                        for ix in range(gw):
                            x = sw + pw * bw + (ix + 0.5) * bw / gw
                            acc += float(_bilinear_ref(fmap, y, x))
                    out[k, c, ph, pw] = acc / count
    return out


def _rois():
    return torch.tensor(
        [
            [0, 1.0, 1.0, 6.0, 5.0],  # inside
            [1, 0.0, 0.0, 7.9, 6.9],  # whole map of batch 1
            [0, -3.0, -2.0, 2.5, 3.0],  # partly outside, top-left
            [1, 5.0, 4.0, 12.0, 11.0],  # partly outside, bottom-right
            [0, 3.2, 2.1, 3.4, 2.3],  # tiny (< 1 pixel)
            [1, 9.0, 9.0, 14.0, 12.0],  # completely outside
            [0, 2.0, 3.0, 2.0, 3.0],  # zero size
            [1, 0.5, 0.3, 18.0, 3.0],  # long and thin (large grid)
        ],
        dtype=torch.float64)


@pytest.mark.parametrize('aligned', [True, False])
@pytest.mark.parametrize('ratio', [0, 2])
@pytest.mark.parametrize('scale', [1.0, 0.5])
def test_roi_align_pytorch_matches_loop_reference(aligned, ratio, scale):
    torch.manual_seed(0)
    feat = torch.randn(2, 3, 7, 8, dtype=torch.float64)
    rois = _rois()
    rois[:, 1:] = rois[:, 1:] / scale
    out = roi_align_pytorch(feat, rois, (3, 2), scale, ratio, aligned)
    ref = _roi_align_ref(feat, rois, (3, 2), scale, ratio, aligned)
    assert out.shape == (8, 3, 3, 2)
    assert out.dtype == torch.float64
    torch.testing.assert_close(out, ref, rtol=1e-10, atol=1e-10)
    # The fully outside RoI gives zeros (all samples beyond x > W + 1).
    assert out[5].abs().max() == 0


def test_roi_align_negative_size_aligned_gives_zero():
    feat = torch.randn(1, 2, 5, 5, dtype=torch.float64)
    rois = torch.tensor([[0, 3.0, 3.0, 1.0, 1.0]], dtype=torch.float64)
    out = roi_align_pytorch(feat, rois, 2, aligned=True)
    assert torch.equal(out, torch.zeros(1, 2, 2, 2, dtype=torch.float64))
    ref = _roi_align_ref(feat, rois, (2, 2), 1.0, 0, True)
    torch.testing.assert_close(out, ref)


def test_roi_align_constant_and_ramp_by_hand():
    # Constant map: every in-range bin equals the constant.
    feat = torch.full((1, 1, 6, 6), 3.0)
    rois = torch.tensor([[0, 1.0, 1.0, 5.0, 5.0]])
    out = roi_align_pytorch(feat, rois, 2, sampling_ratio=2)
    torch.testing.assert_close(out, torch.full((1, 1, 2, 2), 3.0))
    # Ramp f(y, x) = x: bilinear sampling is exact, so each bin is the
    # mean x of its sample points. aligned=True, RoI x in [1, 5] ->
    # feature x in [0.5, 4.5]; bins [0.5, 2.5] and [2.5, 4.5] have
    # sample x = {1, 2} and {3, 4} -> means 1.5 and 3.5.
    ramp = torch.arange(6.0).expand(1, 1, 6, 6).contiguous()
    out = roi_align_pytorch(ramp, rois, 2, sampling_ratio=2, aligned=True)
    expected = torch.tensor([[[[1.5, 3.5], [1.5, 3.5]]]])
    torch.testing.assert_close(out, expected)
    # aligned=False: no half-pixel shift, x in [1, 5] -> samples
    # {1.5, 2.5} and {3.5, 4.5} -> 2.0 and 4.0.
    out = roi_align_pytorch(ramp, rois, 2, sampling_ratio=2, aligned=False)
    expected = torch.tensor([[[[2.0, 4.0], [2.0, 4.0]]]])
    torch.testing.assert_close(out, expected)
    # spatial_scale 0.5: image x in [2, 10] -> the same feature region.
    out = roi_align_pytorch(
        ramp,
        rois * torch.tensor([1, 2, 2, 2, 2]),
        2,
        spatial_scale=0.5,
        sampling_ratio=2,
        aligned=False)
    torch.testing.assert_close(out, expected)


def test_roi_align_adaptive_grid_is_per_roi():
    # Two RoIs with different adaptive sample counts in one call give the
    # same result as separate calls (masking of surplus samples).
    torch.manual_seed(1)
    feat = torch.randn(1, 4, 16, 16, dtype=torch.float64)
    rois = torch.tensor([[0, 1.0, 1.0, 3.0, 3.0], [0, 0.0, 0.0, 15.0, 15.0]],
                        dtype=torch.float64)
    joint = roi_align_pytorch(feat, rois, 2)
    single = torch.cat([roi_align_pytorch(feat, r[None], 2) for r in rois])
    torch.testing.assert_close(joint, single, rtol=0, atol=1e-12)


def test_roi_align_gradcheck():
    torch.manual_seed(2)
    feat = torch.randn(2, 2, 5, 6, dtype=torch.float64, requires_grad=True)
    rois = torch.tensor([[0, 0.3, 0.7, 4.1, 3.9], [1, -1.0, 1.2, 3.3, 6.0],
                         [1, 2.2, 2.4, 2.6, 2.9]],
                        dtype=torch.float64)
    assert torch.autograd.gradcheck(
        lambda f: roi_align_pytorch(f, rois, (2, 3), 1.0, 0, True), (feat, ))
    assert torch.autograd.gradcheck(
        lambda f: roi_align_pytorch(f, rois, 2, 1.0, 2, False), (feat, ))


def test_roi_align_empty_and_dispatch():
    feat = torch.randn(1, 3, 4, 4)
    out = roi_align(feat, torch.zeros(0, 5), 7)
    assert out.shape == (0, 3, 7, 7)
    assert roi_align_backend() in ('torchvision', 'mmcv', 'pytorch')
    rois = torch.tensor([[0, 0.5, 0.5, 3.0, 3.5]])
    torch.testing.assert_close(
        roi_align(feat, rois, 2, 1.0, 0, True),
        roi_align_pytorch(feat, rois, 2, 1.0, 0, True))
    assert roi_align_pytorch(feat, rois, 2).dtype == torch.float32


def test_roi_align_output_is_on_one_level_of_batched_input():
    # A RoI reads only its own batch element.
    feat = torch.zeros(2, 1, 4, 4)
    feat[1] = 5.0
    rois = torch.tensor([[0, 0.0, 0.0, 4.0, 4.0], [1, 0.0, 0.0, 4.0, 4.0]])
    out = roi_align_pytorch(feat, rois, 1)
    assert out.flatten().tolist() == [0.0, 5.0]


def test_map_rois_to_levels():
    # sqrt(area): 50 -> 0, 111 -> 0, 112 -> 1, 300 -> 2, 448 -> 3,
    # 1000 -> 3 (clamped), 0 -> 0.
    sizes = [50.0, 111.0, 112.0, 300.0, 448.0, 1000.0, 0.0]
    rois = torch.tensor([[0, 10.0, 20.0, 10.0 + s, 20.0 + s] for s in sizes])
    levels = map_rois_to_levels(rois, num_levels=4)
    assert levels.tolist() == [0, 0, 1, 2, 3, 3, 0]
    assert levels.dtype == torch.long
    # [..., 4] boxes and fewer levels.
    assert map_rois_to_levels(rois[:, 1:], 2).tolist() == [0, 0, 1, 1, 1, 1, 0]
    # Non-square: 56 x 224 has sqrt area 112 -> level 1.
    assert map_rois_to_levels(torch.tensor([[0., 0., 56., 224.]]),
                              4).tolist() == [1]
