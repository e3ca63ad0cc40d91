# Copyright (c) mmvb contributors. All rights reserved.
import math

import pytest
import torch
from mmaction.registry import TASK_UTILS

from mmvb.models.task_modules import (ActorMatchCost, BoxL1MatchCost,
                                      FocalMatchCost, GIoUMatchCost,
                                      MultiLabelMatchCost)


def test_box_l1_cost_by_hand():
    pred = torch.tensor([[[0.1, 0.2, 0.3, 0.4], [0.5, 0.5, 0.5, 0.5]]])
    gt = torch.tensor([[[0.2, 0.2, 0.1, 0.5]]])
    cost = BoxL1MatchCost(weight=2.0)(dict(boxes=pred), dict(boxes=gt))
    assert cost.shape == (1, 2, 1)
    torch.testing.assert_close(cost, torch.tensor([[[0.8], [2.0]]]))


def test_box_l1_cost_tubes_keep_time_axis():
    pred = torch.zeros(2, 3, 4, 4)  # [B, Q, T, 4]
    gt = torch.ones(2, 5, 4, 4)  # [B, G, T, 4]
    cost = BoxL1MatchCost().compute(pred, gt)
    assert cost.shape == (2, 3, 5, 4)
    assert torch.all(cost == 4)


def test_giou_cost_by_hand():
    pred = torch.tensor([[[0.0, 0.0, 1.0, 1.0]]])
    # Offset by 0.5: IoU = GIoU = 0.5 / 1.5 = 1/3. Disjoint, gap 1:
    # IoU 0, enclosing 3, union 2 -> GIoU = -1/3. Identical: 1.
    gt = torch.tensor([[[0.5, 0.0, 1.5, 1.0], [2.0, 0.0, 3.0, 1.0],
                        [0.0, 0.0, 1.0, 1.0]]])
    cost = GIoUMatchCost().compute(pred, gt)
    torch.testing.assert_close(cost, torch.tensor([[[-1 / 3, 1 / 3, -1.0]]]))
    # The same boxes in cxcywh.
    pred_c = torch.tensor([[[0.5, 0.5, 1.0, 1.0]]])
    gt_c = torch.tensor([[[1.0, 0.5, 1.0, 1.0], [2.5, 0.5, 1.0, 1.0],
                          [0.5, 0.5, 1.0, 1.0]]])
    cost_c = GIoUMatchCost(box_format='cxcywh').compute(pred_c, gt_c)
    torch.testing.assert_close(cost_c, cost)


def test_giou_cost_tube_layout():
    torch.manual_seed(0)
    xy = torch.rand(1, 3, 2, 2)
    pred = torch.cat((xy, xy + torch.rand(1, 3, 2, 2) + 0.1), -1)
    xy = torch.rand(1, 2, 2, 2)
    gt = torch.cat((xy, xy + torch.rand(1, 2, 2, 2) + 0.1), -1)
    cost = GIoUMatchCost().compute(pred, gt)  # [1, 3, 2, T=2]
    assert cost.shape == (1, 3, 2, 2)
    for t in range(2):
        per_frame = GIoUMatchCost().compute(pred[:, :, t], gt[:, :, t])
        torch.testing.assert_close(cost[..., t], per_frame)


def test_focal_cost_by_hand():
    # p = sigmoid(0) = 0.5: pos = 0.25 * 0.25 * ln 2,
    # neg = 0.75 * 0.25 * ln 2 -> cost = -0.125 ln 2.
    # p = sigmoid(+inf-ish) ~ 1: pos ~ 0, neg = 0.75 * -ln(eps) (huge)
    # -> very negative; the column of the gt label is picked.
    logits = torch.tensor([[[0.0, 30.0]]])  # [B=1, Q=1, K=2]
    labels = torch.tensor([[0, 1, 0]])  # [B=1, G=3]
    cost = FocalMatchCost().compute(logits, labels)
    assert cost.shape == (1, 1, 3)
    half = -0.125 * math.log(2)
    torch.testing.assert_close(cost[0, 0, 0], torch.tensor(half))
    torch.testing.assert_close(cost[0, 0, 2], torch.tensor(half))
    assert cost[0, 0, 1] < -10
    # Deformable DETR formula, element by element.
    torch.manual_seed(0)
    logits = torch.randn(2, 4, 3, 5)  # [B, Q, T, K]
    labels = torch.randint(0, 5, (2, 6))
    cost = FocalMatchCost(alpha=0.3, gamma=1.5).compute(logits, labels)
    assert cost.shape == (2, 4, 6, 3)
    p = logits.sigmoid()
    pos = -0.3 * (1 - p)**1.5 * (p + 1e-12).log()
    neg = -0.7 * p**1.5 * (1 - p + 1e-12).log()
    b, q, g, t = 1, 2, 4, 1
    torch.testing.assert_close(cost[b, q, g, t], (pos - neg)[b, q, t,
                                                             labels[b, g]])


def test_actor_cost_modes():
    logits = torch.tensor([[[0.0, math.log(3.0)]]])  # p(actor) = 0.75
    gt = torch.zeros(1, 2, 4)
    log_cost = ActorMatchCost(eps=0.0).compute(logits, gt)
    assert log_cost.shape == (1, 1, 2)
    torch.testing.assert_close(log_cost, torch.full((1, 1, 2),
                                                    -math.log(0.75)))
    prob_cost = ActorMatchCost(mode='prob').compute(logits, gt)
    torch.testing.assert_close(prob_cost, torch.full((1, 1, 2), -0.75))
    sig = ActorMatchCost(
        use_sigmoid=True, eps=0.0).compute(torch.zeros(1, 1, 1), gt)
    torch.testing.assert_close(sig, torch.full((1, 1, 2), math.log(2)))
    # A likelier actor is cheaper.
    two = torch.tensor([[[0.0, 2.0], [0.0, -2.0]]])
    cost = ActorMatchCost().compute(two, gt)
    assert cost[0, 0, 0] < cost[0, 1, 0]


def test_multilabel_cost_modes_by_hand():
    logits = torch.tensor([[[0.0, 0.0, math.log(3.0)]]])  # p = .5 .5 .75
    target = torch.tensor([[[1, 0, 1], [0, 0, 0]]])  # second: no label
    ln2, ln43 = math.log(2), math.log(4 / 3)
    expected = {
        'nll_sum': [ln2 + ln43, 0.0],
        'nll_mean': [(ln2 + ln43) / 2, 0.0],
        'bce_mean': [(ln2 + ln2 + ln43) / 3, (ln2 + ln2 + math.log(4)) / 3],
        'prob_mean': [-(0.5 + 0.75) / 2, 0.0],
    }
    for mode, values in expected.items():
        cost = MultiLabelMatchCost(mode=mode).compute(logits, target)
        assert cost.shape == (1, 1, 2)
        torch.testing.assert_close(cost, torch.tensor([[values]]), msg=mode)


def test_multilabel_cost_matches_elementwise_bce_and_time_axis():
    torch.manual_seed(0)
    logits = torch.randn(2, 3, 4, 6)  # [B, Q, T, C]
    target = (torch.rand(2, 5, 6) > 0.5).float()
    cost = MultiLabelMatchCost(mode='bce_mean').compute(logits, target)
    assert cost.shape == (2, 3, 5, 4)
    ref = torch.nn.functional.binary_cross_entropy_with_logits(
        logits[1, 2, 3], target[1, 4], reduction='mean')
    torch.testing.assert_close(cost[1, 2, 4, 3], ref)


def test_weight_and_registry_build():
    cost = TASK_UTILS.build(
        dict(type='BoxL1MatchCost', weight=3.0, pred_key='p', target_key='t'))
    assert isinstance(cost, BoxL1MatchCost)
    out = cost(dict(p=torch.zeros(1, 1, 4)), dict(t=torch.ones(1, 1, 4)))
    torch.testing.assert_close(out, torch.full((1, 1, 1), 12.0))
    assert 'BoxL1MatchCost(weight=3.0' in repr(cost)
    with pytest.raises(AssertionError):
        MultiLabelMatchCost(mode='nope')
    with pytest.raises(AssertionError):
        GIoUMatchCost(box_format='xywh')
