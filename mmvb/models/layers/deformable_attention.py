# Copyright (c) mmvb contributors. All rights reserved.
"""Deformable attention on spectrogram feature maps (DATAR, Sec. 3.1).

`DATAR: Deformable Audio Transformer for Audio Event Recognition
<https://arxiv.org/abs/2312.16228>`_, after the deformable attention of
`Vision Transformer with Deformable Attention
<https://arxiv.org/abs/2201.00017>`_ (DAT v1, ``LeapLabTHU/DAT`` at 797f187,
``models/dat_blocks.py: DAttentionBaseline``).

Feature maps are ``h x T``: **frequency is the height axis, time the width**.

Two coordinate conventions (``convention``), both normalising a point to
``[-1, 1]`` with ``(-1, -1)`` the top-left and ``(1, 1)`` the bottom-right of
the map, and both placing the reference points at the cell centres
``(i + 0.5) / n * 2 - 1`` of an ``n``-cell grid:

* ``'centred'``: keys are sampled with ``grid_sample(align_corners=False)``,
  so ``-1``/``1`` are the outer *edges* of the map and zero offsets with
  ``r = 1`` sample the tokens exactly; the bias table holds one entry per
  token of displacement (Swin's lookup at zero offsets).
* ``'dat'``: DAT v1's code (``DAttentionBaseline.forward``): keys are sampled
  with ``align_corners=True`` (``-1``/``1`` are the *centres* of the outer
  tokens, so zero offsets land up to half a token off the tokens), and the
  bias table spans the whole normalised displacement range: it is read at
  half the normalised query-key displacement with ``align_corners=True``
  (``(2h - 1)`` entries over ``2h`` tokens of displacement, a scale of
  ``(h - 1) / h`` entries per token at the table's own size). Out-of-range
  reads are zeros, as in DAT. This is the mode that reproduces DAT v1's
  outputs on its ImageNet weights.
"""
import math
from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmengine.model.weight_init import trunc_normal_
from torch import Tensor, nn

CONVENTIONS = ('centred', 'dat')


def reference_points(height: int,
                     width: int,
                     dtype: torch.dtype = torch.float32,
                     device=None) -> Tensor:
    """Uniform grid of ``height x width`` reference points (Sec. 3.1).

    The points are the centres of a ``height x width`` partition of the
    map, ``(i + 0.5) / height * 2 - 1`` (and likewise for ``x``).

    Args:
        height (int): Points along frequency ``h_G``.
        width (int): Points along time ``T_G``.
        dtype (torch.dtype): Defaults to float32.
        device: Defaults to None.

    Returns:
        Tensor: ``[height, width, 2]`` normalised ``(y, x)`` positions.
    """
    ys = (torch.arange(height, dtype=dtype, device=device) + 0.5) \
        / height * 2 - 1
    xs = (torch.arange(width, dtype=dtype, device=device) + 0.5) \
        / width * 2 - 1
    return torch.stack(torch.meshgrid(ys, xs, indexing='ij'), dim=-1)


class ChannelsFirstLayerNorm(nn.LayerNorm):
    """LayerNorm over the channels of an ``[N, C, H, W]`` map."""

    def forward(self, x: Tensor) -> Tensor:
        """Normalise ``x`` ``[N, C, H, W]`` over ``C``."""
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class AudioOffsetGenerator(BaseModule):
    """Audio offset generator (AOG, Sec. 3.1, Fig. 3).

    ``k x k`` depth-wise conv (stride ``r``: one offset per reference
    point), GELU, and a 1x1 conv **without bias** (so no shift is forced on
    all locations) to 2 channels; the raw offsets are bounded with
    ``s * tanh``. ``s`` is the side of the region a reference point may
    move within, in reference-grid cells: offsets lie in ``[-s/2, s/2]``
    cells, i.e. ``[-s/h_G, s/h_G]`` and ``[-s/T_G, s/T_G]`` in normalised
    units (DAT's ``offset_range_factor`` scaling).

    Args:
        channels (int): Channels of the query group fed in.
        kernel_size (int): Depth-wise kernel. Defaults to 5 (paper).
        stride (int): Reference-grid down-sampling factor ``r``.
            Defaults to 1.
        offset_range (float): ``s``; ``<= 0`` leaves offsets unbounded.
            Defaults to 2 (DAT).
        with_norm (bool): A LayerNorm between the depth-wise conv and GELU,
            as in DAT's code (not in the paper). Defaults to False.
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 channels: int,
                 kernel_size: int = 5,
                 stride: int = 1,
                 offset_range: float = 2.0,
                 with_norm: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg)
        self.stride = stride
        self.offset_range = offset_range
        self.dwconv = nn.Conv2d(
            channels,
            channels,
            kernel_size,
            stride,
            kernel_size // 2,
            groups=channels)
        self.norm = ChannelsFirstLayerNorm(channels) if with_norm \
            else nn.Identity()
        self.act = nn.GELU()
        self.pwconv = nn.Conv2d(channels, 2, 1, bias=False)

    def forward(self, query: Tensor) -> Tensor:
        """Offsets of the reference points.

        Args:
            query (Tensor): ``[N, C, H, W]`` query features of one group.

        Returns:
            Tensor: ``[N, H_G, W_G, 2]`` normalised ``(dy, dx)`` offsets,
            ``H_G = ceil(H / r)``.
        """
        offset = self.pwconv(self.act(self.norm(self.dwconv(query))))
        h_g, w_g = offset.shape[-2:]
        if self.offset_range > 0:
            scale = offset.new_tensor([1.0 / h_g, 1.0 / w_g]).view(1, 2, 1, 1)
            offset = offset.tanh() * scale * self.offset_range
        return offset.permute(0, 2, 3, 1)


class DeformableAudioAttention(BaseModule):
    """Multi-head deformable attention with deformable relative position
    bias (Eq. 2-4).

    For a map ``X`` of ``H x W`` tokens (``H``: frequency), the queries are
    ``q = X W_q``; the AOG turns each group's queries into offsets
    ``dp`` for a ``ceil(H/r) x ceil(W/r)`` reference grid ``p``; the keys
    and values are projections of ``X`` bilinearly sampled at ``p + dp``
    (Eq. 2-3, zeros outside the map); every head attends from all ``HW``
    queries to the ``N_s`` sampled keys of its group, with the bias
    ``phi(B; R)`` bilinearly interpolated from a learnable per-head table
    ``B`` of ``(2h - 1) x (2T - 1)`` entries at the continuous query-key
    displacements ``R`` (Eq. 4). Every step is batched over heads, groups
    and tokens.

    How positions map to the map and to the table is set by
    ``convention`` (see the module docstring):

    * ``'centred'``: the table holds one entry per token of displacement:
      entry ``(h - 1 + dy, T - 1 + dx)`` is the bias of a key ``dy`` tokens
      above / ``dx`` tokens left of the query, so with zero offsets and
      ``r = 1`` the bias is Swin's table lookup; displacements beyond the
      table clamp to its border.
    * ``'dat'``: DAT v1's code: keys sampled with ``align_corners=True``;
      the table read at ``R / 2`` (``R`` the normalised displacement, in
      ``[-2, 2]``) with ``align_corners=True``, zeros outside.

    Args:
        embed_dims (int): Channels ``C``.
        num_heads (int): Heads ``M`` (head dim ``C / M``).
        feat_size (Sequence[int]): ``(h, T)`` the table is sized for (the
            stage's map size at the nominal input size).
        num_groups (int): Offset groups ``G`` (each has its own sampled
            keys and ``M / G`` heads; the AOG is shared). Defaults to 1.
        downsample_ratio (int): ``r`` of the reference grid. Defaults to 1.
        offset_range (float): ``s`` (see :class:`AudioOffsetGenerator`).
            Defaults to 2.
        offset_kernel_size (int): AOG depth-wise kernel. Defaults to 5.
        offset_norm (bool): AOG LayerNorm (DAT's code). Defaults to False.
        deformable (bool): False keeps the offsets at zero (keys on the
            fixed reference grid; the AOG is not built; DAT's ``no_off``).
            Defaults to True.
        convention (str): ``'centred'`` or ``'dat'`` (see above).
            Defaults to ``'centred'``.
        use_rpe (bool): Add the deformable relative position bias.
            Defaults to True.
        qkv_bias (bool): Bias of the q/k/v projections. Defaults to True.
        attn_drop (float): Attention dropout. Defaults to 0.
        proj_drop (float): Output dropout. Defaults to 0.
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 embed_dims: int,
                 num_heads: int,
                 feat_size: Sequence[int],
                 num_groups: int = 1,
                 downsample_ratio: int = 1,
                 offset_range: float = 2.0,
                 offset_kernel_size: int = 5,
                 offset_norm: bool = False,
                 deformable: bool = True,
                 convention: str = 'centred',
                 use_rpe: bool = True,
                 qkv_bias: bool = True,
                 attn_drop: float = 0.,
                 proj_drop: float = 0.,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg)
        if embed_dims % num_heads or num_heads % num_groups:
            raise ValueError(f'embed_dims ({embed_dims}) must be divisible '
                             f'by num_heads ({num_heads}) and num_heads by '
                             f'num_groups ({num_groups})')
        if convention not in CONVENTIONS:
            raise ValueError(f'convention must be one of {CONVENTIONS}, '
                             f'got {convention!r}')
        self.convention = convention
        self.embed_dims = embed_dims
        self.num_heads = num_heads
        self.num_groups = num_groups
        self.head_dims = embed_dims // num_heads
        self.scale = self.head_dims**-0.5
        self.downsample_ratio = downsample_ratio
        self.feat_size = tuple(int(s) for s in feat_size)
        self.deformable = deformable
        self.q = nn.Linear(embed_dims, embed_dims, bias=qkv_bias)
        self.k = nn.Linear(embed_dims, embed_dims, bias=qkv_bias)
        self.v = nn.Linear(embed_dims, embed_dims, bias=qkv_bias)
        self.proj = nn.Linear(embed_dims, embed_dims)
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj_drop = nn.Dropout(proj_drop)
        if deformable:
            self.offset_generator = AudioOffsetGenerator(
                embed_dims // num_groups,
                kernel_size=offset_kernel_size,
                stride=downsample_ratio,
                offset_range=offset_range,
                with_norm=offset_norm)
        if use_rpe:
            h, w = self.feat_size
            self.rpe_table = nn.Parameter(
                torch.zeros(num_heads, 2 * h - 1, 2 * w - 1))
        else:
            self.rpe_table = None

    def init_weights(self) -> None:
        """Truncated-normal init of the bias table (std 0.01, as DAT)."""
        super().init_weights()
        if self.rpe_table is not None:
            trunc_normal_(self.rpe_table, std=0.01)

    def _group_map(self, x: Tensor, hw_shape: Tuple[int, int]) -> Tensor:
        """``[B, HW, C]`` tokens -> ``[B * G, C / G, H, W]`` maps."""
        b = x.shape[0]
        h, w = hw_shape
        return x.view(b, h, w, self.num_groups,
                      -1).permute(0, 3, 4, 1,
                                  2).reshape(b * self.num_groups, -1, h, w)

    def sampling_positions(self, query: Tensor,
                           hw_shape: Tuple[int, int]) -> Tensor:
        """Deformed key positions ``p + dp`` of every group.

        Args:
            query (Tensor): ``[B, HW, C]`` projected queries.
            hw_shape (tuple[int, int]): ``(H, W)``.

        Returns:
            Tensor: ``[B * G, H_G, W_G, 2]`` normalised ``(y, x)``.
        """
        h, w = hw_shape
        r = self.downsample_ratio
        if self.deformable:
            offset = self.offset_generator(self._group_map(query, hw_shape))
            h_g, w_g = offset.shape[1:3]
        else:
            h_g, w_g = math.ceil(h / r), math.ceil(w / r)
        ref = reference_points(h_g, w_g, query.dtype, query.device)
        if not self.deformable:
            return ref.expand(query.shape[0] * self.num_groups, -1, -1, -1)
        return ref + offset

    def position_bias(self, pos: Tensor, hw_shape: Tuple[int, int],
                      batch: int) -> Tensor:
        """Deformable relative position bias ``phi(B; R)`` (Eq. 4).

        Args:
            pos (Tensor): ``[B * G, H_G, W_G, 2]`` key positions.
            hw_shape (tuple[int, int]): Query map ``(H, W)``.
            batch (int): ``B``.

        Returns:
            Tensor: ``[B, M, HW, N_s]``.
        """
        h, w = hw_shape
        bg = pos.shape[0]
        n_s = pos.shape[1] * pos.shape[2]
        q_pos = reference_points(h, w, pos.dtype, pos.device).view(1, -1, 1, 2)
        # Normalised displacement query - key, in [-2, 2].
        disp = q_pos - pos.view(bg, 1, n_s, 2)
        if self.convention == 'dat':
            # DAT v1: half of it, read with align_corners=True (-1 / 1 are
            # the first / last entries), zeros outside.
            disp = disp * 0.5
            padding_mode = 'zeros'
        else:
            # In tokens of the query map, then in table coordinates (-1 / 1
            # are the first / last entries, h_t - 1 tokens from the
            # centre); clamped to the border.
            h_t, w_t = self.feat_size
            disp = disp * disp.new_tensor(
                [h / 2 / max(h_t - 1, 1), w / 2 / max(w_t - 1, 1)])
            padding_mode = 'border'
        table = self.rpe_table.view(1, self.num_groups, -1,
                                    *self.rpe_table.shape[-2:])
        table = table.expand(batch, -1, -1, -1, -1).flatten(0, 1)
        bias = F.grid_sample(
            table,
            disp.flip(-1),  # (y, x) -> (x, y)
            mode='bilinear',
            padding_mode=padding_mode,
            align_corners=True)  # [B * G, M / G, HW, N_s]
        return bias.view(batch, self.num_heads, h * w, n_s)

    def forward(self, x: Tensor, hw_shape: Tuple[int, int]) -> Tensor:
        """Deformable multi-head attention.

        Args:
            x (Tensor): ``[B, HW, C]`` tokens of an ``H x W`` map
                (row-major, ``H`` = frequency).
            hw_shape (tuple[int, int]): ``(H, W)``.

        Returns:
            Tensor: ``[B, HW, C]``.
        """
        b, n, c = x.shape
        h, w = hw_shape
        if n != h * w:
            raise ValueError(f'{n} tokens do not form a {h}x{w} map')
        query = self.q(x)
        pos = self.sampling_positions(query, hw_shape)  # [BG, Hg, Wg, 2]
        sampled = F.grid_sample(
            self._group_map(x, hw_shape),
            pos.flip(-1),
            mode='bilinear',
            padding_mode='zeros',
            align_corners=self.convention == 'dat')  # [B * G, C / G, Hg, Wg]
        n_s = pos.shape[1] * pos.shape[2]
        sampled = sampled.view(b, self.num_groups, -1,
                               n_s).permute(0, 3, 1, 2).reshape(b, n_s, c)

        def heads(t: Tensor) -> Tensor:  # [B, L, C] -> [B, M, L, C / M]
            return t.view(b, -1, self.num_heads,
                          self.head_dims).transpose(1, 2)

        q, k, v = heads(query), heads(self.k(sampled)), heads(self.v(sampled))
        attn = (q * self.scale) @ k.transpose(-2, -1)  # [B, M, HW, N_s]
        if self.rpe_table is not None:
            attn = attn + self.position_bias(pos, hw_shape, b)
        attn = self.attn_drop(attn.softmax(dim=-1))
        out = (attn @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj_drop(self.proj(out))
