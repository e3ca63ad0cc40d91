# Copyright (c) mmvb contributors. All rights reserved.
"""Cross-Region Contextual Distillation head of DualScope's Synergistic
Behaviour-Centric Distillation (SBCD, Spatial Scope): SAM position-aware
tokens of the head / left-hand / right-hand boxes go through the Key Region
Contextual Encoder (self-attention over the regions, then a linear map to
the ViT width ``D``); a cross-attention with the ViT tokens as queries and
the region tokens as keys and values gives the context-enhanced tokens;
Eq. 1 is the cosine loss between the two ``16 x 16 x D`` dense maps (the
[CLS] token discarded), averaged over images. Invalid regions are masked
out of attention and loss.
"""
from typing import Dict, Optional

import torch.nn as nn
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor

from .sbcd_loss_utils import COSINE_LOSS, masked_cosine_loss


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
                 loss: dict = COSINE_LOSS,
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

    def encode_regions(self, region_tokens: Tensor, valid: Tensor) -> Tensor:
        """Key Region Contextual Encoder: ``[B, R, C_sam]`` SAM tokens ->
        position-aware tokens ``p`` ``[B, R, D]``."""
        h = self.region_norm(region_tokens)
        ctx, _ = self.region_attn(
            h,
            h,
            h,
            key_padding_mask=self._padding_mask(valid),
            need_weights=False)
        return self.region_proj(region_tokens + ctx)

    def forward(self, tokens: Tensor, region_tokens: Tensor,
                valid: Tensor) -> Tensor:
        """Context-enhanced tokens ``v_hat`` ``[B, N, D]`` for ViT tokens
        ``v`` ``[B, N, D]`` (queries) and region tokens (keys, values)."""
        p = self.encode_regions(region_tokens, valid)
        out, _ = self.cross_attn(
            tokens,
            p,
            p,
            key_padding_mask=self._padding_mask(valid),
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
            loss_crcd=masked_cosine_loss(self.loss_module, f, f_hat,
                                         valid.any(dim=1)))
