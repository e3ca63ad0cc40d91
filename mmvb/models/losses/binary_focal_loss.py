# Copyright (c) mmvb contributors. All rights reserved.
from typing import Optional

import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor, nn


def sigmoid_focal_loss(pred: Tensor,
                       target: Tensor,
                       alpha: float = 0.25,
                       gamma: float = 2.0,
                       weight: Optional[Tensor] = None,
                       avg_factor: Optional[float] = None) -> Tensor:
    """Binary sigmoid focal loss (Lin et al., ICCV 2017), summed.

    Per element, with ``p = sigmoid(pred)`` and ``p_t = p`` for positives
    (``target = 1``) and ``1 - p`` for negatives::

        loss = -alpha_t * (1 - p_t) ** gamma * log(p_t)

    (``alpha_t = alpha`` for positives, ``1 - alpha`` for negatives),
    computed from logits with ``binary_cross_entropy_with_logits`` for
    stability; this is mmdet's ``sigmoid_focal_loss`` for one-hot targets.

    Args:
        pred (Tensor): Logits of any shape.
        target (Tensor): Binary targets (0/1, any dtype) of the same shape.
        alpha (float): Positive weight. Defaults to 0.25.
        gamma (float): Focusing exponent. Defaults to 2.
        weight (Tensor, optional): Element weights (broadcastable).
        avg_factor (float, optional): The sum is divided by this (e.g. the
            number of positives). Defaults to None (plain sum).

    Returns:
        Tensor: Scalar loss.
    """
    target = target.to(pred.dtype)
    prob = pred.sigmoid()
    p_t = prob * target + (1 - prob) * (1 - target)
    alpha_t = alpha * target + (1 - alpha) * (1 - target)
    ce = F.binary_cross_entropy_with_logits(pred, target, reduction='none')
    loss = alpha_t * (1 - p_t).pow(gamma) * ce
    if weight is not None:
        loss = loss * weight
    loss = loss.sum()
    if avg_factor is not None:
        loss = loss / avg_factor
    return loss


@MODELS.register_module()
class BinaryFocalLoss(nn.Module):
    """Binary sigmoid focal loss module (see :func:`sigmoid_focal_loss`).

    Args:
        alpha (float): Positive weight. Defaults to 0.25.
        gamma (float): Focusing exponent. Defaults to 2.
        loss_weight (float): Multiplier of the loss. Defaults to 1.
    """

    def __init__(self,
                 alpha: float = 0.25,
                 gamma: float = 2.0,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.alpha = alpha
        self.gamma = gamma
        self.loss_weight = loss_weight

    def forward(self,
                pred: Tensor,
                target: Tensor,
                weight: Optional[Tensor] = None,
                avg_factor: Optional[float] = None) -> Tensor:
        """Weighted focal loss, summed and divided by ``avg_factor``."""
        return self.loss_weight * sigmoid_focal_loss(
            pred, target, self.alpha, self.gamma, weight, avg_factor)
