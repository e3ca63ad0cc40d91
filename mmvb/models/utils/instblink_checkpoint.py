# Copyright (c) mmvb contributors. All rights reserved.
"""Official InstBlink / TeViT (mmdet 2.x) checkpoint keys -> mmvb's InstBlink.

The key layouts are those of the official definitions (recorded in
``tests/data/checkpoints/instblink_r50.json`` and ``tevit_r50.json`` by the
scripts in ``tools/model_converters/manifests/``): the released
``instblink_r50.pth`` of wenzhengzeng/MPEblink@ee9a44f (blink heads saved as
``roi_head.mask_head``) and ``tevit_r50.pth`` of hustvl/TeViT@961fd6b
(InstBlink's initialisation, Sec. 5.1 of the paper).
"""
import re
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

from torch import Tensor

_STAGE = re.compile(
    r'^roi_head\.(bbox_head|mask_head|blink_head)\.(\d+)\.(.+)$')
_BBOX_RENAMES = (
    ('attention.attn.', 'qim.attn.'),
    ('attention_norm.', 'qim.norm.'),
    ('instance_interactive_conv_norm.', 'dynamic_conv_norm.'),
    ('instance_interactive_conv.', 'dynamic_conv.'),
)
_BBOX_KEEP = ('ffn.', 'ffn_norm.', 'cls_fcs.', 'fc_cls.', 'reg_fcs.',
              'fc_reg.')
_BLINK = re.compile(r'^roi_head\.(mask_head|blink_head)\.\d+\.fc_blink\.')
_SHOWN = 8


def _map_key(key: str, blink_head_type: Optional[str]) -> Optional[str]:
    """mmvb name of one official key (None: no counterpart)."""
    if key.startswith(('backbone.', 'neck.')):
        return key
    if key.startswith('rpn_head.init_proposal_'):
        return 'head.' + key[len('rpn_head.'):]
    match = _STAGE.match(key)
    if match is None:
        return None
    part, stage, rest = match.groups()
    prefix = f'head.stages.{stage}.'
    if part == 'bbox_head':
        for old, new in _BBOX_RENAMES:
            if rest.startswith(old):
                return prefix + new + rest[len(old):]
        return prefix + rest if rest.startswith(_BBOX_KEEP) else None
    # ``mask_head`` is the blink head of the released checkpoint (renamed
    # ``blink_head`` later); TeViT's mask heads have other names.
    if rest.startswith('fc_blink.') and blink_head_type is not None:
        return prefix + rest
    if rest.startswith('blink_fcs.') and blink_head_type == 'mlp':
        return prefix + rest
    return None


def _may_drop(key: str, new: Optional[str], known: bool, num_stages: int,
              shape_mismatch: bool) -> bool:
    """Whether an official key may be left out of the mmvb model.

    Allowed: stages the model does not have; TeViT's mask heads and the
    blink MLP the official blink head does not use (keys with no mmvb
    name); head modules an ablated model does not have (e.g. no QIM, no
    dynamic filters); and the task-specific tensors whose shape depends on
    the number of queries or classes (``init_proposal_*``, ``fc_cls``).
    Backbone and neck keys must all fit.
    """
    match = _STAGE.match(key)
    if match is not None and int(match.group(2)) >= num_stages:
        return True
    if new is None:
        return match is not None and match.group(1) != 'bbox_head'
    if not known:
        return new.startswith('head.')
    if shape_mismatch:
        return key.startswith('rpn_head.init_proposal_') or (
            match is not None and match.group(3).startswith('fc_cls.'))
    return False


def _examples(items: Sequence[str]) -> str:
    shown = ', '.join(items[:_SHOWN])
    more = len(items) - _SHOWN
    return shown + (f' and {more} more' if more > 0 else '')


def convert_official_instblink(
    state_dict: Dict[str, Tensor],
    blink_head_type: Optional[str] = 'official',
    reference: Optional[Dict[str, Tensor]] = None
) -> Tuple[Dict[str, Tensor], List[str]]:
    """Rename an official InstBlink (or TeViT R50) state dict for mmvb.

    Mapping (``s`` = stage): ``backbone.*`` and ``neck.*`` unchanged;
    ``rpn_head.init_proposal_*`` -> ``head.init_proposal_*``;
    ``roi_head.bbox_head.s.attention.attn`` -> ``head.stages.s.qim.attn``,
    ``attention_norm`` -> ``qim.norm``, ``instance_interactive_conv`` ->
    ``dynamic_conv``, ``instance_interactive_conv_norm`` ->
    ``dynamic_conv_norm``, ``ffn``/``ffn_norm``/``cls_fcs``/``fc_cls``/
    ``reg_fcs``/``fc_reg`` unchanged; ``roi_head.mask_head.s`` (the
    released checkpoint's name) or ``roi_head.blink_head.s`` ->
    ``head.stages.s``: ``fc_blink`` always, ``blink_fcs`` (whose output the
    official code discards) only for ``blink_head_type='mlp'``. A
    ``module.`` prefix is removed.

    With ``reference`` (the target model's state dict) the checkpoint is
    checked against the model, as the official non-strict loading would
    accept it: keys of stages the model lacks, TeViT's mask heads, the unused
    blink MLP, head modules an ablation removed, and ``init_proposal_*`` /
    ``fc_cls`` of another shape (100 TeViT queries, 40 YouTube-VIS classes)
    are dropped; model keys may be missing only for those, for the separate
    temporal attention of ``qim_share_weights=False`` and for the blink
    head when the checkpoint has none (TeViT). Anything else (a backbone of
    another depth, another architecture, an mmvb checkpoint) raises.

    Args:
        state_dict (dict[str, Tensor]): The official ``state_dict``.
        blink_head_type (str, optional): The target model's blink head
            (``'official'``, ``'mlp'`` or None). Defaults to 'official'.
        reference (dict[str, Tensor], optional): The target model's state
            dict (values are only used for their shapes).

    Returns:
        tuple: The converted state dict and the dropped official keys.

    Raises:
        ValueError: With ``reference``, when the checkpoint does not fit
            the model; the message names the unexpected, mismatching and
            missing keys.
    """
    num_stages = 0
    if reference is not None:
        stages = [
            int(k.split('.')[2]) for k in reference
            if k.startswith('head.stages.')
        ]
        num_stages = max(stages) + 1 if stages else 0
    out, dropped = OrderedDict(), []
    unexpected, mismatched = [], []
    for key, value in state_dict.items():
        if key.startswith('module.'):
            key = key[len('module.'):]
        new = _map_key(key, blink_head_type)
        if reference is None:
            if new is None:
                dropped.append(key)
            else:
                out[new] = value
            continue
        known = new is not None and new in reference
        shape_mismatch = known and tuple(reference[new].shape) != tuple(
            value.shape)
        if known and not shape_mismatch:
            out[new] = value
            continue
        dropped.append(key)
        if _may_drop(key, new, known, num_stages, shape_mismatch):
            continue
        if shape_mismatch:
            mismatched.append(f'{key} {list(value.shape)} (model {new} '
                              f'{list(reference[new].shape)})')
        else:
            unexpected.append(f'{key} {list(value.shape)}')
    if reference is None:
        return out, dropped

    has_blink = any(
        _BLINK.match(k[len('module.'):] if k.startswith('module.') else k)
        for k in state_dict)
    missing = []
    for key in reference:
        if key in out:
            continue
        rest = key.split('.', 3)[-1]
        optional = key.startswith('head.init_proposal_') or (
            key.startswith('head.stages.') and
            (rest.startswith(('fc_cls.', 'qim.temporal_')) or
             (not has_blink and rest.startswith(('fc_blink.', 'blink_fcs.')))))
        if not optional:
            missing.append(key)
    if unexpected or mismatched or missing:
        lines = ['the checkpoint does not fit the InstBlink model:']
        if any(k.startswith('head.stages.') for k in state_dict):
            lines.append('  (it has mmvb key names: already converted?)')
        if unexpected:
            lines.append(f'  {len(unexpected)} checkpoint key(s) with no '
                         f'place in the model: {_examples(unexpected)}')
        if mismatched:
            lines.append(f'  {len(mismatched)} key(s) of another shape: '
                         f'{_examples(mismatched)}')
        if missing:
            lines.append(f'  {len(missing)} model key(s) not in the '
                         f'checkpoint: {_examples(missing)}')
        raise ValueError('\n'.join(lines))
    return out, dropped
