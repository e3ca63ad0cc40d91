# Copyright (c) mmvb contributors. All rights reserved.
"""Behaviour-Centric Visual Encoder (BCVE) of DualScope.

Qiu, Li et al., "DualScope: Capturing Critical Spatial and Temporal Cues
for Distracted Driving Activity Recognition" (Spatial Scope, PEFT): a CLIP
ViT-L/14 (mmpretrain's ``VisionTransformer``: patch 14, pre-norm, QuickGELU)
with a TA-Adapter after the patch embedding and SI-Adapters parallel to
attention and MLP in every layer; the ViT weights stay frozen. LoRA,
AdaptFormer, full fine-tuning and single-adapter variants (Table 5) are
options of the same class.
"""
from contextlib import contextmanager
from typing import Iterator, Optional, Tuple

import torch
from mmaction.registry import MODELS
from torch import Tensor

from mmvb.utils import import_mmpretrain_models
from ..layers.adapters import (ADAPTER_TYPES, AdaptFormerAdapter, LoRAQKV,
                               SpatialInductiveAdapter, TaskAwareAdapter)

if import_mmpretrain_models() is None:
    raise ImportError('BCVEncoder needs mmpretrain: `pip install '
                      '"mmpretrain>=1.2.0,<1.3.0"` (see '
                      'requirements/mminstall.txt)')
from mmpretrain.models.backbones.vision_transformer import (  # noqa: E402
    TransformerEncoderLayer, VisionTransformer)
from mmpretrain.models.utils import resize_pos_embed  # noqa: E402


class BCVEncoderLayer(TransformerEncoderLayer):
    """mmpretrain's ViT encoder layer with optional parallel adapters.

    ``x = x + attn(ln1(x)) + SI_a(ln1(x))`` then
    ``x = x + ffn(ln2(x)) + SI_m(ln2(x)) + AdaptFormer(x)``, with LoRA on
    the attention's ``qkv`` when ``lora_rank`` is set. The SI-Adapters see
    the input of the branch they run beside (as Convpass does); the
    AdaptFormer branch sees the residual stream (as AdaptFormer's parallel
    form does). Parameter names of the wrapped layer are unchanged.

    Built from an mmpretrain layer with :meth:`from_layer`; adapter
    arguments:

    Args:
        si_dims (int, optional): SI-Adapter bottleneck ``h``; None for no
            SI-Adapters.
        si_scale (float): SI-Adapter output scale. Defaults to 1.
        adaptformer_dims (int, optional): AdaptFormer bottleneck; None for
            none.
        adaptformer_scale (float): AdaptFormer output scale.
            Defaults to 0.1.
        lora_rank (int, optional): LoRA rank on queries and values; None
            for none.
        lora_alpha (float, optional): LoRA ``alpha``. Defaults to the rank.
        num_extra_tokens (int): Tokens before the patch tokens.
            Defaults to 1.
    """

    def add_adapters(self,
                     si_dims: Optional[int] = None,
                     si_scale: float = 1.0,
                     adaptformer_dims: Optional[int] = None,
                     adaptformer_scale: float = 0.1,
                     lora_rank: Optional[int] = None,
                     lora_alpha: Optional[float] = None,
                     num_extra_tokens: int = 1) -> None:
        """Create the adapters (arguments as in the class docstring)."""
        d = self.embed_dims
        self.si_attn = self.si_mlp = self.adaptformer = None
        if si_dims:
            self.si_attn = SpatialInductiveAdapter(d, si_dims,
                                                   num_extra_tokens, si_scale)
            self.si_mlp = SpatialInductiveAdapter(d, si_dims, num_extra_tokens,
                                                  si_scale)
        if adaptformer_dims:
            self.adaptformer = AdaptFormerAdapter(d, adaptformer_dims,
                                                  adaptformer_scale)
        if lora_rank:
            self.attn.qkv = LoRAQKV(self.attn.qkv, lora_rank, lora_alpha)

    @classmethod
    def from_layer(cls, layer: TransformerEncoderLayer,
                   **adapter_cfg) -> 'BCVEncoderLayer':
        """Turn a built mmpretrain layer into this class in place (its
        weights and their names are kept) and add the adapters."""
        layer.__class__ = cls
        layer.add_adapters(**adapter_cfg)
        return layer

    @staticmethod
    def _on(adapter) -> bool:
        return adapter is not None and adapter.enabled

    def forward(self,
                x: Tensor,
                hw: Optional[Tuple[int, int]] = None) -> Tensor:
        """``x``: ``[B, E + H*W, D]`` tokens on the ``hw`` patch grid (needed
        by SI-Adapters)."""
        h = self.ln1(x)
        out = self.attn(h)
        if self._on(self.si_attn):
            out = out + self.si_attn(h, hw)
        x = x + out
        h = self.ln2(x)
        out = self.ffn(h, identity=x)
        if self._on(self.si_mlp):
            out = out + self.si_mlp(h, hw)
        if self._on(self.adaptformer):
            out = out + self.adaptformer(x)
        return out


@MODELS.register_module()
class BCVEncoder(VisionTransformer):
    """DualScope's Behaviour-Centric Visual Encoder (BCVE).

    An mmpretrain :class:`VisionTransformer` whose defaults are OpenAI's
    CLIP ViT-L/14 image tower (patch 14, ``pre_norm`` = CLIP's ``ln_pre``,
    QuickGELU, final norm = ``ln_post``, LayerNorm eps 1e-5), with the
    parameter-efficient fine-tuning chosen by ``peft``:

    * ``'ta_si'`` (the paper's BCVE): TA-Adapter (bottleneck ``ta_dims``)
      after the patch embedding and SI-Adapters (bottleneck ``si_dims``)
      parallel to attention and MLP in every layer.
    * ``'ta'`` / ``'si'``: one of the two (Table 5).
    * ``'lora'``: LoRA of rank ``lora_rank`` on queries and values.
    * ``'adaptformer'``: AdaptFormer (bottleneck ``adaptformer_dims``)
      parallel to every MLP.
    * ``'full'``: no adapters, every parameter trains.
    * ``'none'``: no adapters, nothing trains (the plain CLIP encoder).

    With adapters, only adapter parameters have ``requires_grad``;
    ``frozen=True`` freezes them too (BCVE as a fixed frame encoder after
    SBCD pre-training). The
    state-dict keys of the ViT are mmpretrain's, so CLIP checkpoints in
    mmpretrain key names load (adapter keys are reported missing), and the
    ViT part of a BCVE checkpoint loads into a plain mmpretrain ViT.
    :meth:`adapters_disabled` runs the encoder as the un-adapted ViT
    (DualScope's IRDD teacher).

    Frame-encoder contract: ``forward`` takes ``[N, 3, H, W]`` and returns
    a tuple whose last element is ``[N, C]`` for ``out_type='cls_token'``
    (the default), as mmpretrain's ViT does.

    Args:
        peft (str): One of :attr:`PEFT_MODES`. Defaults to ``'ta_si'``.
        ta_dims (int): TA-Adapter bottleneck ``s``. Defaults to 32.
        si_dims (int): SI-Adapter bottleneck ``h``. Defaults to 8.
        si_scale (float): SI-Adapter output scale. Defaults to 1.
        lora_rank (int): LoRA rank. Defaults to 16.
        lora_alpha (float, optional): LoRA alpha. Defaults to the rank.
        adaptformer_dims (int): AdaptFormer bottleneck. Defaults to 64.
        adaptformer_scale (float): AdaptFormer scale. Defaults to 0.1.
        frozen (bool): Freeze every parameter, adapters included.
            Defaults to False.
        arch, img_size, patch_size, norm_cfg, pre_norm, layer_cfgs,
        out_type, **kwargs: :class:`VisionTransformer` arguments, with CLIP
            ViT-L/14 defaults.
    """

    PEFT_MODES = ('ta_si', 'ta', 'si', 'lora', 'adaptformer', 'full', 'none')

    def __init__(self,
                 arch='large',
                 img_size=224,
                 patch_size: int = 14,
                 norm_cfg: dict = dict(type='LN', eps=1e-5),
                 pre_norm: bool = True,
                 layer_cfgs=dict(act_cfg=dict(type='mmpretrain.QuickGELU')),
                 out_type: str = 'cls_token',
                 peft: str = 'ta_si',
                 ta_dims: int = 32,
                 si_dims: int = 8,
                 si_scale: float = 1.0,
                 lora_rank: int = 16,
                 lora_alpha: Optional[float] = None,
                 adaptformer_dims: int = 64,
                 adaptformer_scale: float = 0.1,
                 frozen: bool = False,
                 **kwargs) -> None:
        if peft not in self.PEFT_MODES:
            raise ValueError(f'peft must be one of {self.PEFT_MODES}, got '
                             f'{peft!r}')
        self.peft = peft
        adapter_cfg = dict(num_extra_tokens=1)
        if peft in ('ta_si', 'si'):
            adapter_cfg.update(si_dims=si_dims, si_scale=si_scale)
        if peft == 'lora':
            adapter_cfg.update(lora_rank=lora_rank, lora_alpha=lora_alpha)
        if peft == 'adaptformer':
            adapter_cfg.update(
                adaptformer_dims=adaptformer_dims,
                adaptformer_scale=adaptformer_scale)
        super().__init__(
            arch=arch,
            img_size=img_size,
            patch_size=patch_size,
            norm_cfg=norm_cfg,
            pre_norm=pre_norm,
            layer_cfgs=layer_cfgs,
            out_type=out_type,
            **kwargs)
        assert self.num_extra_tokens == 1, \
            'BCVEncoder expects a [CLS] token (with_cls_token=True)'
        for layer in self.layers:
            BCVEncoderLayer.from_layer(layer, **adapter_cfg)
        self.ta_adapter = TaskAwareAdapter(
            self.embed_dims, ta_dims) if peft in ('ta_si', 'ta') else None
        self.frozen = frozen
        if frozen or peft != 'full':
            self._freeze(adapters=frozen)

    def _freeze(self, adapters: bool) -> None:
        """Freeze the ViT, and the adapters too if ``adapters``."""
        for p in self.parameters():
            p.requires_grad = False
        if adapters:
            return
        for m in self.modules():
            if isinstance(m, LoRAQKV):
                for name, p in m.named_parameters():
                    p.requires_grad = name.startswith('lora_')
            elif isinstance(m, ADAPTER_TYPES):
                for p in m.parameters():
                    p.requires_grad = True

    def train(self, mode: bool = True) -> 'BCVEncoder':
        """A ``frozen`` encoder stays in eval mode."""
        return super().train(mode and not self.frozen)

    def adapter_parameters(self) -> Iterator[torch.nn.Parameter]:
        """The adapter parameters."""
        for m in self.modules():
            if isinstance(m, LoRAQKV):
                yield from (p for n, p in m.named_parameters()
                            if n.startswith('lora_'))
            elif isinstance(m, ADAPTER_TYPES):
                yield from m.parameters()

    @contextmanager
    def adapters_disabled(self):
        """Run the encoder as the un-adapted ViT inside this context."""
        adapters = [m for m in self.modules() if isinstance(m, ADAPTER_TYPES)]
        states = [m.enabled for m in adapters]
        for m in adapters:
            m.enabled = False
        try:
            yield self
        finally:
            for m, state in zip(adapters, states):
                m.enabled = state

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """``[N, 3, H, W]`` images -> a tuple with one output per
        ``out_indices`` entry, formatted by ``out_type``."""
        B = x.shape[0]
        x, patch_resolution = self.patch_embed(x)
        if self.ta_adapter is not None:
            x = self.ta_adapter(x)
        cls_token = self.cls_token.expand(B, -1, -1)
        x = torch.cat((cls_token, x), dim=1)
        x = x + resize_pos_embed(
            self.pos_embed,
            self.patch_resolution,
            patch_resolution,
            mode=self.interpolate_mode,
            num_extra_tokens=self.num_extra_tokens)
        x = self.drop_after_pos(x)
        x = self.pre_norm(x)

        outs = []
        for i, layer in enumerate(self.layers):
            x = layer(x, patch_resolution)
            if i == len(self.layers) - 1 and self.final_norm:
                x = self.ln1(x)
            if i in self.out_indices:
                outs.append(self._format_output(x, patch_resolution))
        return tuple(outs)


def count_parameters(module: torch.nn.Module,
                     trainable_only: bool = True) -> int:
    """Number of (trainable) parameters of ``module``."""
    return sum(p.numel() for p in module.parameters()
               if p.requires_grad or not trainable_only)


__all__ = ('BCVEncoder', 'BCVEncoderLayer', 'count_parameters')
