# Copyright (c) mmvb contributors. All rights reserved.
"""Box terms shared by the set-prediction heads (BMViT, InstBlink)."""
from typing import Optional, Tuple

from torch import Tensor, nn

from mmvb.ops import box_cxcywh_to_xyxy


def matched_box_losses(
        pred: Tensor,
        target: Tensor,
        loss_bbox: nn.Module,
        loss_iou: nn.Module,
        avg_factor: Tensor,
        box_format: str = 'xyxy',
        l1_scale: Optional[Tensor] = None,
        weight: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
    """L1 and GIoU losses of matched (prediction, target) box pairs.

    The two box terms of DETR-style set prediction (Carion et al., ECCV
    2020, Sec. 3.1): ``loss_bbox`` on the boxes in their own format (divided
    by ``l1_scale`` first when given, e.g. the image size for pixel boxes)
    and ``loss_iou`` on their ``xyxy`` corners, both divided by
    ``avg_factor`` (the number of ground-truth boxes or positives, averaged
    over processes: :func:`mmvb.utils.reduce_mean`). BMViT's Eq. 4 uses
    normalised ``cxcywh`` boxes; InstBlink uses pixel ``xyxy`` boxes with
    the L1 term on image-normalised coordinates.

    Args:
        pred (Tensor): Matched predicted boxes ``[..., 4]``.
        target (Tensor): Their targets ``[..., 4]``.
        loss_bbox (nn.Module): L1 loss (e.g. :class:`~mmvb.models.L1Loss`).
        loss_iou (nn.Module): GIoU loss (e.g.
            :class:`~mmvb.models.GIoULoss`), taking ``xyxy`` boxes.
        avg_factor (Tensor): Normaliser of both sums.
        box_format (str): ``'xyxy'`` or ``'cxcywh'``. Defaults to ``'xyxy'``.
        l1_scale (Tensor, optional): Divisor of the boxes in the L1 term,
            broadcastable to ``[..., 4]``. Defaults to None.
        weight (Tensor, optional): Per-pair weights ``[...]`` (e.g. a 0/1
            mask, so that all pairs of a padded batch can be passed without
            selecting the matched ones, which would make the host wait for
            the device). Defaults to None (all 1).

    Returns:
        tuple[Tensor, Tensor]: The L1 and GIoU losses.
    """
    assert box_format in ('xyxy', 'cxcywh'), \
        f'box_format must be xyxy or cxcywh, got {box_format}'
    l1_weight = None if weight is None else weight[..., None]
    if l1_scale is None:
        l1 = loss_bbox(pred, target, weight=l1_weight, avg_factor=avg_factor)
    else:
        l1 = loss_bbox(
            pred / l1_scale,
            target / l1_scale,
            weight=l1_weight,
            avg_factor=avg_factor)
    if box_format == 'cxcywh':
        pred, target = box_cxcywh_to_xyxy(pred), box_cxcywh_to_xyxy(target)
    return l1, loss_iou(pred, target, weight=weight, avg_factor=avg_factor)
