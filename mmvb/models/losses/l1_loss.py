# Copyright (c) mmvb contributors. All rights reserved.
from typing import Optional

from mmaction.registry import MODELS
from mmpretrain.models.losses.utils import weight_reduce_loss
from torch import Tensor, nn


@MODELS.register_module()
class L1Loss(nn.Module):
    """L1 loss of box coordinates (mmdet's ``L1Loss`` interface).

    ``loss_weight * sum |pred - target| / avg_factor`` with
    ``reduction='mean'`` and an ``avg_factor`` (DETR's normalisation by the
    number of ground-truth boxes); without ``avg_factor`` the plain mean or
    sum.

    Args:
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``.
            Defaults to ``'mean'``.
        loss_weight (float): Multiplier of the loss. Defaults to 1.
    """

    def __init__(self,
                 reduction: str = 'mean',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.reduction = reduction
        self.loss_weight = loss_weight

    def forward(self,
                pred: Tensor,
                target: Tensor,
                weight: Optional[Tensor] = None,
                avg_factor: Optional[float] = None) -> Tensor:
        """L1 loss.

        Args:
            pred (Tensor): Predictions ``[..., 4]``.
            target (Tensor): Targets of the same shape.
            weight (Tensor, optional): Element weights (broadcastable).
            avg_factor (float | Tensor, optional): Divisor of the sum.

        Returns:
            Tensor: The weighted loss.
        """
        loss = (pred - target).abs()
        return self.loss_weight * weight_reduce_loss(
            loss, weight, self.reduction, avg_factor)
