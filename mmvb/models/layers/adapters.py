# Copyright (c) mmvb contributors. All rights reserved.
"""Parameter-efficient adapters for Vision Transformers.

Used by :class:`mmvb.models.backbones.BCVEncoder` (DualScope's
behaviour-centric visual encoder, Qiu, Li et al.) and its Table 5
ablations:

* :class:`TaskAwareAdapter` (TA-Adapter): token-wise linear bottleneck
  after the patch embedding, ``t + ReLU(t W_down) W_up``.
* :class:`SpatialInductiveAdapter` (SI-Adapter): a 1x1 -> 3x3 -> 1x1
  convolutional bottleneck with GELUs, run on the patch tokens reshaped to
  their 2D grid and, separately, on the [CLS] token as a 1x1 map (after
  Convpass, Jie et al., ECAI 2024).
* :class:`AdaptFormerAdapter`: AdaptFormer's scaled parallel MLP bottleneck
  (Chen et al., NeurIPS 2022).
* :class:`LoRAQKV`: LoRA (Hu et al., ICLR 2022) on the query and value
  projections of a fused ``qkv`` linear layer (mmpretrain's
  ``MultiheadAttention.qkv``).

Every adapter starts as an identity change of its host (the last
projection, ``W_up`` or LoRA's ``B``, is zero-initialised), so an adapted
encoder initially computes exactly what the pre-trained one does. Every
adapter has an ``enabled`` flag; a disabled adapter contributes nothing,
which lets one set of frozen weights serve as both student and teacher.
"""
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor


class _Toggle:
    """``enabled`` flag shared by all adapters."""

    enabled: bool = True


class _LinearBottleneck(BaseModule, _Toggle):
    """``up(ReLU(down(x)))`` with ``up`` zero-initialised."""

    def __init__(self,
                 embed_dims: int,
                 hidden_dims: int,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.down = nn.Linear(embed_dims, hidden_dims)
        self.up = nn.Linear(hidden_dims, embed_dims)
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def init_weights(self) -> None:
        super().init_weights()
        self._reset_parameters()

    def branch(self, x: Tensor) -> Tensor:
        return self.up(F.relu(self.down(x)))


class TaskAwareAdapter(_LinearBottleneck):
    """TA-Adapter: ``t_out = t + ReLU(t W_down) W_up`` over tokens.

    Args:
        embed_dims (int): Token dimension ``D``.
        hidden_dims (int): Bottleneck size ``s``. The paper uses 32.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 embed_dims: int,
                 hidden_dims: int = 32,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(embed_dims, hidden_dims, init_cfg)

    def forward(self, x: Tensor) -> Tensor:
        """``x``: ``[..., D]`` tokens; returns ``x`` plus the adapter output
        (``x`` itself when disabled)."""
        if not self.enabled:
            return x
        return x + self.branch(x)


class SpatialInductiveAdapter(BaseModule, _Toggle):
    """SI-Adapter: 1x1 -> GELU -> 3x3 -> GELU -> 1x1 convolutions.

    The patch tokens are reshaped to their ``H x W`` grid; the extra tokens
    in front of them ([CLS]) are each treated as a ``1 x 1`` map and pass
    through the same convolutions (so the 3x3 convolution sees only its
    centre tap there). Outputs are flattened and concatenated back in token
    order. The module returns the adapter branch only; the host adds it in
    parallel to attention or the MLP.

    Args:
        embed_dims (int): Token dimension ``D``.
        hidden_dims (int): Bottleneck channels ``h``. The paper uses 8.
        num_extra_tokens (int): Tokens in front of the patch tokens.
            Defaults to 1 ([CLS]).
        scale (float): Multiplier of the branch output. Defaults to 1.
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 embed_dims: int,
                 hidden_dims: int = 8,
                 num_extra_tokens: int = 1,
                 scale: float = 1.0,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.num_extra_tokens = num_extra_tokens
        self.scale = scale
        self.conv_down = nn.Conv2d(embed_dims, hidden_dims, 1)
        self.conv_mid = nn.Conv2d(hidden_dims, hidden_dims, 3, padding=1)
        self.conv_up = nn.Conv2d(hidden_dims, embed_dims, 1)
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        nn.init.zeros_(self.conv_up.weight)
        nn.init.zeros_(self.conv_up.bias)

    def init_weights(self) -> None:
        super().init_weights()
        self._reset_parameters()

    def _convs(self, x: Tensor) -> Tensor:
        x = F.gelu(self.conv_down(x))
        x = F.gelu(self.conv_mid(x))
        return self.conv_up(x)

    def forward(self, x: Tensor, hw: Tuple[int, int]) -> Tensor:
        """Adapter branch for tokens ``x`` ``[B, E + H*W, D]`` (``E`` extra
        tokens first) on an ``hw = (H, W)`` patch grid; same shape out."""
        b, n, d = x.shape
        e = self.num_extra_tokens
        h, w = hw
        assert n == e + h * w, \
            f'{n} tokens do not match {e} extra tokens + {h}x{w} patches'
        patches = x[:, e:].transpose(1, 2).reshape(b, d, h, w)
        out = self._convs(patches).flatten(2).transpose(1, 2)
        if e:
            extra = x[:, :e].reshape(b * e, d, 1, 1)
            extra = self._convs(extra).reshape(b, e, d)
            out = torch.cat([extra, out], dim=1)
        return out * self.scale


class AdaptFormerAdapter(_LinearBottleneck):
    """AdaptFormer bottleneck: ``scale * up(ReLU(down(x)))``, the branch
    added in parallel to a transformer layer's MLP.

    Args:
        embed_dims (int): Token dimension ``D``.
        hidden_dims (int): Bottleneck size. Defaults to 64 (AdaptFormer's
            setting for ViT; the size that matches the 3.15 M trainable
            parameters of DualScope's Table 5 at ViT-L/14).
        scale (float): Fixed output scale ``s``. Defaults to 0.1
            (AdaptFormer's default).
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 embed_dims: int,
                 hidden_dims: int = 64,
                 scale: float = 0.1,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(embed_dims, hidden_dims, init_cfg)
        self.scale = scale

    def forward(self, x: Tensor) -> Tensor:
        """The adapter branch for tokens ``x`` ``[..., D]``."""
        return self.branch(x) * self.scale


class LoRAQKV(BaseModule, _Toggle):
    """A fused ``qkv`` linear layer with LoRA on the query and value parts.

    ``qkv(x) = x W^T + b`` (frozen, ``W`` of shape ``[3D, D]``) plus
    ``(alpha / r) * x A_q^T B_q^T`` on the first ``D`` outputs (queries) and
    ``(alpha / r) * x A_v^T B_v^T`` on the last ``D`` (values); keys are
    unchanged. The wrapped layer's ``weight`` and ``bias`` keep their names,
    so checkpoints load and save in the un-adapted key names.

    Args:
        linear (nn.Linear): The ``qkv`` layer to adapt (its parameters are
            taken over).
        rank (int): LoRA rank ``r``. Defaults to 16 (the rank that matches
            the 1.57 M trainable parameters of DualScope's Table 5 at
            ViT-L/14).
        alpha (float): LoRA scaling numerator. Defaults to ``rank``
            (scale 1).
        init_cfg (dict, optional): Initialisation config. Defaults to None.
    """

    def __init__(self,
                 linear: nn.Linear,
                 rank: int = 16,
                 alpha: Optional[float] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        assert linear.out_features % 3 == 0, \
            f'a fused qkv layer has 3*D outputs, got {linear.out_features}'
        self.weight = linear.weight
        self.bias = linear.bias
        self.embed_dims = linear.out_features // 3
        in_dims = linear.in_features
        self.scaling = (rank if alpha is None else alpha) / rank
        self.lora_a_q = nn.Linear(in_dims, rank, bias=False)
        self.lora_b_q = nn.Linear(rank, self.embed_dims, bias=False)
        self.lora_a_v = nn.Linear(in_dims, rank, bias=False)
        self.lora_b_v = nn.Linear(rank, self.embed_dims, bias=False)
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        pairs = ((self.lora_a_q, self.lora_b_q), (self.lora_a_v,
                                                  self.lora_b_v))
        for a, b in pairs:
            nn.init.kaiming_uniform_(a.weight, a=5**0.5)
            nn.init.zeros_(b.weight)

    def init_weights(self) -> None:
        super().init_weights()
        self._reset_parameters()

    def forward(self, x: Tensor) -> Tensor:
        """``[..., D_in]`` -> ``[..., 3 * D]``."""
        out = F.linear(x, self.weight, self.bias)
        if not self.enabled:
            return out
        dq = self.lora_b_q(self.lora_a_q(x)) * self.scaling
        dv = self.lora_b_v(self.lora_a_v(x)) * self.scaling
        return out + torch.cat([dq, torch.zeros_like(dq), dv], dim=-1)


ADAPTER_TYPES = (TaskAwareAdapter, SpatialInductiveAdapter, AdaptFormerAdapter,
                 LoRAQKV)
