# Copyright (c) mmvb contributors. All rights reserved.
import math

import pytest
import torch

from mmvb.models import BinaryFocalLoss, sigmoid_focal_loss


def test_focal_loss_hand_values():
    # p = sigmoid(0) = 0.5: positive 0.25 * 0.25 * log 2, negative
    # 0.75 * 0.25 * log 2
    pred = torch.zeros(2)
    target = torch.tensor([1.0, 0.0])
    loss = sigmoid_focal_loss(pred, target)
    assert loss.item() == pytest.approx((0.25 + 0.75) * 0.25 * math.log(2))
    module = BinaryFocalLoss(loss_weight=2.0)
    assert module(
        pred, target,
        avg_factor=4).item() == pytest.approx(2 * loss.item() / 4)


def test_focal_loss_confident_is_small():
    good = sigmoid_focal_loss(torch.tensor([8.0, -8.0]), torch.tensor([1, 0]))
    bad = sigmoid_focal_loss(torch.tensor([-8.0, 8.0]), torch.tensor([1, 0]))
    assert good < 1e-6 < bad
