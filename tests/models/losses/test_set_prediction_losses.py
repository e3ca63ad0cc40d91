# Copyright (c) mmvb contributors. All rights reserved.
from unittest import mock

import torch

from mmvb.models import GIoULoss, L1Loss, matched_box_losses
from mmvb.ops import aligned_generalized_box_iou, box_cxcywh_to_xyxy
from mmvb.utils import reduce_mean


def test_l1_and_giou_by_hand():
    pred = torch.tensor([[0.0, 0.0, 2.0, 2.0]])
    target = torch.tensor([[1.0, 1.0, 3.0, 3.0]])
    # |diff| = 1 per coordinate: sum 4, mean 1
    assert L1Loss()(pred, target).item() == 1.0
    assert L1Loss(loss_weight=5.0)(pred, target, avg_factor=2).item() == 10.0
    assert L1Loss(reduction='sum')(pred, target).item() == 4.0
    # intersection 1, union 7, enclosing box 9: GIoU = 1/7 - 2/9
    giou = 1 / 7 - 2 / 9
    torch.testing.assert_close(GIoULoss()(pred, target),
                               torch.tensor(1 - giou))
    torch.testing.assert_close(
        GIoULoss(loss_weight=2.0)(
            pred.repeat(2, 1), target.repeat(2, 1), avg_factor=4),
        torch.tensor(1 - giou))


def test_matched_box_losses_equal_the_heads_former_formulas():
    torch.manual_seed(0)
    # InstBlink: pixel xyxy boxes, L1 on image-normalised coordinates,
    # GIoU with eps 1e-6, weights 5 and 2
    xy = torch.rand(7, 2) * 100
    pred = torch.cat((xy, xy + torch.rand(7, 2) * 50 + 1), -1)
    xy = torch.rand(7, 2) * 100
    target = torch.cat((xy, xy + torch.rand(7, 2) * 50 + 1), -1)
    wh = torch.tensor([192.0, 128, 192, 128]).expand(7, 4)
    num_pos = torch.tensor(5.0)
    l1, iou = matched_box_losses(
        pred,
        target,
        L1Loss(loss_weight=5.0),
        GIoULoss(eps=1e-6, loss_weight=2.0),
        avg_factor=num_pos,
        l1_scale=wh)
    torch.testing.assert_close(
        l1, 5.0 * ((pred - target) / wh).abs().sum() / num_pos)
    giou = aligned_generalized_box_iou(pred, target, eps=1e-6)
    torch.testing.assert_close(iou, 2.0 * (1 - giou).sum() / num_pos)
    # BMViT: normalised cxcywh, L1 on cxcywh, GIoU on the corners
    pred = torch.rand(4, 4) * 0.4 + 0.2
    target = torch.rand(4, 4) * 0.4 + 0.2
    l1, iou = matched_box_losses(
        pred,
        target,
        L1Loss(loss_weight=5.0),
        GIoULoss(loss_weight=2.0),
        avg_factor=torch.tensor(3.0),
        box_format='cxcywh')
    torch.testing.assert_close(l1, 5.0 * (pred - target).abs().sum() / 3)
    giou = aligned_generalized_box_iou(
        box_cxcywh_to_xyxy(pred), box_cxcywh_to_xyxy(target))
    torch.testing.assert_close(iou, 2.0 * (1 - giou).sum() / 3)


def test_reduce_mean_over_processes():
    value = torch.tensor(4.0)
    assert reduce_mean(value) is value  # one process: the value itself

    def fake_all_reduce(tensor, op='sum'):
        assert op == 'mean'
        tensor.add_(2.0).div_(2)  # the other process counted 2

    with mock.patch('mmvb.utils.dist_utils.all_reduce', fake_all_reduce), \
            mock.patch('mmvb.utils.dist_utils.get_world_size', lambda: 2):
        reduced = reduce_mean(value)
    assert reduced.item() == 3.0 and value.item() == 4.0
