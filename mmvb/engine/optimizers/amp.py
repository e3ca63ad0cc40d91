# Copyright (c) mmvb contributors. All rights reserved.
"""The ``--amp`` switch of ``tools/train.py`` as a function."""
from typing import Optional

import torch
from mmengine.config import Config

#: Optimizer wrappers the switch may replace (custom wrappers, e.g.
#: ``PCGradOptimWrapper``, set their mixed precision in the config).
AMP_SWITCHABLE_WRAPPERS = ('OptimWrapper', 'AmpOptimWrapper',
                           'AutocastOptimWrapper')


def apply_amp(cfg: Config,
              dtype: Optional[str] = None,
              cuda: Optional[bool] = None) -> Config:
    """Switch ``cfg.optim_wrapper`` to mixed precision, in place.

    With CUDA, mmengine's ``AmpOptimWrapper`` (``loss_scale='dynamic'``
    unless set; autocast dtype ``dtype``, or the config's, or mmengine's
    float16 default); without, :class:`AutocastOptimWrapper` (autocast only,
    ``dtype`` or the config's, default bfloat16: no loss scaling needed).
    ``tools/train.py --amp`` calls this with ``dtype=None``; its
    ``--cfg-options optim_wrapper.dtype=bfloat16`` gives the same result
    as ``dtype='bfloat16'`` here.

    Args:
        cfg (Config): A training config with ``optim_wrapper``.
        dtype (str, optional): Autocast dtype (``'float16'``,
            ``'bfloat16'``); overrides the config's. Defaults to None.
        cuda (bool, optional): Whether training runs on CUDA. Defaults to
            ``torch.cuda.is_available()``.

    Returns:
        Config: ``cfg``.
    """
    wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if wrapper not in AMP_SWITCHABLE_WRAPPERS:
        raise ValueError(
            '`--amp` is not supported for the custom optimizer wrapper '
            f'type `{wrapper}`; set its AMP option in the config.')
    if cuda is None:
        cuda = torch.cuda.is_available()
    if cuda:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
        if wrapper == 'AutocastOptimWrapper':
            # Not an AmpOptimWrapper argument.
            cfg.optim_wrapper.pop('device_type', None)
    else:
        # mmengine's AmpOptimWrapper needs a GPU; bfloat16 autocast needs
        # no loss scaling.
        cfg.optim_wrapper.type = 'AutocastOptimWrapper'
        cfg.optim_wrapper.pop('loss_scale', None)
        cfg.optim_wrapper.setdefault('dtype', 'bfloat16')
    if dtype is not None:
        cfg.optim_wrapper.dtype = dtype
    return cfg
