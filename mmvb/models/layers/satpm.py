# Copyright (c) mmvb contributors. All rights reserved.
"""Blocks of DualScope's Saliency-Aware Fine-to-Coarse Temporal Modelling.

Qiu, Li et al., "DualScope: Capturing Critical Spatial and Temporal Cues for
Distracted Driving Activity Recognition" (section *Temporal Scope*):

* FGME, the Fine-Grained Motion Encoder: a 1D convolution over time
  (kernel 3, stride 1, padding 1) then a linear map to ``D``;
* DDE, the Dynamic Difference Extractor: central temporal differences of the
  frame features then a linear map to ``D``;
* SATPM, the Saliency-Aware Temporal Pyramid Mamba: blocks ``b = 1..B`` with
  step ``p = b``, each splitting its input into ``p`` interleaved
  subsequences (the 1-D form of EfficientVMamba's atrous scan), running
  BiMamba on them, regrouping, and refining with cross-attention whose
  queries are the DDE features.

All tensors are ``[batch, T, channels]``.
"""
import math
from typing import Optional

import torch
from mmcv.cnn import build_norm_layer
from mmcv.cnn.bricks.transformer import FFN
from mmengine.model import BaseModule
from torch import Tensor, nn

from .bimamba import BiMamba


def temporal_split(x: Tensor, step: int) -> Tensor:
    """Split sequences into ``step`` interleaved subsequences, batched.

    Subsequence ``i`` of sample ``b`` (row ``b * step + i`` of the output)
    holds frames ``i, i + step, i + 2 * step, ...``. When ``T`` is not a
    multiple of ``step`` the last frame is repeated to the next multiple
    (:func:`temporal_regroup` crops it again).

    Args:
        x (Tensor): ``[B, T, C]``.
        step (int): Step size ``p``.

    Returns:
        Tensor: ``[B * step, ceil(T / step), C]``.
    """
    if step == 1:
        return x
    batch, length, channels = x.shape
    padded = -(-length // step) * step
    if padded != length:
        x = torch.cat([x, x[:, -1:].expand(batch, padded - length, channels)],
                      dim=1)
    x = x.view(batch, padded // step, step, channels).transpose(1, 2)
    return x.reshape(batch * step, padded // step, channels)


def temporal_regroup(x: Tensor, step: int, length: int) -> Tensor:
    """Inverse of :func:`temporal_split`: back to time order, cropped.

    Args:
        x (Tensor): ``[B * step, L, C]``.
        step (int): Step size ``p``.
        length (int): Original length ``T``.

    Returns:
        Tensor: ``[B, T, C]``.
    """
    if step == 1:
        return x
    batch_step, sub_len, channels = x.shape
    x = x.view(batch_step // step, step, sub_len, channels).transpose(1, 2)
    return x.reshape(batch_step // step, sub_len * step, channels)[:, :length]


def central_difference(x: Tensor) -> Tensor:
    """DDE's temporal differences: ``z_t = (x_{t+1} - x_{t-1}) / 2`` inside,
    ``z_1 = x_2 - x_1`` and ``z_T = x_T - x_{T-1}`` at the ends (one-sided),
    and ``z = 0`` for a single frame.

    Args:
        x (Tensor): ``[B, T, C]``.

    Returns:
        Tensor: ``[B, T, C]``.
    """
    if x.shape[1] == 1:
        return torch.zeros_like(x)
    first = x[:, 1:2] - x[:, :1]
    last = x[:, -1:] - x[:, -2:-1]
    inner = (x[:, 2:] - x[:, :-2]) / 2
    return torch.cat([first, inner, last], dim=1)


class FineGrainedMotionEncoder(BaseModule):
    """FGME: ``Y = Linear(Conv1d_k3(X))`` over time.

    Args:
        in_channels (int): Frame feature channels ``C``.
        embed_dims (int): Output channels ``D``. Defaults to 256.
        with_conv (bool): Use the temporal convolution; False leaves only
            the linear map (Table 4's "w/o FGME"). Defaults to True.
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    def __init__(self,
                 in_channels: int,
                 embed_dims: int = 256,
                 with_conv: bool = True,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.conv = nn.Conv1d(
            in_channels, in_channels, 3, stride=1,
            padding=1) if with_conv else None
        self.proj = nn.Linear(in_channels, embed_dims)

    def forward(self, x: Tensor) -> Tensor:
        """``[B, T, C]`` -> ``[B, T, D]``."""
        if self.conv is not None:
            x = self.conv(x.transpose(1, 2)).transpose(1, 2)
        return self.proj(x)


class DynamicDifferenceExtractor(BaseModule):
    """DDE: ``Z = Linear(central_difference(X))``.

    Args:
        in_channels (int): Frame feature channels ``C``.
        embed_dims (int): Output channels ``D``. Defaults to 256.
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    def __init__(self,
                 in_channels: int,
                 embed_dims: int = 256,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.proj = nn.Linear(in_channels, embed_dims)

    def forward(self, x: Tensor) -> Tensor:
        """``[B, T, C]`` -> ``[B, T, D]``."""
        return self.proj(central_difference(x))


class SATPMBlock(BaseModule):
    """One block of the Saliency-Aware Temporal Pyramid Mamba.

    With step ``p``::

        Y_hat = Y + Regroup(BiMamba(Split_p(LN(Y))))          (TP-SSM)
        Y_out = MLP_o(softmax(Q Y_hat^T / sqrt(D)) MLP_v(Y_hat))

    ``Q`` is the DDE feature ``Z`` (or ``Y_hat`` itself without DDE, Table
    4's "w/o DDE"). The cross-attention and the two MLPs (``D -> 1024 -> D``
    with GELU) are the paper's equation as written; the pre-norm residual
    around BiMamba is Vision Mamba's block structure (the paper's equations
    leave norms and residuals out). All ``p`` subsequences go through one
    BiMamba as one batch.

    Args:
        embed_dims (int): Channels ``D``. Defaults to 256.
        step (int): Step size ``p``. Defaults to 1.
        feedforward_channels (int): Hidden size of the MLPs.
            Defaults to 1024.
        mamba_cfg (dict, optional): Extra :class:`BiMamba` arguments
            (``d_state``, ``d_conv``, ``expand``, ...). Defaults to None.
        norm_cfg (dict): Norm before BiMamba. Defaults to
            ``dict(type='LN')``.
        mamba_per_subsequence (bool): One BiMamba shared by the ``p``
            subsequences (False) or ``p`` BiMambas, one per subsequence
            (True: "each subsequence is independently modeled by BiMamba"
            read as independent weights; see configs/dualscope/README.md
            "Readings of the paper"). Defaults to False.
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    def __init__(self,
                 embed_dims: int = 256,
                 step: int = 1,
                 feedforward_channels: int = 1024,
                 mamba_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='LN'),
                 mamba_per_subsequence: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        assert step >= 1, f'step must be >= 1, got {step}'
        self.mamba_per_subsequence = mamba_per_subsequence
        self.embed_dims = embed_dims
        self.step = step
        self.norm = build_norm_layer(norm_cfg, embed_dims)[1]
        if mamba_per_subsequence:
            self.mamba = nn.ModuleList(
                BiMamba(embed_dims, **(mamba_cfg or {})) for _ in range(step))
        else:
            self.mamba = BiMamba(embed_dims, **(mamba_cfg or {}))
        mlp = dict(
            embed_dims=embed_dims,
            feedforward_channels=feedforward_channels,
            act_cfg=dict(type='GELU'),
            add_identity=False)
        self.value_mlp = FFN(**mlp)
        self.out_mlp = FFN(**mlp)

    def temporal_pyramid_ssm(self, y: Tensor) -> Tensor:
        """``Y + Regroup(BiMamba(Split_p(LN(Y))))``, ``[B, T, D]``."""
        length = y.shape[1]
        sub = temporal_split(self.norm(y), self.step)
        if self.mamba_per_subsequence:
            # rows b * step + i hold subsequence i of sample b
            sub = sub.view(-1, self.step, *sub.shape[1:])
            sub = torch.stack(
                [mamba(sub[:, i]) for i, mamba in enumerate(self.mamba)],
                dim=1).flatten(0, 1)
        else:
            sub = self.mamba(sub)
        return y + temporal_regroup(sub, self.step, length)

    def forward(self, y: Tensor, queries: Optional[Tensor] = None) -> Tensor:
        """Run the block.

        Args:
            y (Tensor): Output of the previous block (or FGME)
                ``[B, T, D]``.
            queries (Tensor, optional): DDE features ``[B, T, D]``; None
                uses the TP-SSM output (self-attention).

        Returns:
            Tensor: ``[B, T, D]``.
        """
        y_hat = self.temporal_pyramid_ssm(y)
        q = y_hat if queries is None else queries
        attn = torch.softmax(
            q @ y_hat.transpose(1, 2) / math.sqrt(self.embed_dims), dim=-1)
        return self.out_mlp(attn @ self.value_mlp(y_hat))
