# Copyright (c) mmvb contributors. All rights reserved.
"""The two distillation heads of DualScope's Synergistic Behaviour-Centric
Distillation (SBCD, Qiu, Li et al., Spatial Scope).

* :class:`CRCDHead` (Cross-Region Contextual Distillation): SAM
  position-aware tokens of the head / left-hand / right-hand boxes go
  through the Key Region Contextual Encoder (self-attention over the
  regions, then a linear map to the ViT width ``D``); a cross-attention
  with the ViT tokens as queries and the region tokens as keys and values
  gives the context-enhanced tokens; Eq. 1 is the cosine loss between the
  two ``16 x 16 x D`` dense maps (the [CLS] token discarded).
* :class:`IRDDHead` (Intra-Region Discriminative Distillation): RoIAlign of
  the dense map at the three boxes against the frozen teacher's [CLS]
  token of each cropped region, cosine loss (Eq. 2).

Both losses are mmpretrain's ``CosineSimilarityLoss`` with
``shift_factor=1`` (``1 - cos``), averaged over images (Eq. 1) or over
valid regions (Eq. 2). A region can be marked invalid (no usable
keypoints); it is masked out of attention and losses.
"""
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor

from mmvb.ops import roi_align

_COSINE_LOSS = dict(
    type='mmpretrain.CosineSimilarityLoss', shift_factor=1.0,
    scale_factor=1.0)


def _masked_cosine_loss(loss_module: nn.Module, pred: Tensor, target: Tensor,
                        mask: Tensor) -> Tensor:
    """``loss_module(pred, target, mask)``, or a zero that keeps the graph
    when nothing is valid."""
    if not bool(mask.any()):
        return (pred.sum() + target.sum()) * 0.0
    return loss_module(pred, target, mask.to(pred.dtype))


@MODELS.register_module()
class CRCDHead(BaseModule):
    """Cross-Region Contextual Distillation head (Eq. 1).

    Args:
        embed_dims (int): ViT width ``D``. Defaults to 1024 (ViT-L/14).
        region_dims (int): SAM token width. Defaults to 256.
        region_num_heads (int): Heads of the region self-attention.
            Defaults to 8.
        num_heads (int): Heads of the cross-attention. Defaults to 16.
        loss (dict): Loss config. Defaults to ``1 - cos``.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 embed_dims: int = 1024,
                 region_dims: int = 256,
                 region_num_heads: int = 8,
                 num_heads: int = 16,
                 loss: dict = _COSINE_LOSS,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        # Key Region Contextual Encoder: pre-norm self-attention (with a
        # residual) over the regions, then a linear map to D.
        self.region_norm = nn.LayerNorm(region_dims)
        self.region_attn = nn.MultiheadAttention(
            region_dims, region_num_heads, batch_first=True)
        self.region_proj = nn.Linear(region_dims, embed_dims)
        self.cross_attn = nn.MultiheadAttention(
            embed_dims, num_heads, batch_first=True)
        self.loss_module = MODELS.build(loss)

    @staticmethod
    def _padding_mask(valid: Tensor) -> Tensor:
        """Key padding mask; images without any valid region attend to all
        (their loss is masked out instead, which avoids NaNs)."""
        pad = ~valid
        pad[~valid.any(dim=1)] = False
        return pad

    def encode_regions(self, region_tokens: Tensor,
                       valid: Tensor) -> Tensor:
        """Key Region Contextual Encoder: ``[B, R, C_sam]`` SAM tokens ->
        position-aware tokens ``p`` ``[B, R, D]``."""
        h = self.region_norm(region_tokens)
        ctx, _ = self.region_attn(
            h, h, h, key_padding_mask=self._padding_mask(valid),
            need_weights=False)
        return self.region_proj(region_tokens + ctx)

    def forward(self, tokens: Tensor, region_tokens: Tensor,
                valid: Tensor) -> Tensor:
        """Context-enhanced tokens ``v_hat`` ``[B, N, D]`` for ViT tokens
        ``v`` ``[B, N, D]`` (queries) and region tokens (keys, values)."""
        p = self.encode_regions(region_tokens, valid)
        out, _ = self.cross_attn(
            tokens, p, p, key_padding_mask=self._padding_mask(valid),
            need_weights=False)
        return out

    def loss(self,
             tokens: Tensor,
             region_tokens: Tensor,
             valid: Tensor,
             num_extra_tokens: int = 1) -> Dict[str, Tensor]:
        """Eq. 1: mean over images of ``1 - cos(f, f_hat)`` between the
        flattened dense maps (the ``num_extra_tokens`` [CLS] tokens
        discarded); images without a valid region are left out.

        Args:
            tokens (Tensor): ViT tokens ``[B, E + H*W, D]``.
            region_tokens (Tensor): SAM tokens ``[B, R, C_sam]``.
            valid (Tensor): ``[B, R]`` bool.
            num_extra_tokens (int): Leading non-patch tokens. Defaults to 1.

        Returns:
            dict: ``loss_crcd``.
        """
        valid = valid.bool()
        enhanced = self(tokens, region_tokens.to(tokens.dtype), valid)
        f = tokens[:, num_extra_tokens:].flatten(1)
        f_hat = enhanced[:, num_extra_tokens:].flatten(1)
        return dict(
            loss_crcd=_masked_cosine_loss(self.loss_module, f, f_hat,
                                          valid.any(dim=1)))


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
                 loss: dict = _COSINE_LOSS,
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
            loss_irdd=_masked_cosine_loss(
                self.loss_module, x.reshape(-1, d),
                targets.reshape(-1, d).to(x.dtype),
                valid.reshape(-1).bool()))


def boxes_to_rois(boxes: Tensor) -> Tensor:
    """``[B, R, 4]`` boxes -> ``[B * R, 5]`` RoIs (batch index first)."""
    b, r = boxes.shape[:2]
    idx = torch.arange(b, device=boxes.device, dtype=boxes.dtype)
    return torch.cat([idx.repeat_interleave(r)[:, None],
                      boxes.reshape(-1, 4)], dim=1)


def crop_regions(images: Tensor, boxes: Tensor,
                 size: Tuple[int, int]) -> Tensor:
    """Crop every box and resize it to ``size`` with one batched bilinear
    ``grid_sample``.

    Output pixel ``(i, j)`` of a box ``(x1, y1, x2, y2)`` samples the image
    at ``x = x1 + (j + 0.5) (x2 - x1) / w`` (continuous coordinates, pixel
    ``k`` spanning ``[k, k + 1]``), the same points as an aligned RoIAlign
    with one sample per bin (``mmvb.ops.roi_align(..., sampling_ratio=1,
    aligned=True)``) but much faster for image-sized outputs; samples past
    the border take the border value.

    Args:
        images (Tensor): ``[B, C, H, W]``.
        boxes (Tensor): ``[B, R, 4]`` in pixels.
        size (tuple[int, int]): Output ``(h, w)``.

    Returns:
        Tensor: ``[B * R, C, h, w]`` crops, image-major.
    """
    b, c, height, width = images.shape
    r = boxes.size(1)
    x1, y1, x2, y2 = boxes.reshape(-1, 4).to(images.dtype).unbind(-1)
    theta = images.new_zeros(b * r, 2, 3)
    theta[:, 0, 0] = (x2 - x1) / width
    theta[:, 0, 2] = (x1 + x2) / width - 1
    theta[:, 1, 1] = (y2 - y1) / height
    theta[:, 1, 2] = (y1 + y2) / height - 1
    grid = F.affine_grid(theta, [b * r, c, *size], align_corners=False)
    source = images.repeat_interleave(r, dim=0)
    return F.grid_sample(
        source, grid, mode='bilinear', padding_mode='border',
        align_corners=False)
