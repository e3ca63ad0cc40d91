# Copyright (c) mmvb contributors. All rights reserved.
from typing import Optional

from mmaction.registry import MODELS
from mmpretrain.models.losses.utils import weight_reduce_loss
from torch import Tensor, nn

from mmvb.ops import aligned_generalized_box_iou


@MODELS.register_module()
class GIoULoss(nn.Module):
    """Generalized IoU loss ``1 - GIoU`` of corresponding boxes.

    Rezatofighi et al., CVPR 2019 (mmdet's ``GIoULoss`` interface): per
    pair of ``xyxy`` boxes ``1 - GIoU(pred, target)``, reduced like
    :class:`L1Loss`. GIoU is invariant to scaling the x and y axes, so
    normalised and pixel boxes give the same loss (up to ``eps``).

    Args:
        eps (float): Added to the union and the enclosing area.
            Defaults to 0.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``.
            Defaults to ``'mean'``.
        loss_weight (float): Multiplier of the loss. Defaults to 1.
    """

    def __init__(self,
                 eps: float = 0.0,
                 reduction: str = 'mean',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.eps = eps
        self.reduction = reduction
        self.loss_weight = loss_weight

    def forward(self,
                pred: Tensor,
                target: Tensor,
                weight: Optional[Tensor] = None,
                avg_factor: Optional[float] = None) -> Tensor:
        """GIoU loss.

        Args:
            pred (Tensor): Predicted ``xyxy`` boxes ``[..., 4]``.
            target (Tensor): Target ``xyxy`` boxes of the same shape.
            weight (Tensor, optional): Per-box weights ``[...]``.
            avg_factor (float | Tensor, optional): Divisor of the sum.

        Returns:
            Tensor: The weighted loss.
        """
        loss = 1 - aligned_generalized_box_iou(pred, target, eps=self.eps)
        return self.loss_weight * weight_reduce_loss(
            loss, weight, self.reduction, avg_factor)
