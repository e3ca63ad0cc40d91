# Copyright (c) mmvb contributors. All rights reserved.
"""Input adaptors for spectrograms (DATAR, Sec. 3.2 and Table 4)."""
from typing import Optional

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor, nn


@MODELS.register_module()
class LearnableInputAdaptor(BaseModule):
    """Learnable input adaptor (DATAR Eq. 5).

    ``out(C_j) = in(C_j) + lambda * (b(C_j) + sum_k W(C_j, k) * in(k))``: a
    2-D convolution over the input planes (``*`` is cross-correlation),
    scaled by ``lambda`` and added to the input, so the network sees the
    input plus a small learned enhancement (paper best: ``lambda = 0.005``;
    Table 4 also reports 0.2). The paper gives no kernel size; 3x3 with
    "same" padding is the default here. ``lambda`` is a fixed
    hyper-parameter.

    Args:
        in_channels (int): Input planes ``C`` (1 for a spectrogram).
            Defaults to 1.
        lam (float): ``lambda``. Defaults to 0.005.
        kernel_size (int): Odd kernel size of ``W``. Defaults to 3.
        init_cfg (dict, optional): Defaults to None (PyTorch's conv init).
    """

    def __init__(self,
                 in_channels: int = 1,
                 lam: float = 0.005,
                 kernel_size: int = 3,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg)
        if kernel_size % 2 != 1:
            raise ValueError(f'kernel_size must be odd, got {kernel_size}')
        self.lam = lam
        self.conv = nn.Conv2d(
            in_channels,
            in_channels,
            kernel_size,
            padding=kernel_size // 2,
            bias=True)

    def forward(self, x: Tensor) -> Tensor:
        """``x + lambda * conv(x)`` for ``x`` ``[N, C, h, T]``."""
        return x + self.lam * self.conv(x)


@MODELS.register_module()
class InputPerturbation(BaseModule):
    """Random input perturbation, the alternatives to the adaptor in
    DATAR's Table 4 (``N(0, 0.005)`` and ``L(0, 0.005)``).

    Adds i.i.d. zero-mean noise to every input element during training
    (``scale`` is the Gaussian's standard deviation or the Laplace
    distribution's scale ``b``); at test time the input passes unchanged
    unless ``apply_in_eval``.

    Args:
        distribution (str): ``'gaussian'`` or ``'laplacian'``.
            Defaults to ``'gaussian'``.
        scale (float): Std (Gaussian) or ``b`` (Laplacian).
            Defaults to 0.005.
        apply_in_eval (bool): Also perturb in eval mode. Defaults to False.
        init_cfg (dict, optional): Defaults to None.
    """

    def __init__(self,
                 distribution: str = 'gaussian',
                 scale: float = 0.005,
                 apply_in_eval: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg)
        if distribution not in ('gaussian', 'laplacian'):
            raise ValueError("distribution must be 'gaussian' or "
                             f"'laplacian', got {distribution!r}")
        self.distribution = distribution
        self.scale = scale
        self.apply_in_eval = apply_in_eval

    def forward(self, x: Tensor) -> Tensor:
        """``x`` plus noise (training, or ``apply_in_eval``)."""
        if not (self.training or self.apply_in_eval) or self.scale == 0:
            return x
        if self.distribution == 'gaussian':
            noise = torch.randn_like(x)
        else:  # Laplace(0, 1) as the difference of two Exp(1) samples
            noise = torch.empty_like(x).exponential_() - \
                torch.empty_like(x).exponential_()
        return x + self.scale * noise
