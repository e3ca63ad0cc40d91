# Copyright (c) mmvb contributors. All rights reserved.
import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import DefaultScope

from mmvb.models.heads import CRCDHead, IRDDHead
from mmvb.ops import boxes_to_rois, crop_regions, roi_align_pytorch


@pytest.fixture(autouse=True)
def _mmaction_scope():
    with DefaultScope.overwrite_default_scope('mmaction'):
        yield


def _crcd(d=8, c=6):
    torch.manual_seed(0)
    return CRCDHead(
        embed_dims=d, region_dims=c, region_num_heads=2, num_heads=2)


def test_crcd_loss_is_eq1_on_flattened_dense_maps():
    head = _crcd()
    b, hw = 3, 4
    tokens = torch.randn(b, 1 + hw, 8)
    regions = torch.randn(b, 3, 6)
    valid = torch.ones(b, 3, dtype=torch.bool)
    f_hat = head(tokens, regions, valid)
    assert f_hat.shape == tokens.shape
    f, g = tokens[:, 1:].flatten(1), f_hat[:, 1:].flatten(1)
    expected = (1 - (f * g).sum(1) / (f.norm(dim=1) * g.norm(dim=1))).mean()
    loss = head.loss(tokens, regions, valid)['loss_crcd']
    torch.testing.assert_close(loss, expected)
    # The [CLS] token is discarded from both maps (and, being a query of
    # its own, does not affect the other tokens' cross-attention).
    t2 = tokens.clone()
    t2[:, 0] += 5
    torch.testing.assert_close(
        head.loss(t2, regions, valid)['loss_crcd'], loss)


def test_crcd_masks_invalid_regions_and_images():
    head = _crcd()
    tokens = torch.randn(2, 5, 8)
    regions = torch.randn(2, 3, 6)
    valid = torch.tensor([[True, True, False], [False, False, False]])
    out = head(tokens, regions, valid)
    # An invalid region's token has no influence on valid images.
    r2 = regions.clone()
    r2[0, 2] = 100.0
    torch.testing.assert_close(head(tokens, r2, valid)[0], out[0])
    # An image without valid regions is left out of the loss (no NaN).
    loss = head.loss(tokens, regions, valid)['loss_crcd']
    f, g = tokens[0, 1:].flatten(), out[0, 1:].flatten()
    torch.testing.assert_close(loss, 1 - F.cosine_similarity(f, g, dim=0))
    none = torch.zeros(2, 3, dtype=torch.bool)
    loss = head.loss(tokens.requires_grad_(), regions, none)['loss_crcd']
    assert loss.item() == 0 and loss.requires_grad


def test_krce_is_self_attention_then_linear_to_d():
    head = _crcd()
    regions = torch.randn(2, 3, 6)
    valid = torch.ones(2, 3, dtype=torch.bool)
    p = head.encode_regions(regions, valid)
    assert p.shape == (2, 3, 8)
    # Permuting the regions permutes p (self-attention is equivariant).
    perm = torch.tensor([2, 0, 1])
    torch.testing.assert_close(
        head.encode_regions(regions[:, perm], valid), p[:, perm])


def test_irdd_loss_is_eq2_by_hand():
    head = IRDDHead()
    # A 2-channel 4x4 map whose value is (1, 0) on the left half and
    # (0, 1) on the right half; feature stride 2 (8 px input).
    dense = torch.zeros(1, 2, 4, 4)
    dense[0, 0, :, :2] = 1.0
    dense[0, 1, :, 2:] = 1.0
    boxes = torch.tensor([[[0.0, 0.0, 4.0, 8.0], [4.0, 0.0, 8.0, 8.0],
                           [0.0, 0.0, 8.0, 8.0]]])
    x = head(dense, boxes, spatial_scale=0.5)
    torch.testing.assert_close(
        x, torch.tensor([[[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]]))
    targets = torch.tensor([[[1.0, 0.0], [1.0, 0.0], [1.0, 1.0]]])
    valid = torch.ones(1, 3, dtype=torch.bool)
    # 1 - cos: 0 (same), 1 (orthogonal), 0 (parallel) -> mean 1/3.
    loss = head.loss(dense, boxes, targets, valid, 0.5)['loss_irdd']
    torch.testing.assert_close(loss, torch.tensor(1 / 3))
    # Invalid regions are left out: only the orthogonal one counts.
    valid = torch.tensor([[False, True, False]])
    loss = head.loss(dense, boxes, targets, valid, 0.5)['loss_irdd']
    torch.testing.assert_close(loss, torch.tensor(1.0))


def test_crop_regions_matches_roi_align_and_is_batched():
    torch.manual_seed(0)
    images = torch.randn(2, 3, 40, 50, dtype=torch.float64)
    boxes = torch.tensor(
        [[[3.2, 4.1, 20.5, 30.2], [0, 0, 50, 40], [10, 10, 11, 12]],
         [[5, 5, 45, 35], [0.3, 2, 8, 9], [30, 1, 49.5, 39.9]]],
        dtype=torch.float64)
    crops = crop_regions(images, boxes, (7, 9))
    assert crops.shape == (6, 3, 7, 9)
    ref = roi_align_pytorch(images, boxes_to_rois(boxes), (7, 9), 1.0, 1, True)
    torch.testing.assert_close(crops, ref, rtol=1e-10, atol=1e-10)
    # Image-major order: crop 4 is box 1 of image 1.
    single = crop_regions(images[1:], boxes[1:, 1:2], (7, 9))
    torch.testing.assert_close(crops[4:5], single)
