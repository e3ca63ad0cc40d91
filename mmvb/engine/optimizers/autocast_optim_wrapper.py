# Copyright (c) mmvb contributors. All rights reserved.
from contextlib import contextmanager
from typing import Union

import torch
from mmaction.registry import OPTIM_WRAPPERS
from mmengine.optim import OptimWrapper
from torch import nn


@OPTIM_WRAPPERS.register_module()
class AutocastOptimWrapper(OptimWrapper):
    """Mixed precision by ``torch.autocast`` alone, on any device.

    mmengine's ``AmpOptimWrapper`` asserts a GPU (its loss scaler is CUDA's
    ``GradScaler``). bfloat16 has float32's exponent range, so it needs no
    loss scaling; this wrapper only runs the forward pass (and the loss)
    under ``torch.autocast(device_type, dtype)``. ``tools/train.py --amp``
    uses it on machines without CUDA; on GPUs it picks ``AmpOptimWrapper``.

    Args:
        dtype (str or torch.dtype): Autocast dtype. Defaults to
            ``'bfloat16'``.
        device_type (str, optional): ``'cpu'`` or ``'cuda'``. Defaults to
            the device of the first model parameter.
        **kwargs: ``OptimWrapper`` arguments (``optimizer``, ``clip_grad``,
            ``accumulative_counts``).
    """

    def __init__(self,
                 dtype: Union[str, torch.dtype] = 'bfloat16',
                 device_type: str = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if isinstance(dtype, str):
            if not hasattr(torch, dtype):
                raise ValueError(f'unknown dtype {dtype!r}')
            dtype = getattr(torch, dtype)
        self.cast_dtype = dtype
        self.device_type = device_type

    @contextmanager
    def optim_context(self, model: nn.Module):
        """Gradient-accumulation context of ``OptimWrapper`` plus autocast.

        Args:
            model (nn.Module): The training model.
        """
        device_type = self.device_type or next(model.parameters()).device.type
        with super().optim_context(model), torch.autocast(
                device_type=device_type, dtype=self.cast_dtype):
            yield
