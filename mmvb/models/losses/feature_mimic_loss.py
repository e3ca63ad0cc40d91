# Copyright (c) mmvb contributors. All rights reserved.
import torch
from mmaction.models.losses import BaseWeightedLoss
from mmaction.registry import MODELS
from torch import Tensor

MODES = ('l2', 'rms', 'mse')


@MODELS.register_module()
class FeatureMimicLoss(BaseWeightedLoss):
    """Frame-level feature-mimicking loss (W3's MFR, Eq. 9).

    For each frame ``i`` with student and teacher feature maps ``y^Q_i``
    and ``y^P_i`` of ``D = C * H * W`` elements, averaged over frames:

    * ``mode='l2'``: ``|| y^Q_i - y^P_i ||_2``, Eq. 9 as written. It grows
      as ``sqrt(D)``: the same per-element difference costs 14x more on a
      ResNet-50 frame feature (``2048 x 7 x 7``) than on a 512-d one.
    * ``mode='rms'``: ``|| y^Q_i - y^P_i ||_2 / sqrt(D)``, the root mean
      square of the difference: Eq. 9 rescaled by a constant of the feature
      size (same minimiser, same gradient direction), so one loss weight
      means the same at every feature size. W3's configs use this with
      ``loss_weight = 0.01 * sqrt(512)`` (``configs/w3/README.md``).
    * ``mode='mse'``: the mean squared difference per element (squared,
      so not Eq. 9's norm).

    Args:
        mode (str): ``'l2'``, ``'rms'`` or ``'mse'``. Defaults to ``'l2'``.
        loss_weight (float): Factor on the loss. Defaults to 1.0.
    """

    def __init__(self, mode: str = 'l2', loss_weight: float = 1.0) -> None:
        super().__init__(loss_weight=loss_weight)
        if mode not in MODES:
            raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
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
        norm = torch.linalg.vector_norm(diff, dim=1).mean()
        if self.mode == 'rms':
            return norm / diff.size(1)**0.5
        return norm
