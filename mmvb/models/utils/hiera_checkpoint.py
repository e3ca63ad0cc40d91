# Copyright (c) mmvb contributors. All rights reserved.
"""Official Hiera checkpoints -> :class:`mmvb.models.Hiera`.

The video checkpoints of `facebookresearch/hiera
<https://github.com/facebookresearch/hiera>`_ (``hiera/hiera.py``,
``hiera/hiera_mae.py`` at commit b12b842542ee5c757fcfec8c41f6b56fcbe89b65)
hold the state dict under ``model_state``:

* ``mae_k400_ft_k400`` (``hiera_large_16x224.pth``): the encoder (``Hiera``)
  plus its final ``norm`` and the Kinetics-400 classifier
  ``head.projection``;
* ``mae_k400`` (``mae_hiera_large_16x224.pth``): the encoder of
  ``MaskedAutoencoderHiera`` (no ``norm``, no ``head``) plus the MAE-only
  modules ``encoder_norm``, ``multi_scale_fusion_heads``, ``mask_token``
  and ``decoder_*``.

:class:`mmvb.models.Hiera` uses the official parameter names, so the
encoder keys are copied unchanged; the classifier and the MAE-only modules
are dropped (listed in the report). Anything else is refused: a key the
backbone does not have, a backbone key the file lacks (other than the
final ``norm``, which MAE files do not have), or a tensor whose shape
differs (e.g. a checkpoint of another Hiera size) raises a ``ValueError``
naming every such key with both shapes.
"""
from typing import Dict, Mapping, Optional, Sequence, Tuple

from torch import Tensor

from .ckpt_convert import ConversionReport, unwrap_state_dict

#: Source-key prefixes that are not part of the backbone, and why.
HIERA_DROPPED_PREFIXES = (
    ('head.', 'Kinetics-400 classifier (not part of the backbone)'),
    ('encoder_norm.', 'MAE pre-training module'),
    ('multi_scale_fusion_heads.', 'MAE pre-training module'),
    ('mask_token', 'MAE decoder'),
    ('decoder_', 'MAE decoder'),
    ('norm.', 'final LayerNorm, unused with out_norm=False'),
)

#: Backbone keys that official files may lack (MAE files have no ``norm``).
HIERA_OPTIONAL_KEYS = ('norm.weight', 'norm.bias')


def convert_official_hiera(
    checkpoint: Mapping,
    target: Mapping[str, Tensor],
    optional_keys: Sequence[str] = HIERA_OPTIONAL_KEYS,
    source: Optional[str] = None
) -> Tuple[Dict[str, Tensor], ConversionReport]:
    """Check and convert an official Hiera checkpoint.

    Args:
        checkpoint (Mapping): The loaded file (``{'model_state': ...}``, or
            a bare state dict; a ``module.`` DDP prefix is removed).
        target (Mapping[str, Tensor]): The backbone's ``state_dict()``.
        optional_keys (Sequence[str]): Target keys the checkpoint may lack
            (they keep their initialisation). Defaults to
            :data:`HIERA_OPTIONAL_KEYS`.
        source (str, optional): File name used in error messages.

    Returns:
        tuple[dict, ConversionReport]: The state dict to load (target key
        names) and what was copied, dropped and left missing.

    Raises:
        ValueError: Shape mismatches, unexpected keys or missing backbone
            keys, each listed (key, checkpoint shape, backbone shape).
    """
    state_dict = unwrap_state_dict(checkpoint)
    report = ConversionReport()
    out: Dict[str, Tensor] = {}
    mismatched, unexpected = [], []
    for key, value in state_dict.items():
        reason = next((why for prefix, why in HIERA_DROPPED_PREFIXES
                       if key.startswith(prefix) and key not in target), None)
        if reason is not None:
            report.dropped[key] = reason
        elif key not in target:
            unexpected.append(key)
        elif tuple(value.shape) != tuple(target[key].shape):
            mismatched.append(f'  {key}: checkpoint {tuple(value.shape)}, '
                              f'backbone {tuple(target[key].shape)}')
        else:
            out[key] = value
            report.copied.append(key)
    report.missing = [k for k in target if k not in state_dict]
    missing = [k for k in report.missing if k not in optional_keys]
    if mismatched or unexpected or missing:
        name = f'{source}: ' if source else ''
        lines = [
            f'{name}the checkpoint does not fit this Hiera backbone '
            '(another Hiera size or variant?)'
        ]
        if mismatched:
            lines.append(f'{len(mismatched)} tensor(s) of another shape:')
            lines += mismatched[:20]
            if len(mismatched) > 20:
                lines.append(f'  ... (+{len(mismatched) - 20} more)')
        if unexpected:
            lines.append(f'{len(unexpected)} key(s) the backbone does not '
                         f'have: {_short(unexpected)}')
        if missing:
            lines.append(f'{len(missing)} backbone key(s) missing from the '
                         f'checkpoint: {_short(missing)}')
        raise ValueError('\n'.join(lines))
    return out, report


def _short(keys, limit: int = 20) -> str:
    more = f' ... (+{len(keys) - limit} more)' if len(keys) > limit else ''
    return ', '.join(keys[:limit]) + more
