# Copyright (c) mmvb contributors. All rights reserved.
"""The cosine loss shared by DualScope's SBCD heads (CRCD Eq. 1, IRDD Eq. 2):
mmpretrain's ``CosineSimilarityLoss`` with ``shift_factor=1`` (``1 - cos``),
averaged over valid items; invalid regions (no usable keypoints) are masked
out."""
import torch.nn as nn
from torch import Tensor

COSINE_LOSS = dict(
    type='mmpretrain.CosineSimilarityLoss', shift_factor=1.0, scale_factor=1.0)


def masked_cosine_loss(loss_module: nn.Module, pred: Tensor, target: Tensor,
                       mask: Tensor) -> Tensor:
    """``loss_module(pred, target, mask)``, or a zero that keeps the graph
    when nothing is valid."""
    if not bool(mask.any()):
        return (pred.sum() + target.sum()) * 0.0
    return loss_module(pred, target, mask.to(pred.dtype))
