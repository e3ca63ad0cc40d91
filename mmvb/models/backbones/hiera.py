# Copyright (c) mmvb contributors. All rights reserved.
"""Video Hiera backbone (Ryali et al., ICML 2023) for BMViT (Table 3)."""
import math
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
import torch.utils.checkpoint as cp
from mmaction.models.backbones.mvit import MLP
from mmaction.registry import MODELS
from mmaction.utils import OptConfigType, OptMultiConfig
from mmcv.cnn import build_norm_layer
from mmcv.cnn.bricks import DropPath
from mmengine.logging import MMLogger
from mmengine.model import BaseModule
from mmengine.model.weight_init import trunc_normal_
from mmengine.runner.checkpoint import CheckpointLoader
from torch import Tensor, nn

from ..utils.hiera_checkpoint import convert_official_hiera


def unroll_tokens(x: Tensor, size: Sequence[int], stride: Sequence[int],
                  num_unrolls: int) -> Tensor:
    """Reorder raster-order tokens so that strided pooling is a reshape.

    Hiera's "unroll": the tokens of a ``size`` grid (e.g. ``(T, H, W)``) in
    raster order are reordered as ``[s_1, s_2, ..., s_k, coarse grid]``,
    where ``s_j`` is the offset (one index per axis, ``stride`` values each)
    of the ``j``-th finest level and the coarse grid is ``size /
    stride ** k``. Then ``x.view(B, prod(stride), -1, C).max(1)`` is a
    ``stride`` max-pooling, repeatedly, and the tokens of one coarse cell
    (a mask unit) are the last axis of ``x.view(B, -1, cells, C)``. One
    reshape and one permutation, whatever ``k``.

    Args:
        x (Tensor): Tokens ``[B, prod(size), C]`` in raster order.
        size (Sequence[int]): Token grid, each axis divisible by
            ``stride ** num_unrolls``.
        stride (Sequence[int]): Pooling stride per axis.
        num_unrolls (int): Number of levels ``k``.

    Returns:
        Tensor: ``[B, prod(size), C]`` in unrolled order.
    """
    B, N, C = x.shape
    dims, k = len(size), num_unrolls
    coarse = [n // s**k for n, s in zip(size, stride)]
    # each axis as [coarse, s_k, ..., s_1] (s_1 the least significant digit)
    shape = [B]
    for d in range(dims):
        shape += [coarse[d]] + [stride[d]] * k
    order = [0]
    for level in range(1, k + 1):  # s_1 first, then s_2, ...
        order += [1 + d * (k + 1) + (k + 1 - level) for d in range(dims)]
    order += [1 + d * (k + 1) for d in range(dims)] + [len(shape)]
    return x.reshape(*shape, C).permute(order).reshape(B, N, C)


def reroll_tokens(x: Tensor, size: Sequence[int], stride: Sequence[int],
                  num_levels: int) -> Tensor:
    """Undo the ``num_levels`` unroll levels that pooling has not consumed.

    After ``q`` poolings the tokens are ordered ``[s_{q+1}, ..., s_k,
    coarse grid]``; this puts them back in raster order of ``size`` (the
    current grid). With every level consumed (``num_levels = 0``) the order
    is already raster order.

    Args:
        x (Tensor): ``[B, prod(size), C]``.
        size (Sequence[int]): The current token grid.
        stride (Sequence[int]): Pooling stride per axis.
        num_levels (int): Levels left, ``k - q``.

    Returns:
        Tensor: ``[B, prod(size), C]`` in raster order.
    """
    if num_levels == 0:
        return x
    B, N, C = x.shape
    dims, r = len(size), num_levels
    coarse = [n // s**r for n, s in zip(size, stride)]
    shape = [B] + list(stride) * r + coarse + [C]
    order = [0]
    for d in range(dims):
        order.append(1 + r * dims + d)
        order += [1 + level * dims + d for level in reversed(range(r))]
    order.append(len(shape) - 1)
    return x.reshape(*shape).permute(order).reshape(B, N, C)


def pool_tokens(x: Tensor, stride: int) -> Tensor:
    """Max-pool unrolled tokens ``[B, N, C]`` with a flat ``stride``."""
    if stride == 1:
        return x
    return x.reshape(x.shape[0], stride, -1, x.shape[-1]).amax(dim=1)


class MaskUnitAttention(BaseModule):
    """Multi-head attention within mask units, or global, with q-pooling.

    Tokens are in unrolled order (:func:`unroll_tokens`), so a mask unit
    is a set of tokens with the same index modulo the number of units, and
    q-pooling is a max over the first ``q_stride`` token blocks of each
    unit. Attention of all units and heads is one batched
    ``scaled_dot_product_attention``.

    Args:
        in_dims (int): Input channels.
        out_dims (int): Output channels (``qkv`` projects to them).
        num_heads (int): Attention heads.
        q_stride (int): Flat query pooling stride (4 for 2x2); 1: none.
        window_size (int): Tokens of a mask unit *after* the pooling.
        use_mask_unit_attn (bool): Attend within mask units (True) or over
            all tokens (False).
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 in_dims: int,
                 out_dims: int,
                 num_heads: int,
                 q_stride: int = 1,
                 window_size: int = 0,
                 use_mask_unit_attn: bool = False,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.out_dims = out_dims
        self.num_heads = num_heads
        self.head_dims = out_dims // num_heads
        self.q_stride = q_stride
        self.window_size = window_size
        self.use_mask_unit_attn = use_mask_unit_attn
        self.qkv = nn.Linear(in_dims, 3 * out_dims)
        self.proj = nn.Linear(out_dims, out_dims)

    def forward(self, x: Tensor) -> Tensor:
        """``[B, N, in_dims]`` -> ``[B, N / q_stride, out_dims]``."""
        B, N, _ = x.shape
        units = (
            N // (self.q_stride * self.window_size)
            if self.use_mask_unit_attn else 1)
        # [B, N / units, units, 3, heads, d] -> 3 x [B, heads, units, n, d]
        qkv = self.qkv(x).reshape(B, N // units, units, 3, self.num_heads,
                                  self.head_dims)
        q, k, v = qkv.permute(3, 0, 4, 2, 1, 5).unbind(0)
        if self.q_stride > 1:
            q = q.reshape(B, self.num_heads, units, self.q_stride, -1,
                          self.head_dims).amax(dim=3)
        x = F.scaled_dot_product_attention(q, k, v)
        x = x.permute(0, 3, 2, 1, 4).reshape(B, -1, self.out_dims)
        return self.proj(x)


class HieraBlock(BaseModule):
    """Pre-norm transformer block of Hiera.

    ``x' = pool(proj(LN(x))) + Attn(LN(x))``, ``y = x' + MLP(LN(x'))``;
    the projected, max-pooled shortcut exists only where the channels
    change (the first block of a stage).

    Args:
        in_dims (int): Input channels.
        out_dims (int): Output channels.
        num_heads (int): Attention heads.
        mlp_ratio (float): MLP hidden channels / ``out_dims``.
        drop_path (float): Stochastic depth rate.
        q_stride (int): Flat query pooling stride of the attention.
        window_size (int): Tokens per mask unit after the pooling.
        use_mask_unit_attn (bool): Mask-unit (True) or global attention.
        norm_cfg (dict): Norm layers. Defaults to LayerNorm, eps 1e-6.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 in_dims: int,
                 out_dims: int,
                 num_heads: int,
                 mlp_ratio: float = 4.0,
                 drop_path: float = 0.0,
                 q_stride: int = 1,
                 window_size: int = 0,
                 use_mask_unit_attn: bool = False,
                 norm_cfg: Dict = dict(type='LN', eps=1e-6),
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.in_dims = in_dims
        self.out_dims = out_dims
        self.norm1 = build_norm_layer(norm_cfg, in_dims)[1]
        self.attn = MaskUnitAttention(in_dims, out_dims, num_heads, q_stride,
                                      window_size, use_mask_unit_attn)
        self.norm2 = build_norm_layer(norm_cfg, out_dims)[1]
        self.mlp = MLP(out_dims, int(out_dims * mlp_ratio))
        self.drop_path = DropPath(drop_path) if drop_path > 0 else \
            nn.Identity()
        if in_dims != out_dims:
            self.proj = nn.Linear(in_dims, out_dims)

    def forward(self, x: Tensor) -> Tensor:
        """``[B, N, in_dims]`` -> ``[B, N / q_stride, out_dims]``."""
        x_norm = self.norm1(x)
        if self.in_dims != self.out_dims:
            x = pool_tokens(self.proj(x_norm), self.attn.q_stride)
        x = x + self.drop_path(self.attn(x_norm))
        return x + self.drop_path(self.mlp(self.norm2(x)))


@MODELS.register_module()
class Hiera(BaseModule):
    """Video Hiera, optionally without its last query pooling (BMViT).

    `Hiera: A Hierarchical Vision Transformer without the
    Bells-and-Whistles <https://arxiv.org/abs/2306.00989>`_ (Ryali et al.,
    ICML 2023), as defined in facebookresearch/hiera (``hiera/hiera.py``,
    ``hiera/hiera_utils.py`` at b12b842542ee5c757fcfec8c41f6b56fcbe89b65),
    whose parameter names it keeps: a ``3x7x7`` / ``2x4x4`` patch
    embedding, separate spatial and temporal position embeddings, and four
    stages of pre-norm blocks; the first block of stages 2 to 4 doubles
    the channels and heads and max-pools the queries (and the shortcut)
    ``1x2x2``. Stages 1 and 2 attend within ``1x8x8`` mask units (the
    first block of stage 3 still does, on 4x4 units pooled to 2x2), the
    others globally. Tokens are kept in Hiera's "unrolled" order
    (:func:`unroll_tokens`) so pooling and mask units are reshapes; the
    output is put back in raster order.

    BMViT (Sec. 6.1, Table 3) trains a Hiera-L end to end "with our
    training recipe", i.e. as its MViTv2-S: ``remove_last_pool=True``
    switches off the query pooling of the last stage (the first block of
    stage 4 keeps its channel projection, with stride 1), so a ``16 x 256
    x 256`` clip gives ``8 x 16 x 16`` tokens of 1152 channels instead of
    ``8 x 8 x 8``. No parameter changes, so the official checkpoints load
    unchanged.

    The position embeddings have the shape of the construction size
    ``input_size`` (the checkpoint's, 16x224x224); other clip sizes
    interpolate them at run time (spatial: bicubic, temporal: linear).
    Token grids must be divisible by ``q_stride ** (num_stages - 1)``
    (8 spatially: inputs multiple of 32 pixels).

    The official model mean-pools the tokens before its final ``norm``; a
    localizer needs the tokens, so with ``out_norm=True`` (default) that
    LayerNorm is applied to each output token (as MMAction2's MViT applies
    its last-scale norm), with ``False`` the tokens of the last block are
    returned as they are.

    Args:
        arch (str | dict): ``'tiny'``, ``'small'``, ``'base'``,
            ``'base_plus'``, ``'large'``, ``'huge'`` or a dict with
            ``embed_dims``, ``num_heads`` and ``stages`` (blocks per stage).
            Defaults to ``'large'``.
        input_size (Sequence[int]): Construction clip size ``(T, H, W)``
            (position embedding shapes). Defaults to (16, 224, 224).
        in_channels (int): Input channels. Defaults to 3.
        patch_kernel (Sequence[int]): Defaults to (3, 7, 7).
        patch_stride (Sequence[int]): Defaults to (2, 4, 4).
        patch_padding (Sequence[int]): Defaults to (1, 3, 3).
        q_stride (Sequence[int]): Query pooling stride. Defaults to
            (1, 2, 2).
        q_pool (int): Number of pooled stage transitions. Defaults to 3.
        mask_unit_size (Sequence[int]): Mask unit in tokens.
            Defaults to (1, 8, 8).
        mask_unit_attn (Sequence[bool]): Mask-unit attention per stage.
            Defaults to (True, True, False, False).
        dim_mul (float): Channel factor per stage. Defaults to 2.
        head_mul (float): Head factor per stage. Defaults to 2.
        mlp_ratio (float): Defaults to 4.
        drop_path_rate (float): Stochastic depth, linear over the blocks.
            Defaults to 0.
        remove_last_pool (bool): Drop the last query pooling (BMViT).
            Defaults to False (the official network).
        out_norm (bool): LayerNorm ``norm`` on every output token.
            Defaults to True.
        norm_cfg (dict): Defaults to LayerNorm with eps 1e-6.
        with_cp (bool): Gradient checkpointing of each block in training.
            Defaults to False.
        pretrained (str, optional): An official checkpoint (``model_state``
            wrapper; K400 fine-tuned or MAE), checked and loaded by
            :func:`mmvb.models.utils.convert_official_hiera` in
            ``init_weights``. Defaults to None.
        init_cfg (dict, optional): mmengine initialisation (e.g.
            ``Pretrained`` of an mmvb checkpoint); None: Hiera's own
            (truncated normal, std 0.02, biases 0.02). Defaults to None.

    Example:
        >>> import torch
        >>> from mmvb.models import Hiera
        >>> net = Hiera(arch='tiny', remove_last_pool=True).eval()
        >>> [x.shape for x in net(torch.rand(1, 3, 16, 256, 256))]
        [torch.Size([1, 768, 8, 16, 16])]
    """

    arch_zoo = {
        'tiny': dict(embed_dims=96, num_heads=1, stages=(1, 2, 7, 2)),
        'small': dict(embed_dims=96, num_heads=1, stages=(1, 2, 11, 2)),
        'base': dict(embed_dims=96, num_heads=1, stages=(2, 3, 16, 3)),
        'base_plus': dict(embed_dims=112, num_heads=2, stages=(2, 3, 16, 3)),
        'large': dict(embed_dims=144, num_heads=2, stages=(2, 6, 36, 4)),
        'huge': dict(embed_dims=256, num_heads=4, stages=(2, 6, 36, 4)),
    }

    def __init__(self,
                 arch: Union[str, Dict] = 'large',
                 input_size: Sequence[int] = (16, 224, 224),
                 in_channels: int = 3,
                 patch_kernel: Sequence[int] = (3, 7, 7),
                 patch_stride: Sequence[int] = (2, 4, 4),
                 patch_padding: Sequence[int] = (1, 3, 3),
                 q_stride: Sequence[int] = (1, 2, 2),
                 q_pool: int = 3,
                 mask_unit_size: Sequence[int] = (1, 8, 8),
                 mask_unit_attn: Sequence[bool] = (True, True, False, False),
                 dim_mul: float = 2.0,
                 head_mul: float = 2.0,
                 mlp_ratio: float = 4.0,
                 drop_path_rate: float = 0.0,
                 remove_last_pool: bool = False,
                 out_norm: bool = True,
                 norm_cfg: Dict = dict(type='LN', eps=1e-6),
                 with_cp: bool = False,
                 pretrained: Optional[str] = None,
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if isinstance(arch, str):
            if arch not in self.arch_zoo:
                raise KeyError(f'Hiera arch {arch!r} is not one of '
                               f'{sorted(self.arch_zoo)}')
            arch = self.arch_zoo[arch]
        missing = {'embed_dims', 'num_heads', 'stages'} - set(arch)
        if missing:
            raise KeyError(f'Hiera arch dict lacks {sorted(missing)}')
        stages = tuple(arch['stages'])
        if not 0 < q_pool < len(stages):
            raise ValueError(f'q_pool must be in [1, {len(stages) - 1}], '
                             f'got {q_pool}')
        if len(mask_unit_attn) != len(stages):
            raise ValueError('mask_unit_attn needs one flag per stage')
        self.arch = dict(arch)
        self.input_size = tuple(input_size)
        self.patch_stride = tuple(patch_stride)
        self.q_stride = tuple(q_stride)
        self.mask_unit_size = tuple(mask_unit_size)
        self.num_unrolls = len(stages) - 1
        self.remove_last_pool = remove_last_pool
        self.q_pool = q_pool - 1 if remove_last_pool else q_pool
        self.out_norm = out_norm
        self.with_cp = with_cp
        self.pretrained = pretrained

        embed_dims = arch['embed_dims']
        num_heads = arch['num_heads']
        self.patch_embed = nn.ModuleDict(
            dict(
                proj=nn.Conv3d(
                    in_channels,
                    embed_dims,
                    kernel_size=tuple(patch_kernel),
                    stride=self.patch_stride,
                    padding=tuple(patch_padding))))
        self.tokens_size = [
            n // s for n, s in zip(self.input_size, self.patch_stride)
        ]
        t, h, w = self.tokens_size
        self.pos_embed_spatial = nn.Parameter(
            torch.zeros(1, h * w, embed_dims))
        self.pos_embed_temporal = nn.Parameter(torch.zeros(1, t, embed_dims))

        # Blocks as built by the official Hiera; mask-unit attention lags
        # by one block (the pooling block of a stage uses the previous
        # stage's setting), the unit shrinks with each query pooling.
        stage_ends = [sum(stages[:i + 1]) - 1 for i in range(len(stages))]
        pool_blocks = [end + 1 for end in stage_ends[:self.q_pool]]
        self.stage_ends = stage_ends
        flat_q_stride = math.prod(self.q_stride)
        window_size = math.prod(self.mask_unit_size)
        depth = sum(stages)
        dpr = [drop_path_rate * i / max(depth - 1, 1) for i in range(depth)]
        self.blocks = nn.ModuleList()
        stage, in_dims = 0, embed_dims
        for i in range(depth):
            out_dims = in_dims
            use_mask_unit_attn = bool(mask_unit_attn[stage])
            if i - 1 in stage_ends:
                out_dims = int(in_dims * dim_mul)
                num_heads = int(num_heads * head_mul)
                stage += 1
                if i in pool_blocks:
                    window_size //= flat_q_stride
            self.blocks.append(
                HieraBlock(
                    in_dims,
                    out_dims,
                    num_heads,
                    mlp_ratio=mlp_ratio,
                    drop_path=dpr[i],
                    q_stride=flat_q_stride if i in pool_blocks else 1,
                    window_size=window_size,
                    use_mask_unit_attn=use_mask_unit_attn,
                    norm_cfg=norm_cfg))
            in_dims = out_dims
        self.out_channels = in_dims
        if out_norm:
            self.norm = build_norm_layer(norm_cfg, in_dims)[1]

    def init_weights(self) -> None:
        """Hiera's initialisation (or ``init_cfg``), then ``pretrained``."""
        if self.init_cfg is None:
            self._init_official()
        else:
            super().init_weights()
        if self.pretrained:
            self.load_official_checkpoint(self.pretrained)

    def _init_official(self) -> None:
        trunc_normal_(self.pos_embed_spatial, std=0.02)
        trunc_normal_(self.pos_embed_temporal, std=0.02)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Conv3d)):
                trunc_normal_(m.weight, std=0.02)
                if isinstance(m, nn.Linear) and m.bias is not None:
                    nn.init.constant_(m.bias, 0.02)
            elif isinstance(m, nn.LayerNorm):
                nn.init.constant_(m.weight, 1.0)
                nn.init.constant_(m.bias, 0.02)

    def load_official_checkpoint(self, filename: str) -> None:
        """Load an official Hiera file (see
        :func:`mmvb.models.utils.convert_official_hiera`; raises on keys or
        shapes that do not fit)."""
        ckpt = CheckpointLoader.load_checkpoint(filename, map_location='cpu')
        state_dict, report = convert_official_hiera(
            ckpt, self.state_dict(), source=filename)
        self.load_state_dict(state_dict, strict=False)
        MMLogger.get_current_instance().info(
            f'Hiera: loaded {filename}\n{report}')

    def pos_embed(self, size: Sequence[int]) -> Tensor:
        """Position embeddings ``[1, T * H * W, C]`` for a token grid."""
        t, h, w = size
        spatial, temporal = self.pos_embed_spatial, self.pos_embed_temporal
        t0, h0, w0 = self.tokens_size
        if (h, w) != (h0, w0):
            spatial = F.interpolate(
                spatial.reshape(1, h0, w0, -1).permute(0, 3, 1, 2),
                size=(h, w),
                mode='bicubic',
                align_corners=False).flatten(2).transpose(1, 2)
        if t != t0:
            temporal = F.interpolate(
                temporal.transpose(1, 2),
                size=t,
                mode='linear',
                align_corners=False).transpose(1, 2)
        return (temporal[:, :, None] + spatial[:, None]).flatten(1, 2)

    def token_grid(self, input_shape: Sequence[int]) -> List[int]:
        """Token grid of a ``(T, H, W)`` clip; raises a ``ValueError`` if
        the unroll levels or mask units do not tile it."""
        size = [n // s for n, s in zip(input_shape, self.patch_stride)]
        unit = [
            max(s**self.num_unrolls, m)
            for s, m in zip(self.q_stride, self.mask_unit_size)
        ]
        if any(n % u for n, u in zip(size, unit)):
            raise ValueError(
                f'Hiera: clip {tuple(input_shape)} gives a {tuple(size)} '
                f'token grid, not divisible by {tuple(unit)} (mask units / '
                f'q_stride ** {self.num_unrolls}); use sizes that are '
                f'multiples of '
                f'{tuple(u * s for u, s in zip(unit, self.patch_stride))}')
        return size

    def forward(self, x: Tensor) -> Tuple[Tensor]:
        """Clips ``[B, C_in, T, H, W]`` -> ``([B, C, t, h, w], )``; with
        ``remove_last_pool``, ``(t, h, w) = (T/2, H/16, W/16)``, else
        ``H/32, W/32``."""
        size = self.token_grid(x.shape[2:])
        x = self.patch_embed['proj'](x).flatten(2).transpose(1, 2)
        x = x + self.pos_embed(size)
        x = unroll_tokens(x, size, self.q_stride, self.num_unrolls)
        for block in self.blocks:
            if self.with_cp and self.training and x.requires_grad:
                x = cp.checkpoint(block, x, use_reentrant=False)
            else:
                x = block(x)
        size = [n // s**self.q_pool for n, s in zip(size, self.q_stride)]
        x = reroll_tokens(x, size, self.q_stride,
                          self.num_unrolls - self.q_pool)
        if self.out_norm:
            x = self.norm(x)
        return (x.transpose(1, 2).reshape(x.shape[0], -1, *size), )
