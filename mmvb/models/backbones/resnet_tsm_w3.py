# Copyright (c) mmvb contributors. All rights reserved.
"""TSM ResNet with an attention module in every residual block (W3)."""
from typing import Dict, List, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmaction.models.backbones.resnet import BasicBlock, Bottleneck
from mmaction.models.backbones.resnet_tsm import ResNetTSM
from mmaction.registry import MODELS
from mmaction.utils import OptConfigType
from mmcv.cnn import ConvModule
from torch import Tensor, nn
from torch.utils import checkpoint as cp

from ..layers import collect_attention_maps

ATTENTION_POSITIONS = ('inner', 'residual', 'output')


class _AttentionBlockMixin:
    """Holds an optional ``attention`` module and where it acts.

    Positions: ``'inner'`` on the ``planes``-channel feature inside the
    block (after the 3x3 convolution of a bottleneck, after the first
    convolution of a basic block); ``'residual'`` on the residual branch
    output, after its last convolution and norm and before the addition
    (the CBAM / SE position); ``'output'`` on the block output, after the
    addition and ReLU.
    """

    def _init_attention(self) -> None:
        self.attention = None
        self.attention_position = 'residual'

    def set_attention(self, attention: nn.Module, position: str) -> None:
        """Install ``attention`` at ``position`` (see class docstring)."""
        if position not in ATTENTION_POSITIONS:
            raise ValueError(f'attention position must be one of '
                             f'{ATTENTION_POSITIONS}, got {position!r}')
        self.attention = attention
        self.attention_position = position

    def _attend(self, x: Tensor, position: str) -> Tensor:
        if self.attention is not None and \
                self.attention_position == position:
            return self.attention(x)
        return x


class AttentionBasicBlock(_AttentionBlockMixin, BasicBlock):
    """MMAction2's ``BasicBlock`` with an optional attention module.

    Without attention it computes exactly what ``BasicBlock`` does, with the
    same parameter names.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._init_attention()

    def forward(self, x: Tensor) -> Tensor:
        """Defines the computation performed at every call."""
        identity = x
        out = self._attend(self.conv1(x), 'inner')
        out = self._attend(self.conv2(out), 'residual')
        if self.downsample is not None:
            identity = self.downsample(x)
        out = self.relu(out + identity)
        return self._attend(out, 'output')


class AttentionBottleneck(_AttentionBlockMixin, Bottleneck):
    """MMAction2's ``Bottleneck`` with an optional attention module.

    Without attention it computes exactly what ``Bottleneck`` does, with the
    same parameter names (``with_cp`` included).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._init_attention()

    def forward(self, x: Tensor) -> Tensor:
        """Defines the computation performed at every call."""

        def _inner_forward(x):
            identity = x
            out = self.conv2(self.conv1(x))
            out = self._attend(out, 'inner')
            out = self._attend(self.conv3(out), 'residual')
            if self.downsample is not None:
                identity = self.downsample(x)
            return out + identity

        if self.with_cp and x.requires_grad:
            out = cp.checkpoint(_inner_forward, x, use_reentrant=False)
        else:
            out = _inner_forward(x)
        out = self.relu(out)
        return self._attend(out, 'output')


@MODELS.register_module()
class ResNetTSMW3(ResNetTSM):
    """TSM ResNet with W3 attention and attention-guided refinement.

    `Knowing What, Where and When to Look: Efficient Video Action Modeling
    with Attention <https://arxiv.org/abs/2004.01278>`_, Sec. 3.3-3.4.
    MMAction2's :class:`ResNetTSM` (temporal shift, non-local, temporal
    pooling and all its arguments) whose residual blocks each carry an
    attention module (Sec. 3.3: "we apply our attention module at each
    residual block"), built from ``attention_cfg`` with ``in_channels``
    and the stage's ``num_segments`` filled in:
    :class:`~mmvb.models.layers.W3Attention` by default,
    :class:`~mmvb.models.layers.CBAM` for the paper's CBAM competitor.

    **Placement** (``attention_position``): ``'residual'`` (default) puts
    the module on the residual branch output, after the block's last
    convolution and norm and before the addition (where CBAM and SE sit);
    its input has ``planes * expansion`` channels (with dense temporal
    convolutions, the placement whose FLOPs come closest to the paper's,
    Table 1/6; ``configs/w3/README.md``). ``'inner'`` acts on the
    ``planes``-channel feature inside the block, ``'output'`` on the block
    output after the addition.

    **Attention-guided feature refinement** (AFR, Eq. 7-8; ``with_afr``):
    the spatial masks ``M^s`` of the attention modules (one per stage, from
    its last block, with ``afr_maps='stage'`` as in Eq. 7; every block with
    ``'block'``) are adaptive-average-pooled to the last stage's size
    (``T x H_l x W_l``), concatenated along channels and turned into a
    refinement map by a 1x1 convolution with ``C_l`` output channels and a
    ReLU, which is added to the last stage's output:
    ``y = x + relu(conv1x1([AAP(M^s,1), ..., AAP(M^s,N)]))``.

    **Weights**: the block parameters keep MMAction2's names, so ImageNet
    (``pretrained`` + ``pretrained2d=True``) and TSM checkpoints
    (``init_cfg=dict(type='Pretrained', prefix='backbone.', ...)`` or the
    runner's ``load_from``) load as for ``ResNetTSM``; attention and AFR
    layers are missing from those checkpoints and get their own
    initialisation in :meth:`init_weights`. With ``attention_cfg=None`` and
    ``with_afr=False`` the backbone computes exactly what ``ResNetTSM``
    computes.

    Args:
        depth (int): ResNet depth: 18 and 34 (basic blocks), 50, 101 and
            152 (bottlenecks).
        attention_cfg (dict, optional): Attention module config (without
            ``in_channels`` and ``num_segments``); None disables attention.
            Defaults to ``dict(type='W3Attention')``.
        attention_position (str): ``'inner'``, ``'residual'`` or
            ``'output'``. Defaults to ``'residual'``.
        attention_stages (Sequence[bool]): Per stage, whether its blocks get
            attention. Defaults to ``(True, True, True, True)``.
        with_afr (bool): Attention-guided feature refinement.
            Defaults to True.
        afr_maps (str): ``'stage'`` (last block of each stage) or
            ``'block'`` (every block). Defaults to ``'stage'``.
        **kwargs: :class:`ResNetTSM` arguments (``num_segments``,
            ``shift_div``, ``non_local``, ``temporal_pool``, ``pretrained``,
            ``pretrained2d``, ``norm_eval``, ``with_cp``, ...).
    """

    arch_settings = {
        18: (AttentionBasicBlock, (2, 2, 2, 2)),
        34: (AttentionBasicBlock, (3, 4, 6, 3)),
        50: (AttentionBottleneck, (3, 4, 6, 3)),
        101: (AttentionBottleneck, (3, 4, 23, 3)),
        152: (AttentionBottleneck, (3, 8, 36, 3))
    }

    def __init__(self,
                 depth: int,
                 attention_cfg: OptConfigType = dict(type='W3Attention'),
                 attention_position: str = 'residual',
                 attention_stages: Sequence[bool] = (True, True, True, True),
                 with_afr: bool = True,
                 afr_maps: str = 'stage',
                 **kwargs) -> None:
        super().__init__(depth, **kwargs)
        if attention_position not in ATTENTION_POSITIONS:
            raise ValueError(f'attention_position must be one of '
                             f'{ATTENTION_POSITIONS}, got '
                             f'{attention_position!r}')
        if afr_maps not in ('stage', 'block'):
            raise ValueError("afr_maps must be 'stage' or 'block', got "
                             f'{afr_maps!r}')
        if len(attention_stages) != self.num_stages:
            raise ValueError(f'attention_stages needs one entry per stage '
                             f'({self.num_stages}), got {attention_stages}')
        self.attention_cfg = attention_cfg
        self.attention_position = attention_position
        self.attention_stages = tuple(bool(s) for s in attention_stages)
        self.with_afr = with_afr
        self.afr_maps = afr_maps
        # names of the attention modules, per stage (empty where none)
        self.attention_names: List[List[str]] = self._add_attention()
        if with_afr:
            self._init_afr()

    # ------------------------------------------------------------------
    # construction
    # ------------------------------------------------------------------
    def stage_num_segments(self, stage: int) -> int:
        """Frames per clip seen by ``stage`` (halved after stage 0 with
        ``temporal_pool``)."""
        if self.temporal_pool and stage > 0:
            return self.num_segments // 2
        return self.num_segments

    def _add_attention(self) -> List[List[str]]:
        names = [[] for _ in range(self.num_stages)]
        if self.attention_cfg is None:
            return names
        for stage, layer_name in enumerate(self.res_layers):
            if not self.attention_stages[stage]:
                continue
            layer = getattr(self, layer_name)
            blocks = [(name, m)
                      for name, m in layer.named_modules(prefix=layer_name)
                      if isinstance(m, _AttentionBlockMixin)]
            for name, block in blocks:
                if self.attention_position == 'inner':
                    channels = block.conv1.out_channels if isinstance(
                        block, BasicBlock) else block.conv2.out_channels
                else:
                    channels = block.conv2.out_channels if isinstance(
                        block, BasicBlock) else block.conv3.out_channels
                cfg = dict(self.attention_cfg)
                cfg.update(
                    in_channels=channels,
                    num_segments=self.stage_num_segments(stage))
                block.set_attention(MODELS.build(cfg), self.attention_position)
                names[stage].append(f'{name}.attention')
        return names

    def _init_afr(self) -> None:
        if self.attention_cfg is None:
            raise ValueError('with_afr=True refines features with the '
                             'attention masks: it needs attention_cfg')
        if self.num_stages - 1 not in self.out_indices:
            raise ValueError('the refinement is added to the last stage: '
                             f'out_indices must contain {self.num_stages - 1}')
        sources, segments = [], []
        for stage, names in enumerate(self.attention_names):
            chosen = names[-1:] if self.afr_maps == 'stage' else names
            sources += chosen
            segments += [self.stage_num_segments(stage)] * len(chosen)
        if not sources:
            raise ValueError('with_afr=True but no stage has attention')
        probe = self.get_submodule(sources[0])
        if not getattr(probe, 'with_spatial', True):
            raise ValueError(
                'with_afr=True refines features with the spatial attention '
                'masks; the attention has with_spatial=False (set '
                'with_afr=False, as in the "w/o SA" ablation)')
        self.afr_sources = sources
        self.afr_segments = segments
        self.afr = ConvModule(
            len(sources),
            self.feat_dim,
            kernel_size=1,
            norm_cfg=None,
            act_cfg=dict(type='ReLU'))

    def init_weights(self) -> None:
        """Initialise like ``ResNetTSM`` (ImageNet / checkpoint / Kaiming),
        then give the attention and refinement layers their own init.

        ``ResNetTSM.init_weights`` does not reach modules nested in the
        residual layers (and its ImageNet branch initialises nothing), so
        the attention modules are initialised here explicitly.
        """
        super().init_weights()
        for names in self.attention_names:
            for name in names:
                self.get_submodule(name).init_weights()
        if self.with_afr:
            self.afr.init_weights()

    # ------------------------------------------------------------------
    # forward
    # ------------------------------------------------------------------
    def multi_scale_mask(self, maps: Dict[nn.Module, Tensor],
                         size: Tuple[int, int]) -> Tensor:
        """``M^ms`` of Eq. 7: ``[N * T_l, num_maps, H_l, W_l]``.

        Args:
            maps (dict[nn.Module, Tensor]): Spatial mask of each attention
                module, ``[N * T_j, 1, H_j, W_j]``.
            size (tuple[int, int]): ``(H_l, W_l)`` of the last stage.

        Returns:
            Tensor: The masks of :attr:`afr_sources`, each adaptive-average
            pooled to ``(T_l, H_l, W_l)`` (``T_l`` frames of the last
            stage), concatenated along channels.
        """
        t_last = self.stage_num_segments(self.num_stages - 1)
        pooled = []
        for name, t in zip(self.afr_sources, self.afr_segments):
            try:
                mask = maps[self.get_submodule(name)]
            except KeyError:
                raise RuntimeError(
                    f'no attention mask was recorded for {name}; the '
                    'refinement collects masks with '
                    'mmvb.models.layers.collect_attention_maps, which only '
                    'sees modules run in the same thread') from None
            vol = mask.view(-1, 1, t, *mask.shape[-2:])
            vol = F.adaptive_avg_pool3d(vol, (t_last, ) + tuple(size))
            pooled.append(vol.transpose(1, 2).reshape(-1, 1, *size))
        return torch.cat(pooled, dim=1)

    def refinement(self, maps: Dict[nn.Module, Tensor],
                   size: Tuple[int, int]) -> Tensor:
        """The feature refining map ``f_ref(M^ms)`` of Eq. 8.

        Args:
            maps (dict[nn.Module, Tensor]): Spatial mask of each attention
                module (see :meth:`multi_scale_mask`).
            size (tuple[int, int]): ``(H_l, W_l)`` of the last stage.

        Returns:
            Tensor: ``[N * T_l, C_l, H_l, W_l]``, added to the last stage's
            output by :meth:`forward`.
        """
        return self.afr(self.multi_scale_mask(maps, size))

    def forward(self, x: Tensor) -> Union[Tensor, Tuple[Tensor]]:
        """Backbone features; the last stage's is refined with AFR.

        Args:
            x (Tensor): ``[N * T, 3, H, W]`` frames, clip-major.

        Returns:
            Tensor or tuple[Tensor]: As ``ResNetTSM`` (``out_indices``).
        """
        if x.dim() != 4 or x.size(0) % self.num_segments:
            raise ValueError(
                f'{type(self).__name__} expects [N * T, C, H, W] frames with '
                f'T = num_segments = {self.num_segments} contiguous frames '
                f'per clip, got shape {tuple(x.shape)}')
        if not self.with_afr:
            return super().forward(x)
        with collect_attention_maps() as maps:
            outs = super().forward(x)
        last = outs[-1] if isinstance(outs, tuple) else outs
        refined = last + self.refinement(dict(maps), last.shape[-2:])
        if isinstance(outs, tuple):
            return outs[:-1] + (refined, )
        return refined

    def attention_modules(self) -> List[Tuple[str, nn.Module]]:
        """``(name, module)`` of every attention module, stage by stage."""
        return [(name, self.get_submodule(name))
                for names in self.attention_names for name in names]
