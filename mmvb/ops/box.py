# Copyright (c) mmvb contributors. All rights reserved.
"""Box and tube geometry shared by the localizer and InstBlink.

Boxes are ``(x1, y1, x2, y2)`` unless a name says ``cxcywh``. Every function
accepts any number of leading batch dimensions. Areas use continuous
coordinates (no ``+1``), as torchvision, DETR and the MPEblink evaluator do.

``box_iou`` and ``generalized_box_iou`` keep torchvision's names and
signatures (pairwise ``[N, 4] x [M, 4] -> [N, M]``) so this module can stand
in for ``torchvision.ops.boxes`` where torchvision is absent.
"""
import math
from typing import Optional, Sequence, Tuple

import torch
from torch import Tensor


def box_cxcywh_to_xyxy(boxes: Tensor) -> Tensor:
    """Convert ``(cx, cy, w, h)`` boxes to ``(x1, y1, x2, y2)``.

    Args:
        boxes (Tensor): Boxes of shape ``[..., 4]``.

    Returns:
        Tensor: Boxes of shape ``[..., 4]``.
    """
    cx, cy, w, h = boxes.unbind(-1)
    return torch.stack(
        (cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h), dim=-1)


def box_xyxy_to_cxcywh(boxes: Tensor) -> Tensor:
    """Convert ``(x1, y1, x2, y2)`` boxes to ``(cx, cy, w, h)``.

    Args:
        boxes (Tensor): Boxes of shape ``[..., 4]``.

    Returns:
        Tensor: Boxes of shape ``[..., 4]``.
    """
    x1, y1, x2, y2 = boxes.unbind(-1)
    return torch.stack(((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1),
                       dim=-1)


def box_area(boxes: Tensor) -> Tensor:
    """Area of ``(x1, y1, x2, y2)`` boxes.

    Args:
        boxes (Tensor): Boxes of shape ``[..., 4]``.

    Returns:
        Tensor: Areas of shape ``[...]``.
    """
    return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])


def _pairwise_inter_union(boxes1: Tensor,
                          boxes2: Tensor) -> Tuple[Tensor, Tensor]:
    area1, area2 = box_area(boxes1), box_area(boxes2)
    lt = torch.maximum(boxes1[..., :, None, :2], boxes2[..., None, :, :2])
    rb = torch.minimum(boxes1[..., :, None, 2:], boxes2[..., None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = area1[..., :, None] + area2[..., None, :] - inter
    return inter, union


def box_iou(boxes1: Tensor, boxes2: Tensor) -> Tensor:
    """Pairwise IoU.

    Args:
        boxes1 (Tensor): Boxes of shape ``[..., N, 4]``.
        boxes2 (Tensor): Boxes of shape ``[..., M, 4]``.

    Returns:
        Tensor: IoU of shape ``[..., N, M]``.
    """
    inter, union = _pairwise_inter_union(boxes1, boxes2)
    return inter / union


def generalized_box_iou(boxes1: Tensor, boxes2: Tensor) -> Tensor:
    """Pairwise generalized IoU (Rezatofighi et al., CVPR 2019).

    ``GIoU = IoU - (|C| - |A u B|) / |C|`` with ``C`` the smallest box
    enclosing both.

    Args:
        boxes1 (Tensor): Boxes of shape ``[..., N, 4]``.
        boxes2 (Tensor): Boxes of shape ``[..., M, 4]``.

    Returns:
        Tensor: GIoU in ``[-1, 1]`` of shape ``[..., N, M]``.
    """
    inter, union = _pairwise_inter_union(boxes1, boxes2)
    lt = torch.minimum(boxes1[..., :, None, :2], boxes2[..., None, :, :2])
    rb = torch.maximum(boxes1[..., :, None, 2:], boxes2[..., None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    enclose = wh[..., 0] * wh[..., 1]
    return inter / union - (enclose - union) / enclose


def aligned_box_iou(boxes1: Tensor,
                    boxes2: Tensor,
                    eps: float = 0.0) -> Tensor:
    """IoU of corresponding boxes.

    Args:
        boxes1 (Tensor): Boxes of shape ``[..., 4]``.
        boxes2 (Tensor): Boxes of the same shape.
        eps (float): Added to the union. Defaults to 0.

    Returns:
        Tensor: IoU of shape ``[...]``.
    """
    lt = torch.maximum(boxes1[..., :2], boxes2[..., :2])
    rb = torch.minimum(boxes1[..., 2:], boxes2[..., 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = box_area(boxes1) + box_area(boxes2) - inter
    return inter / (union + eps)


def aligned_generalized_box_iou(boxes1: Tensor,
                                boxes2: Tensor,
                                eps: float = 0.0) -> Tensor:
    """Generalized IoU of corresponding boxes (for GIoU losses).

    Args:
        boxes1 (Tensor): Boxes of shape ``[..., 4]``.
        boxes2 (Tensor): Boxes of the same shape.
        eps (float): Added to the union and the enclosing area.
            Defaults to 0.

    Returns:
        Tensor: GIoU of shape ``[...]``.
    """
    lt = torch.maximum(boxes1[..., :2], boxes2[..., :2])
    rb = torch.minimum(boxes1[..., 2:], boxes2[..., 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = box_area(boxes1) + box_area(boxes2) - inter + eps
    lt_c = torch.minimum(boxes1[..., :2], boxes2[..., :2])
    rb_c = torch.maximum(boxes1[..., 2:], boxes2[..., 2:])
    wh_c = (rb_c - lt_c).clamp(min=0)
    enclose = wh_c[..., 0] * wh_c[..., 1] + eps
    return inter / union - (enclose - union) / enclose


def tube_iou(tubes1: Tensor,
             tubes2: Tensor,
             valid1: Optional[Tensor] = None,
             valid2: Optional[Tensor] = None) -> Tensor:
    """Pairwise spatio-temporal (3-D) IoU of box tubes.

    ``IoU = sum_t I_t / sum_t U_t``: frames where both tubes have a box add
    their intersection and union; frames where only one has a box add that
    box's area to the union; frames where neither has one add nothing. This
    is the video-instance IoU of YouTube-VIS and of the MPEblink evaluator.

    Args:
        tubes1 (Tensor): Tubes of shape ``[..., N, T, 4]``.
        tubes2 (Tensor): Tubes of shape ``[..., M, T, 4]``.
        valid1 (Tensor, optional): Box presence ``[..., N, T]`` (bool).
            Defaults to all present.
        valid2 (Tensor, optional): Box presence ``[..., M, T]``.
            Defaults to all present.

    Returns:
        Tensor: IoU of shape ``[..., N, M]`` (0 where both tubes are empty).
    """
    if valid1 is None:
        valid1 = tubes1.new_ones(tubes1.shape[:-1], dtype=torch.bool)
    if valid2 is None:
        valid2 = tubes2.new_ones(tubes2.shape[:-1], dtype=torch.bool)
    valid1, valid2 = valid1.bool(), valid2.bool()
    # Boxes of absent frames may hold anything (even NaN): select, never
    # multiply by the mask.
    zero = tubes1.new_zeros(())
    # [..., T, N, 4] x [..., T, M, 4] -> [..., T, N, M]
    inter, _ = _pairwise_inter_union(
        tubes1.transpose(-2, -3), tubes2.transpose(-2, -3))
    both = (
        valid1.transpose(-1, -2)[..., :, None]
        & valid2.transpose(-1, -2)[..., None, :])
    inter = torch.where(both, inter, zero).sum(-3)
    area1 = torch.where(valid1, box_area(tubes1), zero).sum(-1)
    area2 = torch.where(valid2, box_area(tubes2), zero).sum(-1)
    union = area1[..., :, None] + area2[..., None, :] - inter
    return torch.where(union > 0, inter / union.clamp(min=1e-12),
                       torch.zeros_like(union))


def box_xywh_to_xyxy(boxes: Tensor) -> Tensor:
    """Convert ``(x, y, w, h)`` (top-left corner and size) to ``xyxy``.

    Args:
        boxes (Tensor): Boxes of shape ``[..., 4]``.

    Returns:
        Tensor: Boxes of shape ``[..., 4]``.
    """
    x, y, w, h = boxes.unbind(-1)
    return torch.stack((x, y, x + w, y + h), dim=-1)


def box_xyxy_to_xywh(boxes: Tensor) -> Tensor:
    """Convert ``xyxy`` boxes to ``(x, y, w, h)`` (COCO / MPEblink JSON).

    Args:
        boxes (Tensor): Boxes of shape ``[..., 4]``.

    Returns:
        Tensor: Boxes of shape ``[..., 4]``.
    """
    x1, y1, x2, y2 = boxes.unbind(-1)
    return torch.stack((x1, y1, x2 - x1, y2 - y1), dim=-1)


def delta_xywh_decode(boxes: Tensor,
                      deltas: Tensor,
                      means: Sequence[float] = (0., 0., 0., 0.),
                      stds: Sequence[float] = (1., 1., 1., 1.),
                      wh_ratio_clip: float = 16 / 1000) -> Tensor:
    """Apply ``(dx, dy, dw, dh)`` deltas to ``xyxy`` boxes.

    The decoder of R-CNN (Girshick et al., CVPR 2014) with mmdet's
    ``DeltaXYWHBBoxCoder`` conventions (``clip_border=False``, no ``+1``):
    ``d = deltas * stds + means``; ``dw, dh`` are clamped to
    ``|log(wh_ratio_clip)|``; the centre moves by ``(dx * w, dy * h)`` and
    the size becomes ``(w * exp(dw), h * exp(dh))``. Used by InstBlink's
    face head to refine every frame's box of a query tube independently
    (``target_stds=[0.5, 0.5, 1., 1.]`` in ``configs/instblink/
    instblink_r50.py``, wenzhengzeng/MPEblink@ee9a44f).

    Args:
        boxes (Tensor): Boxes ``[..., 4]`` (``x1, y1, x2, y2``).
        deltas (Tensor): Deltas ``[..., 4]``.
        means (Sequence[float]): Delta means. Defaults to 0.
        stds (Sequence[float]): Delta stds. Defaults to 1.
        wh_ratio_clip (float): Largest allowed size change ratio.
            Defaults to 16 / 1000.

    Returns:
        Tensor: Decoded ``xyxy`` boxes ``[..., 4]`` (not clipped).
    """
    # Per-coordinate Python scalars: no tensor made from host data (a
    # blocking copy on a GPU).
    dx, dy, dw, dh = (d * s + m
                      for d, s, m in zip(deltas.unbind(-1), stds, means))
    max_ratio = abs(math.log(wh_ratio_clip))
    dw = dw.clamp(min=-max_ratio, max=max_ratio)
    dh = dh.clamp(min=-max_ratio, max=max_ratio)
    cx, cy, w, h = box_xyxy_to_cxcywh(boxes).unbind(-1)
    return box_cxcywh_to_xyxy(
        torch.stack((cx + dx * w, cy + dy * h, w * dw.exp(), h * dh.exp()),
                    dim=-1))
