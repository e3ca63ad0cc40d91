# Copyright (c) mmvb contributors. All rights reserved.
from mmaction.registry import TASK_UTILS
from torch import Tensor

from mmvb.ops import box_cxcywh_to_xyxy, generalized_box_iou
from .base_match_cost import BaseMatchCost


@TASK_UTILS.register_module()
class GIoUMatchCost(BaseMatchCost):
    """Negative generalized IoU, ``-GIoU(b, b')``.

    DETR's ``cost_giou``, the GIoU part of BMViT's ``L_box`` in Eq. 3
    (``1 - GIoU``; the constant does not change the assignment) and
    InstBlink's ``-2 * GIoU`` term (``TeViTHungarianAssigner`` of
    wenzhengzeng/MPEblink@ee9a44f). GIoU is
    invariant to scaling the x and y axes, so normalised boxes give the
    same cost as the absolute pixels used by the official InstBlink code.

    Args:
        weight (float): Cost weight. Defaults to 1.
        box_format (str): ``'xyxy'`` or ``'cxcywh'``, the format of both
            prediction and target boxes. Defaults to ``'xyxy'``.
        pred_key (str): Prediction key. Defaults to ``'boxes'``.
        target_key (str): Target key. Defaults to ``'boxes'``.
    """

    def __init__(self,
                 weight: float = 1.0,
                 box_format: str = 'xyxy',
                 pred_key: str = 'boxes',
                 target_key: str = 'boxes') -> None:
        super().__init__(weight, pred_key, target_key)
        assert box_format in ('xyxy', 'cxcywh'), \
            f'box_format must be xyxy or cxcywh, got {box_format}'
        self.box_format = box_format

    def compute(self, pred: Tensor, target: Tensor) -> Tensor:
        """Pairwise negative GIoU.

        Args:
            pred (Tensor): Boxes ``[B, Q, *E, 4]``.
            target (Tensor): Boxes ``[B, G, *E, 4]``.

        Returns:
            Tensor: ``[B, Q, G, *E]`` in ``[-1, 1]``.
        """
        if self.box_format == 'cxcywh':
            pred = box_cxcywh_to_xyxy(pred)
            target = box_cxcywh_to_xyxy(target)
        # [B, *E, Q, 4] x [B, *E, G, 4] -> [B, *E, Q, G] -> [B, Q, G, *E]
        giou = generalized_box_iou(pred.movedim(1, -2), target.movedim(1, -2))
        return -giou.movedim((-2, -1), (1, 2))
