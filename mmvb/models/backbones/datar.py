# Copyright (c) mmvb contributors. All rights reserved.
"""DATAR backbone: a DAT-style pyramid transformer on spectrograms."""
import math
from typing import Dict, Optional, Sequence, Tuple, Union

import torch
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType
from mmcv.cnn import build_norm_layer
from mmcv.cnn.bricks import DropPath
from mmcv.cnn.bricks.transformer import FFN, PatchEmbed
from mmengine.logging import MMLogger
from mmengine.model import BaseModule, ModuleList
from mmengine.runner.checkpoint import CheckpointLoader
from mmpretrain.models.backbones.swin_transformer import SwinBlock
from torch import Tensor, nn

from ..layers import DeformableAudioAttention
from ..utils.ckpt_convert import dat_to_datar


class DeformableBlock(BaseModule):
    """Pre-norm transformer block with deformable attention (Eq. 1).

    ``x = x + DropPath(Attn(LN(x)))``, ``x = x + DropPath(MLP(LN(x)))``;
    the same layout (``norm1``, ``attn``, ``norm2``, ``ffn``) as
    mmpretrain's :class:`SwinBlock`, which serves the window blocks.

    Args:
        embed_dims (int): Channels.
        num_heads (int): Heads.
        feat_size (Sequence[int]): ``(h, T)`` for the bias table.
        ffn_ratio (float): MLP expansion. Defaults to 4.
        drop_rate (float): MLP dropout. Defaults to 0.
        drop_path (float): Stochastic depth rate. Defaults to 0.
        attn_cfg (dict): Extra :class:`DeformableAudioAttention` arguments.
        norm_cfg (dict): Defaults to ``dict(type='LN')``.
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 embed_dims: int,
                 num_heads: int,
                 feat_size: Sequence[int],
                 ffn_ratio: float = 4.,
                 drop_rate: float = 0.,
                 drop_path: float = 0.,
                 attn_cfg: Dict = dict(),
                 norm_cfg: ConfigType = dict(type='LN'),
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(init_cfg)
        self.norm1 = build_norm_layer(norm_cfg, embed_dims)[1]
        self.attn = DeformableAudioAttention(embed_dims, num_heads, feat_size,
                                             **attn_cfg)
        self.drop_path = DropPath(drop_path) if drop_path > 0 \
            else nn.Identity()
        self.norm2 = build_norm_layer(norm_cfg, embed_dims)[1]
        self.ffn = FFN(
            embed_dims=embed_dims,
            feedforward_channels=int(embed_dims * ffn_ratio),
            num_fcs=2,
            ffn_drop=drop_rate,
            dropout_layer=dict(type='DropPath', drop_prob=drop_path),
            act_cfg=dict(type='GELU'))

    def forward(self, x: Tensor, hw_shape: Tuple[int, int]) -> Tensor:
        """``[B, HW, C]`` -> ``[B, HW, C]``."""
        x = x + self.drop_path(self.attn(self.norm1(x), hw_shape))
        return self.ffn(self.norm2(x), identity=x)


@MODELS.register_module()
class DeformableAudioTransformer(BaseModule):
    """DATAR backbone (`DATAR <https://arxiv.org/abs/2312.16228>`_, Fig. 2).

    The pyramid of DAT v1 (`Xia et al., CVPR 2022
    <https://arxiv.org/abs/2201.00017>`_) on a 1-channel log-mel
    spectrogram ``[N, 1, h, T]`` (**frequency is the height**):

    * optional input adaptor (``LearnableInputAdaptor``, Eq. 5) or input
      perturbation (``InputPerturbation``, Table 4) on the spectrogram;
    * 4x4 stride-4 patch embedding + LN, then four stages separated by
      2x2 stride-2 convolutions (no bias) + LN;
    * stage blocks by letter: ``L`` local window attention, ``S`` shifted
      window attention (mmpretrain's :class:`SwinBlock`; maps whose sides
      the window does not divide are padded at the bottom/right, and
      windows larger than the map are padded too), ``D`` deformable
      attention (:class:`DeformableBlock`), ``F`` the same attention with
      its offsets fixed at zero (keys on the reference grid, no AOG; DAT's
      ``no_off``). DAT's layout is ``LS`` in stages 1-2 and ``LD`` pairs in
      stages 3-4;
    * a LayerNorm on each output map.

    Variants (DAT v1): ``tiny`` 96-192-384-768 channels, depths 2-2-6-2,
    heads 3-6-12-24, groups 3/6 in stages 3/4; ``small`` depths 2-2-18-2;
    ``base`` 128-256-512-1024, heads 4-8-16-32, groups 4/8, depths
    2-2-18-2. At a 128x1024 input the stages are 32x256, 16x128, 8x64 and
    4x32 tokens.

    ``convention='dat'`` reproduces DAT v1's code (``LeapLabTHU/DAT`` at
    797f187) on its weights: the deformable attention's DAT coordinate
    convention (see :class:`DeformableAudioAttention`), DAT's shift of
    ``ceil(window / 2)`` (4 for window 7, where Swin and mmpretrain shift by
    ``window // 2`` = 3) and the LayerNorm of DAT's offset network. The paper
    configs use it, so that DAT-B's ImageNet weights are transferred with
    their function (``tests/models/backbones/test_datar_dat_parity.py``).

    Args:
        arch (str | dict): ``'tiny'``, ``'small'``, ``'base'`` or a dict
            with ``embed_dims``, ``depths``, ``num_heads``, ``num_groups``
            (4 entries each). Defaults to ``'tiny'``.
        in_channels (int): Input planes. Defaults to 1.
        input_size (Sequence[int]): Nominal ``(h, T)`` input; sizes the
            deformable bias tables. Other sizes run too (tables clamp).
            Defaults to ``(128, 1024)``.
        patch_size (int): Stem kernel and stride. Defaults to 4.
        window_size (int): Window of ``L``/``S`` blocks. Defaults to 7.
        stage_specs (Sequence[str], optional): Block letters per stage,
            e.g. ``('LS', 'LS', 'LDLDLD', 'LD')``. Defaults to DAT's layout.
        deformable (bool): False replaces every ``D`` block by
            ``fallback_block`` (Table 4 "without deformable").
            Defaults to True.
        fallback_block (str): ``'F'`` (zero offsets: the deformable block
            without its offset network, so every other pretrained tensor is
            used), ``'L'`` or ``'S'`` (window blocks, whose weights DAT's
            checkpoint does not have there). Defaults to ``'F'``.
        convention (str): ``'centred'`` or ``'dat'`` (DAT v1's code, see
            above). Defaults to ``'centred'``.
        shift_size (int, optional): Shift of the ``S`` blocks. Defaults to
            None: ``ceil(window_size / 2)`` with ``convention='dat'``,
            ``window_size // 2`` otherwise.
        offset_range (float): ``s`` of the offsets. Defaults to 2.
        offset_kernel_size (int | Sequence[int]): AOG depth-wise kernel,
            per stage or for all. Defaults to 5 (paper).
        offset_norm (bool, optional): LN inside the AOG (DAT's code, not
            the paper). Defaults to None: True with ``convention='dat'``,
            False otherwise.
        downsample_ratio (int): ``r`` of the reference grid (the paper's
            "offset network on 4x subsampled tokens" is ``r = 2``).
            Defaults to 1 (DAT-T/S/B).
        use_rpe (bool): Deformable relative position bias. Defaults to True.
        ffn_ratio (float): MLP expansion. Defaults to 4.
        qkv_bias (bool): Defaults to True.
        drop_rate (float): Dropout of MLPs and projections. Defaults to 0.
        attn_drop_rate (float): Defaults to 0.
        drop_path_rate (float): Stochastic depth, linear over blocks.
            Defaults to 0.2 (DAT-T).
        input_adaptor (dict, optional): Config of the input adaptor or
            perturbation module. Defaults to None.
        out_indices (Sequence[int]): Stages to output. Defaults to (3, ).
        norm_cfg (dict): Defaults to ``dict(type='LN')``.
        pretrained (str, optional): A DAT v1 ImageNet checkpoint (original
            key layout) converted by
            :func:`mmvb.models.utils.dat_to_datar` at ``init_weights``.
            Defaults to None.
        init_cfg (dict | list[dict], optional): Defaults to truncated
            normal (std 0.02) Linear layers and unit LayerNorms.
    """
    arch_zoo = {
        **dict.fromkeys(['t', 'tiny'],
                        dict(
                            embed_dims=[96, 192, 384, 768],
                            depths=[2, 2, 6, 2],
                            num_heads=[3, 6, 12, 24],
                            num_groups=[1, 1, 3, 6])),
        **dict.fromkeys(['s', 'small'],
                        dict(
                            embed_dims=[96, 192, 384, 768],
                            depths=[2, 2, 18, 2],
                            num_heads=[3, 6, 12, 24],
                            num_groups=[1, 1, 3, 6])),
        **dict.fromkeys(['b', 'base'],
                        dict(
                            embed_dims=[128, 256, 512, 1024],
                            depths=[2, 2, 18, 2],
                            num_heads=[4, 8, 16, 32],
                            num_groups=[1, 1, 4, 8])),
    }

    def __init__(
        self,
        arch: Union[str, Dict] = 'tiny',
        in_channels: int = 1,
        input_size: Sequence[int] = (128, 1024),
        patch_size: int = 4,
        window_size: int = 7,
        stage_specs: Optional[Sequence[str]] = None,
        deformable: bool = True,
        fallback_block: str = 'F',
        convention: str = 'centred',
        shift_size: Optional[int] = None,
        offset_range: float = 2.0,
        offset_kernel_size: Union[int, Sequence[int]] = 5,
        offset_norm: Optional[bool] = None,
        downsample_ratio: int = 1,
        use_rpe: bool = True,
        ffn_ratio: float = 4.,
        qkv_bias: bool = True,
        drop_rate: float = 0.,
        attn_drop_rate: float = 0.,
        drop_path_rate: float = 0.2,
        input_adaptor: OptConfigType = None,
        out_indices: Sequence[int] = (3, ),
        norm_cfg: ConfigType = dict(type='LN'),
        pretrained: Optional[str] = None,
        init_cfg: OptConfigType = [
            dict(type='TruncNormal', layer='Linear', std=0.02, bias=0.),
            dict(type='Constant', layer='LayerNorm', val=1., bias=0.)
        ]
    ) -> None:
        super().__init__(init_cfg)
        if isinstance(arch, str):
            if arch.lower() not in self.arch_zoo:
                raise KeyError(f'arch {arch!r} is not one of '
                               f'{sorted(self.arch_zoo)}')
            arch = self.arch_zoo[arch.lower()]
        self.arch_settings = dict(arch)
        dims = list(arch['embed_dims'])
        depths = list(arch['depths'])
        heads = list(arch['num_heads'])
        groups = list(arch['num_groups'])
        num_stages = len(depths)
        if stage_specs is None:
            stage_specs = [('LS' if i < 2 else 'LD') * math.ceil(d / 2)
                           for i, d in enumerate(depths)]
            stage_specs = [s[:d] for s, d in zip(stage_specs, depths)]
        if [len(s) for s in stage_specs] != depths:
            raise ValueError(f'stage_specs {stage_specs} do not match the '
                             f'depths {depths}')
        if fallback_block not in ('F', 'L', 'S'):
            raise ValueError("fallback_block must be 'F', 'L' or 'S', got "
                             f'{fallback_block!r}')
        if convention not in ('centred', 'dat'):
            raise ValueError("convention must be 'centred' or 'dat', got "
                             f'{convention!r}')
        if shift_size is None:
            shift_size = math.ceil(window_size / 2) \
                if convention == 'dat' else window_size // 2
        if offset_norm is None:
            offset_norm = convention == 'dat'
        if not deformable:
            stage_specs = [s.replace('D', fallback_block) for s in stage_specs]
        self.stage_specs = list(stage_specs)
        if isinstance(offset_kernel_size, int):
            offset_kernel_size = [offset_kernel_size] * num_stages
        self.in_channels = in_channels
        self.input_size = tuple(input_size)
        self.window_size = window_size
        self.shift_size = shift_size
        self.convention = convention
        self.downsample_ratio = downsample_ratio
        self.out_indices = tuple(out_indices)
        self.embed_dims = dims
        self.num_features = dims[-1]
        self.pretrained = pretrained

        self.input_adaptor = MODELS.build(input_adaptor) \
            if input_adaptor is not None else nn.Identity()
        self.patch_embed = PatchEmbed(
            in_channels=in_channels,
            embed_dims=dims[0],
            kernel_size=patch_size,
            stride=patch_size,
            norm_cfg=norm_cfg,
            input_size=self.input_size)
        feat_size = self.patch_embed.init_out_size
        self.feat_sizes = []
        dpr = torch.linspace(0, drop_path_rate, sum(depths)).tolist()
        self.stages = ModuleList()
        self.downsamples = ModuleList()
        for i in range(num_stages):
            self.feat_sizes.append(tuple(feat_size))
            blocks = ModuleList()
            for j, kind in enumerate(self.stage_specs[i]):
                drop_path = dpr[sum(depths[:i]) + j]
                if kind in ('L', 'S'):
                    blocks.append(
                        SwinBlock(
                            dims[i],
                            heads[i],
                            window_size=window_size,
                            shift=kind == 'S',
                            ffn_ratio=ffn_ratio,
                            drop_path=drop_path,
                            pad_small_map=True,
                            attn_cfgs=dict(
                                shift_size=shift_size if kind == 'S' else 0,
                                qkv_bias=qkv_bias,
                                attn_drop=attn_drop_rate,
                                proj_drop=drop_rate),
                            ffn_cfgs=dict(ffn_drop=drop_rate),
                            norm_cfg=norm_cfg))
                elif kind in ('D', 'F'):
                    blocks.append(
                        DeformableBlock(
                            dims[i],
                            heads[i],
                            feat_size,
                            ffn_ratio=ffn_ratio,
                            drop_rate=drop_rate,
                            drop_path=drop_path,
                            attn_cfg=dict(
                                num_groups=groups[i],
                                downsample_ratio=downsample_ratio,
                                offset_range=offset_range,
                                offset_kernel_size=offset_kernel_size[i],
                                offset_norm=offset_norm,
                                deformable=kind == 'D',
                                convention=convention,
                                use_rpe=use_rpe,
                                qkv_bias=qkv_bias,
                                attn_drop=attn_drop_rate,
                                proj_drop=drop_rate),
                            norm_cfg=norm_cfg))
                else:
                    raise ValueError(f'unknown block {kind!r} in stage {i} '
                                     "(use 'L', 'S', 'D' or 'F')")
            self.stages.append(blocks)
            if i < num_stages - 1:
                down = PatchEmbed(
                    in_channels=dims[i],
                    embed_dims=dims[i + 1],
                    kernel_size=2,
                    stride=2,
                    bias=False,
                    norm_cfg=norm_cfg,
                    input_size=feat_size)
                self.downsamples.append(down)
                feat_size = down.init_out_size
        for i in self.out_indices:
            self.add_module(f'norm{i}', build_norm_layer(norm_cfg, dims[i])[1])

    def init_weights(self) -> None:
        """Random init, then (with ``pretrained``) DAT ImageNet weights."""
        super().init_weights()
        if self.pretrained is None:
            return
        logger = MMLogger.get_current_instance()
        if self.convention != 'dat':
            logger.warning(
                f'DATAR: loading {self.pretrained} with convention='
                f"{self.convention!r}: DAT's weights are transferred but not "
                "their function (use convention='dat' for that)")
        ckpt = CheckpointLoader.load_checkpoint(
            self.pretrained, map_location='cpu')
        state_dict, report = dat_to_datar(ckpt, dict(self.named_parameters()))
        self.load_state_dict(state_dict, strict=False)
        logger.info(f'DATAR: loaded DAT weights from {self.pretrained} '
                    f'(tensors not in the checkpoint keep their random '
                    f'init)\n{report}')

    def forward(self, x: Tensor) -> Union[Tensor, Tuple[Tensor, ...]]:
        """Spectrogram ``[N, C, h, T]`` -> feature maps ``[N, C_i, h_i,
        T_i]`` of the ``out_indices`` stages (a tensor for one stage)."""
        x = self.input_adaptor(x)
        x, hw = self.patch_embed(x)
        outs = []
        for i, blocks in enumerate(self.stages):
            for block in blocks:
                x = block(x, hw)
            if i in self.out_indices:
                out = getattr(self, f'norm{i}')(x)
                outs.append(out.transpose(1, 2).reshape(x.shape[0], -1, *hw))
            if i < len(self.downsamples):
                x, hw = self.downsamples[i](
                    x.transpose(1, 2).reshape(x.shape[0], -1, *hw))
        return outs[0] if len(outs) == 1 else tuple(outs)
