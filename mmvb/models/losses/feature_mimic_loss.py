# Copyright (c) mmvb contributors. All rights reserved.
import torch
from mmaction.models.losses import BaseWeightedLoss
from mmaction.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class FeatureMimicLoss(BaseWeightedLoss):
    """Frame-level feature-mimicking loss (W3's MFR, Eq. 9).

    ``L_fm = || y^Q_i - y^P_i ||_2`` for each frame ``i``: the L2 norm of
    the difference between the student's and the teacher's feature maps of
    that frame, averaged over frames (``mode='l2'``, Eq. 9 as written).
    ``mode='mse'`` uses the mean squared difference instead (per element),
    whose scale does not depend on the feature size.

    Args:
        mode (str): ``'l2'`` or ``'mse'``. Defaults to ``'l2'``.
        loss_weight (float): Factor on the loss. Defaults to 1.0.
    """

    def __init__(self, mode: str = 'l2', loss_weight: float = 1.0) -> None:
        super().__init__(loss_weight=loss_weight)
        if mode not in ('l2', 'mse'):
            raise ValueError(f"mode must be 'l2' or 'mse', got {mode!r}")
        self.mode = mode

    def _forward(self, student: Tensor, teacher: Tensor) -> Tensor:
        """Loss between ``[F, ...]`` feature maps (``F`` frames).

        Args:
            student (Tensor): Student features ``[F, C, H, W]``.
            teacher (Tensor): Teacher features, same shape (no gradient is
                taken through it).

        Returns:
            Tensor: Scalar loss.
        """
        if student.shape != teacher.shape:
            raise ValueError(f'student {tuple(student.shape)} and teacher '
                             f'{tuple(teacher.shape)} features differ in '
                             'shape')
        diff = (student - teacher.detach()).flatten(1).float()
        if self.mode == 'mse':
            return diff.pow(2).mean()
        return torch.linalg.vector_norm(diff, dim=1).mean()
