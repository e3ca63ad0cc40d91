# Copyright (c) mmvb contributors. All rights reserved.
"""Intra-Region Discriminative Distillation head of DualScope's SBCD
(Spatial Scope): RoIAlign of the dense map at the three boxes against the
frozen teacher's [CLS] token of each cropped region, cosine loss (Eq. 2)
averaged over valid regions.
"""
from typing import Dict, Optional

from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor

from mmvb.ops import boxes_to_rois, roi_align
from .sbcd_loss_utils import COSINE_LOSS, masked_cosine_loss


@MODELS.register_module()
class IRDDHead(BaseModule):
    """Intra-Region Discriminative Distillation head (Eq. 2).

    The regional feature ``x`` is the RoIAlign of the dense map at a box
    (``output_size`` bins averaged; the default 1 bin with adaptive
    sampling averages the box's bilinear samples).

    Args:
        output_size (int | tuple): RoIAlign output size. Defaults to 1.
        sampling_ratio (int): RoIAlign samples per bin (0: adaptive).
            Defaults to 0.
        aligned (bool): Half-pixel aligned RoIAlign. Defaults to True.
        loss (dict): Loss config. Defaults to ``1 - cos``.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 output_size=1,
                 sampling_ratio: int = 0,
                 aligned: bool = True,
                 loss: dict = COSINE_LOSS,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.output_size = output_size
        self.sampling_ratio = sampling_ratio
        self.aligned = aligned
        self.loss_module = MODELS.build(loss)

    def forward(self, dense_map: Tensor, boxes: Tensor,
                spatial_scale: float) -> Tensor:
        """Regional features ``[B, R, D]`` from a dense map ``[B, D, h, w]``
        and boxes ``[B, R, 4]`` (``x1, y1, x2, y2`` in input pixels)."""
        b, r = boxes.shape[:2]
        rois = boxes_to_rois(boxes)
        feats = roi_align(dense_map, rois, self.output_size, spatial_scale,
                          self.sampling_ratio, self.aligned)
        return feats.mean(dim=(2, 3)).reshape(b, r, -1)

    def loss(self, dense_map: Tensor, boxes: Tensor, targets: Tensor,
             valid: Tensor, spatial_scale: float) -> Dict[str, Tensor]:
        """Eq. 2: mean over valid regions of ``1 - cos(x, x_hat)``.

        Args:
            dense_map (Tensor): Student dense map ``[B, D, h, w]``.
            boxes (Tensor): ``[B, R, 4]`` boxes in input pixels.
            targets (Tensor): Teacher [CLS] tokens ``[B, R, D]``.
            valid (Tensor): ``[B, R]`` bool.
            spatial_scale (float): Feature size over input size.

        Returns:
            dict: ``loss_irdd``.
        """
        x = self(dense_map, boxes, spatial_scale)
        d = x.size(-1)
        return dict(
            loss_irdd=masked_cosine_loss(self.loss_module, x.reshape(-1, d),
                                         targets.reshape(-1, d).to(x.dtype),
                                         valid.reshape(-1).bool()))
