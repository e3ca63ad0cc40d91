# Copyright (c) mmvb contributors. All rights reserved.
"""ImageNet checkpoint converters for the audio backbones.

* :func:`dat_to_datar`: a DAT v1 checkpoint (``LeapLabTHU/DAT`` 797f187
  key layout, ``{'model': state_dict}``) ->
  :class:`DeformableAudioTransformer`.
* :func:`vit_to_ast`: a timm or mmpretrain (Distilled) ViT checkpoint ->
  :class:`AudioSpectrogramTransformer`, adapted as AST does.

Both take the target model's ``state_dict()`` (for the shapes to adapt to)
and return the converted state dict plus a :class:`ConversionReport` that
lists what was copied, adapted and dropped (and why), and which target
tensors the checkpoint does not provide.
"""
import re
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor


@dataclass
class ConversionReport:
    """What a checkpoint conversion did.

    Attributes:
        copied (list[str]): Target keys filled with unchanged tensors.
        adapted (dict[str, str]): Target key -> how its tensor was adapted
            (channel sum, resize, kernel padding, ...).
        dropped (dict[str, str]): Source key -> why it was not used.
        missing (list[str]): Target keys the checkpoint does not fill.
    """
    copied: List[str] = field(default_factory=list)
    adapted: Dict[str, str] = field(default_factory=dict)
    dropped: Dict[str, str] = field(default_factory=dict)
    missing: List[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [
            f'copied {len(self.copied)}, adapted {len(self.adapted)}, '
            f'dropped {len(self.dropped)}, missing {len(self.missing)}'
        ]
        lines += [f'  adapted {k}: {v}' for k, v in self.adapted.items()]
        lines += [f'  dropped {k}: {v}' for k, v in self.dropped.items()]
        lines += [
            f'  missing {k} (not in the checkpoint)' for k in self.missing
        ]
        return '\n'.join(lines)


def unwrap_state_dict(checkpoint: Mapping) -> Dict[str, Tensor]:
    """The state dict inside a checkpoint (``model``/``state_dict`` key,
    ``module.`` prefixes of DDP removed)."""
    for key in ('model', 'state_dict', 'model_state'):
        if key in checkpoint and isinstance(checkpoint[key], Mapping):
            checkpoint = checkpoint[key]
            break
    return {(k[7:] if k.startswith('module.') else k): v
            for k, v in checkpoint.items()}


def sum_input_channels(weight: Tensor, in_channels: int) -> Tensor:
    """Adapt a conv kernel ``[O, I, kh, kw]`` to ``in_channels`` inputs.

    One input channel: the sum over the source channels (AST's RGB -> mono
    rule: a grey image ``x`` on all three channels gives the same response).
    """
    if weight.shape[1] == in_channels:
        return weight
    if in_channels != 1:
        raise ValueError(f'cannot adapt {weight.shape[1]} input channels '
                         f'to {in_channels}')
    return weight.sum(dim=1, keepdim=True)


def resize_table(table: Tensor, size: Tuple[int, int]) -> Tensor:
    """Bicubic resize of ``[..., H, W]`` tables (DAT's loader rule)."""
    if tuple(table.shape[-2:]) == tuple(size):
        return table
    lead = table.shape[:-2]
    out = F.interpolate(
        table.reshape(1, -1, *table.shape[-2:]).float(),
        size=tuple(size),
        mode='bicubic',
        align_corners=False)
    return out.reshape(*lead, *size).to(table.dtype)


def fit_kernel(weight: Tensor, size: Tuple[int, int]) -> Tensor:
    """Zero-pad (or centre-crop) a ``[O, I, k, k]`` kernel to ``size``.

    Padding keeps the convolution's output unchanged ("same" padding
    grows with the kernel).
    """
    kh, kw = weight.shape[-2:]
    th, tw = size
    if (kh, kw) == (th, tw):
        return weight
    if th >= kh and tw >= kw:
        ph, pw = (th - kh) // 2, (tw - kw) // 2
        return F.pad(weight, (pw, tw - kw - pw, ph, th - kh - ph))
    ch, cw = (kh - th) // 2, (kw - tw) // 2
    return weight[..., ch:ch + th, cw:cw + tw]


class _Converter:
    """Shared bookkeeping: put tensors into the target with a report."""

    def __init__(self, target: Mapping[str, Tensor]) -> None:
        self.target = target
        self.out: Dict[str, Tensor] = {}
        self.report = ConversionReport()

    def put(self,
            src: str,
            dst: Optional[str],
            value: Tensor,
            how: Optional[str] = None,
            drop_reason: str = 'no such tensor in the target model') -> None:
        if dst is None or dst not in self.target:
            self.report.dropped[src] = drop_reason
            return
        want = tuple(self.target[dst].shape)
        if tuple(value.shape) != want:
            self.report.dropped[src] = (f'shape {tuple(value.shape)} does '
                                        f'not fit {dst} {want}')
            return
        self.out[dst] = value
        if how is None:
            self.report.copied.append(dst)
        else:
            self.report.adapted[dst] = how

    def finish(self) -> Tuple[Dict[str, Tensor], ConversionReport]:
        self.report.missing = [k for k in self.target if k not in self.out]
        return self.out, self.report


_DAT_BUFFERS = ('relative_position_index', 'attn_mask')


def dat_to_datar(
    checkpoint: Mapping,
    target: Mapping[str,
                    Tensor]) -> Tuple[Dict[str, Tensor], ConversionReport]:
    """Convert a DAT v1 ImageNet checkpoint to DATAR keys.

    Rules (DAT v1 keys and ``DAT.load_pretrained`` of ``models/dat.py``,
    LeapLabTHU/DAT@797f187):

    * ``patch_proj.0`` -> ``patch_embed.projection``: RGB kernel summed to
      the one spectrogram channel; ``patch_proj.1.norm`` ->
      ``patch_embed.norm``;
    * ``stages.i.layer_norms.{2d, 2d+1}.norm`` ->
      ``stages.i.d.{norm1, norm2}``; ``stages.i.mlps.d.chunk.linear{1,2}``
      -> ``stages.i.d.ffn.layers.{0.0, 1}``;
    * window blocks: ``attns.d.{proj_qkv, proj_out,
      relative_position_bias_table}`` -> ``d.attn.w_msa.{qkv, proj,
      relative_position_bias_table}`` (table resized if the window
      changed); the buffers ``relative_position_index``/``attn_mask`` are
      dropped (DATAR computes its own for padded maps);
    * deformable blocks: ``attns.d.proj_{q,k,v,out}`` (1x1 convs) ->
      ``d.attn.{q,k,v,proj}`` (linear); ``rpe_table`` resized bicubically
      to the spectrogram's ``(heads, 2h-1, 2T-1)``; ``conv_offset.0`` ->
      ``d.attn.offset_generator.dwconv`` (kernel zero-padded to the AOG's
      size, e.g. DAT's 3x3 in stage 4 -> 5x5), ``conv_offset.3`` ->
      ``...pwconv``; ``conv_offset.1`` (DAT's LayerNorm) is dropped unless
      the AOG has ``offset_norm=True``;
    * ``down_projs.i.{0, 1.norm}`` -> ``downsamples.i.{projection, norm}``;
      ``cls_norm.norm`` -> ``norm{last}``; ``cls_head`` (the ImageNet
      classifier) is dropped.

    DATAR "without deformable" with ``fallback_block='F'`` uses every
    tensor of DAT's deformable blocks but their offset networks (reported
    dropped). A block whose type differs (``fallback_block='S'`` has
    window blocks where DAT has deformable ones) keeps its random init; the
    report lists those keys as dropped/missing.

    Args:
        checkpoint (Mapping): The loaded DAT checkpoint.
        target (Mapping[str, Tensor]): ``DeformableAudioTransformer``'s
            ``state_dict()``.

    Returns:
        tuple[dict, ConversionReport]: Converted tensors (a subset of the
        target keys) and the report.
    """
    conv = _Converter(target)
    norms = sorted(k for k in target if re.fullmatch(r'norm\d+\.weight', k))
    last_norm = norms[-1].split('.')[0] if norms else None
    source = unwrap_state_dict(checkpoint)
    deformable = {
        k[:-len('.proj_q.weight')]
        for k in source if k.endswith('.proj_q.weight')
    }
    for key, value in source.items():
        m = re.fullmatch(r'patch_proj\.0\.(weight|bias)', key)
        if m:
            dst = f'patch_embed.projection.{m[1]}'
            if m[1] == 'weight' and dst in target and \
                    value.shape[1] != target[dst].shape[1]:
                conv.put(key, dst,
                         sum_input_channels(value, target[dst].shape[1]),
                         f'stem summed over {value.shape[1]} input channels')
            else:
                conv.put(key, dst, value)
            continue
        m = re.fullmatch(r'patch_proj\.1\.norm\.(\w+)', key)
        if m:
            conv.put(key, f'patch_embed.norm.{m[1]}', value)
            continue
        m = re.fullmatch(r'down_projs\.(\d+)\.0\.weight', key)
        if m:
            conv.put(key, f'downsamples.{m[1]}.projection.weight', value)
            continue
        m = re.fullmatch(r'down_projs\.(\d+)\.1\.norm\.(\w+)', key)
        if m:
            conv.put(key, f'downsamples.{m[1]}.norm.{m[2]}', value)
            continue
        m = re.fullmatch(r'cls_norm\.norm\.(\w+)', key)
        if m:
            conv.put(key, f'{last_norm}.{m[1]}' if last_norm else None, value)
            continue
        if key.startswith('cls_head.'):
            conv.report.dropped[key] = 'ImageNet classifier'
            continue
        m = re.fullmatch(r'stages\.(\d+)\.layer_norms\.(\d+)\.norm\.(\w+)',
                         key)
        if m:
            d, which = divmod(int(m[2]), 2)
            conv.put(key, f'stages.{m[1]}.{d}.norm{which + 1}.{m[3]}', value)
            continue
        m = re.fullmatch(
            r'stages\.(\d+)\.mlps\.(\d+)\.chunk\.linear([12])'
            r'\.(\w+)', key)
        if m:
            layer = '0.0' if m[3] == '1' else '1'
            conv.put(key, f'stages.{m[1]}.{m[2]}.ffn.layers.{layer}.{m[4]}',
                     value)
            continue
        m = re.fullmatch(r'(stages\.(\d+)\.attns\.(\d+))\.(.+)', key)
        if m:
            convert = _convert_dat_deformable if m[1] in deformable \
                else _convert_dat_window
            convert(conv, key, f'stages.{m[2]}.{m[3]}.attn', m[4], value)
            continue
        conv.report.dropped[key] = 'not a DAT v1 key DATAR uses'
    return conv.finish()


def _convert_dat_window(conv: _Converter, key: str, prefix: str, name: str,
                        value: Tensor) -> None:
    """One tensor of a DAT local/shifted-window attention module."""
    if name.endswith(_DAT_BUFFERS):
        conv.report.dropped[key] = 'buffer recomputed by DATAR'
        return
    names = {
        'proj_qkv': 'qkv',
        'proj_out': 'proj',
        'relative_position_bias_table': 'relative_position_bias_table'
    }
    module, _, param = name.partition('.')
    if module not in names:
        conv.report.dropped[key] = 'unknown DAT window-attention tensor'
        return
    dst = f'{prefix}.w_msa.{names[module]}' + (f'.{param}' if param else '')
    if module == 'relative_position_bias_table' and dst in conv.target \
            and value.shape != conv.target[dst].shape:
        n, heads = value.shape
        s, t = int(round(n**0.5)), int(round(conv.target[dst].shape[0]**0.5))
        table = resize_table(value.T.reshape(heads, s, s), (t, t))
        conv.put(key, dst,
                 table.reshape(heads, t * t).T,
                 f'window table resized {s}x{s} -> {t}x{t}')
        return
    conv.put(
        key,
        dst,
        value,
        drop_reason='DAT window block where DATAR '
        'has a deformable block')


def _convert_dat_deformable(conv: _Converter, key: str, prefix: str, name: str,
                            value: Tensor) -> None:
    """One tensor of a DAT deformable attention module."""
    target = conv.target
    reason = 'DAT deformable block where DATAR has a window block'
    m = re.fullmatch(r'proj_(q|k|v|out)\.(weight|bias)', name)
    if m:
        dst = f"{prefix}.{'proj' if m[1] == 'out' else m[1]}.{m[2]}"
        if m[2] == 'weight':  # 1x1 conv -> linear
            value = value.reshape(value.shape[0], -1)
        conv.put(key, dst, value, drop_reason=reason)
        return
    if name == 'rpe_table':
        dst = f'{prefix}.rpe_table'
        if dst in target and value.shape != target[dst].shape:
            size = tuple(target[dst].shape[-2:])
            conv.put(
                key, dst, resize_table(value, size),
                f'position-bias table resized '
                f'{tuple(value.shape[-2:])} -> {size}')
        else:
            conv.put(key, dst, value, drop_reason=reason)
        return
    m = re.fullmatch(r'conv_offset\.(0|1\.norm|3)\.(\w+)', name)
    if not m:
        conv.report.dropped[key] = 'unknown DAT deformable-attention tensor'
        return
    part = dict(zip(('0', '1.norm', '3'), ('dwconv', 'norm', 'pwconv')))[m[1]]
    dst = f'{prefix}.offset_generator.{part}.{m[2]}'
    if f'{prefix}.q.weight' in target and \
            f'{prefix}.offset_generator.pwconv.weight' not in target:
        conv.report.dropped[key] = ('offset network of a block with zero '
                                    "offsets ('F', without deformable)")
    elif part == 'norm' and dst not in target and \
            f'{prefix}.offset_generator.pwconv.weight' in target:
        conv.report.dropped[key] = ('DAT offset-net LayerNorm (the '
                                    "paper's AOG has none)")
    elif part == 'dwconv' and m[2] == 'weight' and dst in target and \
            value.shape != target[dst].shape:
        size = tuple(target[dst].shape[-2:])
        conv.put(
            key, dst, fit_kernel(value, size),
            f'offset kernel {tuple(value.shape[-2:])} -> {size} '
            '(zero-padded, same output)')
    else:
        conv.put(key, dst, value, drop_reason=reason)


_TIMM_BLOCK = {
    'norm1': 'ln1',
    'attn.qkv': 'attn.qkv',
    'attn.proj': 'attn.proj',
    'norm2': 'ln2',
    'mlp.fc1': 'ffn.layers.0.0',
    'mlp.fc2': 'ffn.layers.1',
}


def _vit_key_to_mmpretrain(key: str) -> Optional[str]:
    """timm ViT/DeiT or mmpretrain ViT key -> mmpretrain backbone key
    (None for classifier heads)."""
    if key.startswith('backbone.'):
        return key[len('backbone.'):]
    if key.startswith(('head.', 'head_dist.',
                       'pre_logits.')) or key in ('head.weight', 'head.bias'):
        return None
    m = re.fullmatch(
        r'blocks\.(\d+)\.(norm1|attn\.qkv|attn\.proj|norm2|'
        r'mlp\.fc1|mlp\.fc2)\.(\w+)', key)
    if m:
        return f'layers.{m[1]}.{_TIMM_BLOCK[m[2]]}.{m[3]}'
    m = re.fullmatch(r'patch_embed\.proj\.(\w+)', key)
    if m:
        return f'patch_embed.projection.{m[1]}'
    m = re.fullmatch(r'norm\.(\w+)', key)
    if m:
        return f'ln1.{m[1]}'
    return key


def adapt_pos_embed(grid: Tensor, size: Tuple[int, int]) -> Tensor:
    """AST's ImageNet -> spectrogram position-embedding rule.

    ``grid`` ``[1, D, g, g]``: the time axis (width) is centre-cropped to
    ``t`` if ``t <= g``, else bilinearly resized to ``(g, t)``; then the
    frequency axis (height) likewise to ``f``
    (``YuanGongND/ast:src/models/ast_models.py``).

    Args:
        grid (Tensor): ``[1, D, g, g]``.
        size (tuple[int, int]): ``(f, t)`` patches.

    Returns:
        Tensor: ``[1, D, f, t]``.
    """
    f_dim, t_dim = size
    g_h, g_w = grid.shape[-2:]
    if t_dim <= g_w:
        start = g_w // 2 - t_dim // 2
        grid = grid[..., start:start + t_dim]
    else:
        grid = F.interpolate(grid, size=(g_h, t_dim), mode='bilinear')
    if f_dim <= g_h:
        start = g_h // 2 - f_dim // 2
        grid = grid[:, :, start:start + f_dim]
    else:
        grid = F.interpolate(grid, size=(f_dim, t_dim), mode='bilinear')
    return grid


def vit_to_ast(
        checkpoint: Mapping,
        target: Mapping[str, Tensor],
        patch_grid: Tuple[int, int],
        num_extra_tokens: int = 2
) -> Tuple[Dict[str, Tensor], ConversionReport]:
    """Convert an ImageNet ViT/DeiT (timm or mmpretrain keys) to the AST
    backbone (mmpretrain ``DistilledVisionTransformer`` keys).

    AST's adaptation (Gong et al., 2021): the RGB patch kernel is summed to
    one channel (bias copied); the square patch-position grid is adapted
    by :func:`adapt_pos_embed` to the ``(f, t)`` patch grid of the
    spectrogram; the class (and distillation) token embeddings and their
    positions are kept. A checkpoint without a distillation token (plain
    ViT) initialises it, and its position, from the class token's.
    Classifier heads are dropped.

    Args:
        checkpoint (Mapping): timm state dict (``blocks.i.attn.qkv...``) or
            mmpretrain checkpoint (``backbone.layers.i...``).
        target (Mapping[str, Tensor]): The AST backbone's ``state_dict()``.
        patch_grid (tuple[int, int]): ``(f, t)`` patches of the input.
        num_extra_tokens (int): Extra tokens of the target (2: class and
            distillation). Defaults to 2.

    Returns:
        tuple[dict, ConversionReport]: Converted tensors and the report.
    """
    conv = _Converter(target)
    source = unwrap_state_dict(checkpoint)
    src_extra = 1 + int('dist_token' in source
                        or 'backbone.dist_token' in source)
    for key, value in source.items():
        dst = _vit_key_to_mmpretrain(key)
        if dst is None:
            conv.report.dropped[key] = 'ImageNet classifier'
            continue
        if dst == 'patch_embed.projection.weight' and dst in target:
            conv.put(
                key, dst, sum_input_channels(value, target[dst].shape[1]),
                'patch kernel summed over '
                f'{value.shape[1]} input channels')
        elif dst == 'pos_embed':
            extra, grid = value[:, :src_extra], value[:, src_extra:]
            g = int(round(grid.shape[1]**0.5))
            if g * g != grid.shape[1]:
                conv.report.dropped[key] = 'position grid is not square'
                continue
            grid = grid.transpose(1, 2).reshape(1, -1, g, g)
            grid = adapt_pos_embed(grid, patch_grid).flatten(2).transpose(1, 2)
            if src_extra < num_extra_tokens:
                extra = torch.cat(
                    [extra] + [extra[:, :1]] * (num_extra_tokens - src_extra),
                    dim=1)
            conv.put(
                key, dst, torch.cat((extra[:, :num_extra_tokens], grid),
                                    dim=1),
                f'position grid {g}x{g} -> {tuple(patch_grid)} (AST '
                'crop/interpolation)')
        else:
            conv.put(key, dst, value)
    if 'dist_token' in target and 'dist_token' not in conv.out and \
            'cls_token' in conv.out:
        conv.out['dist_token'] = conv.out['cls_token'].clone()
        conv.report.adapted['dist_token'] = 'copied from the class token ' \
            '(the checkpoint has no distillation token)'
    return conv.finish()
