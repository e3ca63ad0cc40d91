# Copyright (c) mmvb contributors. All rights reserved.
"""CLIP checkpoints -> mmvb key names.

Two published layouts are read:

* OpenAI's (``openai/CLIP`` ``clip/model.py``; the state dict of
  ``ViT-L-14.pt``): ``visual.conv1``, ``visual.class_embedding``,
  ``visual.transformer.resblocks.N...``, ``visual.ln_post``,
  ``visual.proj``, and the text tower at the top level
  (``token_embedding``, ``transformer.resblocks.N...``, ``ln_final``,
  ``text_projection``, ``logit_scale``); the TorchScript file also holds
  ``input_resolution``, ``context_length`` and ``vocab_size``, dropped here.
* mmpretrain's conversion of it (``tools/model_converters/
  openai-clip_to_mmpretrain-clip.py`` of ``open-mmlab/mmpretrain``, commit
  ee7f2e88501f61aa95c742dd5f429f039935ee90): the image tower renamed to
  mmpretrain's ``VisionTransformer`` under ``visual.``, the projection as
  ``visual_proj.proj``, the text tower unchanged.

The image tower goes to ``<image_prefix>`` in mmpretrain's
``VisionTransformer`` names (what :class:`BCVEncoder` and the
``mmpretrain.VisionTransformer`` frame encoder use), the projection, the text
tower and ``logit_scale`` under ``<head_prefix>`` as
:class:`mmvb.models.CLIPZeroShotHead` names them.
"""
import re
from typing import Dict, Mapping, Optional, Tuple

from torch import Tensor

from .ckpt_convert import ConversionReport

_METADATA = ('input_resolution', 'context_length', 'vocab_size')
_TEXT = ('token_embedding.', 'positional_embedding', 'transformer.',
         'ln_final.', 'text_projection', 'logit_scale')
# OpenAI residual-block names -> mmpretrain TransformerEncoderLayer names
_BLOCK = (('ln_1.', 'ln1.'), ('ln_2.', 'ln2.'),
          ('mlp.c_fc.', 'ffn.layers.0.0.'), ('mlp.c_proj.', 'ffn.layers.1.'),
          ('attn.in_proj_weight', 'attn.qkv.weight'),
          ('attn.in_proj_bias', 'attn.qkv.bias'), ('attn.out_proj.',
                                                   'attn.proj.'))


def is_clip_state_dict(state_dict: Mapping[str, Tensor]) -> bool:
    """Whether the keys are OpenAI's or mmpretrain's CLIP layout."""
    return 'text_projection' in state_dict or 'visual.proj' in state_dict \
        or 'visual_proj.proj' in state_dict


def openai_visual_key(key: str) -> Tuple[str, Optional[str]]:
    """An OpenAI image-tower key (without ``visual.``) -> mmpretrain
    ``VisionTransformer`` key, and how the tensor is reshaped (or None)."""
    if key == 'conv1.weight':
        return 'patch_embed.projection.weight', None
    if key == 'class_embedding':
        return 'cls_token', 'unsqueeze(0).unsqueeze(0)'
    if key == 'positional_embedding':
        return 'pos_embed', 'unsqueeze(0)'
    if key.startswith('ln_pre.'):
        return 'pre_norm.' + key[len('ln_pre.'):], None
    if key.startswith('ln_post.'):
        return 'ln1.' + key[len('ln_post.'):], None
    match = re.match(r'transformer\.resblocks\.(\d+)\.(.*)$', key)
    if match:
        rest = match.group(2)
        for old, new in _BLOCK:
            if rest.startswith(old):
                return f'layers.{match.group(1)}.{new}{rest[len(old):]}', None
    raise KeyError(f'unknown OpenAI CLIP image-tower key visual.{key}')


def convert_clip_checkpoint(
    state_dict: Mapping[str, Tensor],
    image_prefix: str = 'backbone.',
    head_prefix: str = 'cls_head.'
) -> Tuple[Dict[str, Tensor], ConversionReport]:
    """Rename an OpenAI or mmpretrain-converted CLIP state dict.

    Args:
        state_dict (Mapping[str, Tensor]): The checkpoint's state dict.
        image_prefix (str): Prefix of the image tower. Defaults to
            ``'backbone.'``.
        head_prefix (str): Prefix of the projection, text tower and logit
            scale. Defaults to ``'cls_head.'``.

    Returns:
        tuple[dict, ConversionReport]: The renamed state dict and what was
        copied, reshaped and dropped.

    Raises:
        KeyError: A key of neither layout (named).
    """
    report = ConversionReport()
    out = {}
    openai = 'visual.conv1.weight' in state_dict or 'visual.proj' in \
        state_dict
    for key, value in state_dict.items():
        if key in _METADATA:
            report.dropped[key] = 'metadata of the TorchScript file'
            continue
        if key.startswith(_TEXT):
            new = head_prefix + ('' if key == 'logit_scale' else
                                 'text_encoder.') + key
        elif key in ('visual.proj', 'visual_proj.proj'):
            new = head_prefix + 'visual_proj.proj'
        elif key.startswith('visual.') and openai:
            name, how = openai_visual_key(key[len('visual.'):])
            new = image_prefix + name
            if how:
                value = value.unsqueeze(0)
                if how.count('unsqueeze') == 2:
                    value = value.unsqueeze(0)
                report.adapted[new] = how
        elif key.startswith('visual.'):
            new = image_prefix + key[len('visual.'):]
        else:
            raise KeyError(f'{key}: not a key of an OpenAI or mmpretrain '
                           'CLIP checkpoint')
        out[new] = value
        if new not in report.adapted:
            report.copied.append(new)
    return out, report
