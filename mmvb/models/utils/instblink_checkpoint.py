# Copyright (c) mmvb contributors. All rights reserved.
"""Official InstBlink (mmdet 2.x) checkpoint keys -> mmvb's InstBlink."""
import re
from collections import OrderedDict
from typing import Dict, List, Optional, Tuple

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

    Args:
        state_dict (dict[str, Tensor]): The official ``state_dict``.
        blink_head_type (str, optional): The target model's blink head
            (``'official'``, ``'mlp'`` or None). Defaults to 'official'.
        reference (dict[str, Tensor], optional): The target model's state
            dict; keys it lacks or holds with another shape are dropped
            (e.g. TeViT's stages 4-5, 100 queries, 40-class ``fc_cls``).

    Returns:
        tuple: The converted state dict and the dropped official keys.
    """
    out, dropped = OrderedDict(), []
    for key, value in state_dict.items():
        if key.startswith('module.'):
            key = key[len('module.'):]
        new = _map_key(key, blink_head_type)
        if new is not None and reference is not None and (
                new not in reference
                or tuple(reference[new].shape) != tuple(value.shape)):
            new = None
        if new is None:
            dropped.append(key)
        else:
            out[new] = value
    return out, dropped
