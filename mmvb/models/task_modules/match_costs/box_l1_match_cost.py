# Copyright (c) mmvb contributors. All rights reserved.
from mmaction.registry import TASK_UTILS
from torch import Tensor

from .base_match_cost import BaseMatchCost


@TASK_UTILS.register_module()
class BoxL1MatchCost(BaseMatchCost):
    """L1 distance between boxes, ``sum_i |b_i - b'_i|``.

    DETR's ``cost_bbox`` (Carion et al., ECCV 2020, Sec. 3.1), the
    ``||b - b'||_1`` term of BMViT's Eq. 3 (normalised ``cxcywh``) and
    InstBlink's ``5 * L1`` matching term (normalised ``xyxy``,
    ``TeViTHungarianAssigner`` of wenzhengzeng/MPEblink@ee9a44f). The cost
    is taken in whatever format the boxes are given; the caller converts
    both sides to the same format.

    Args:
        weight (float): Cost weight. Defaults to 1.
        pred_key (str): Prediction key. Defaults to ``'boxes'``.
        target_key (str): Target key. Defaults to ``'boxes'``.
    """

    def __init__(self,
                 weight: float = 1.0,
                 pred_key: str = 'boxes',
                 target_key: str = 'boxes') -> None:
        super().__init__(weight, pred_key, target_key)

    def compute(self, pred: Tensor, target: Tensor) -> Tensor:
        """Pairwise L1.

        Args:
            pred (Tensor): Boxes ``[B, Q, *E, 4]``.
            target (Tensor): Boxes ``[B, G, *E, 4]``.

        Returns:
            Tensor: ``[B, Q, G, *E]``.
        """
        return (pred.unsqueeze(2) - target.unsqueeze(1)).abs().sum(-1)
