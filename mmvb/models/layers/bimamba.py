# Copyright (c) mmvb contributors. All rights reserved.
"""Bidirectional Mamba mixer of Vision Mamba (Zhu et al., "Vision Mamba:
Efficient Visual Representation Learning with Bidirectional State Space
Model", ICML 2024), the ``bimamba_type='v2'`` variant of its released
models, written on :func:`mmvb.ops.selective_scan`."""
import math
from typing import Optional, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmvb.ops import selective_scan


class BiMamba(BaseModule):
    """Vision Mamba's bidirectional Mamba mixer ("bimamba v2").

    ``in_proj`` (to ``x`` and the gate ``z``) and ``out_proj`` are shared by
    the two directions; each direction has its own depthwise causal
    ``conv1d``, ``x_proj`` (to ``dt``, ``B``, ``C``), ``dt_proj``, ``A_log``
    and ``D`` (the backward ones end in ``_b``). The backward direction scans
    the time-flipped ``x`` and ``z`` and its output is flipped back; the two
    outputs (each already gated by ``silu(z)``) are summed and, with
    ``divide_out`` (all released Vim models), halved.

    Parameter names are Vim's (``hustvl/Vim`` dd0358ad,
    ``mamba-1p1p1/mamba_ssm/modules/mamba_simple.py``) except ``A_log_b``
    (Vim: ``A_b_log``); state dicts in Vim's names load (renamed on load),
    and on the same weights the output equals Vim's fast path
    (``tests/models/layers/test_bimamba_vim.py``).

    Deviation from Vim: ``dt_proj_b`` gets Mamba's ``dt`` initialisation like
    ``dt_proj`` (Vim leaves it at the default ``Linear`` init and then zeroes
    its bias), so both directions start from the same step-size range.

    Args:
        d_model (int): Input and output channels.
        d_state (int): SSM state size ``N``. Defaults to 16.
        d_conv (int): Causal depthwise convolution width. Defaults to 4.
        expand (int): ``d_inner = expand * d_model``. Defaults to 2.
        dt_rank (int or str): Rank of the ``dt`` projection; ``'auto'`` is
            ``ceil(d_model / 16)``. Defaults to ``'auto'``.
        dt_min (float): Smallest initial step size. Defaults to 0.001.
        dt_max (float): Largest initial step size. Defaults to 0.1.
        dt_init_floor (float): Floor of the initial step sizes.
            Defaults to 1e-4.
        conv_bias (bool): Bias of the depthwise convolutions.
            Defaults to True.
        bias (bool): Bias of ``in_proj`` / ``out_proj``. Defaults to False.
        divide_out (bool): Average (True) or sum the two directions.
            Defaults to True.
        share_proj (bool): One ``in_proj`` / ``out_proj`` for both
            directions, as Vim's "v2" (True), or a second pair
            ``in_proj_b`` / ``out_proj_b`` for the backward direction (two
            independent Mambas, one per direction; a reading of DualScope's
            parameter count, see configs/dualscope/README.md "Readings of
            the paper"). Defaults to True.
        scan_impl (str): ``impl`` of :func:`mmvb.ops.selective_scan`.
            Defaults to ``'auto'``.
        init_cfg (dict, optional): Initialization config. Defaults to None.
    """

    def __init__(self,
                 d_model: int,
                 d_state: int = 16,
                 d_conv: int = 4,
                 expand: int = 2,
                 dt_rank: Union[int, str] = 'auto',
                 dt_min: float = 0.001,
                 dt_max: float = 0.1,
                 dt_init_floor: float = 1e-4,
                 conv_bias: bool = True,
                 bias: bool = False,
                 divide_out: bool = True,
                 share_proj: bool = True,
                 scan_impl: str = 'auto',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.d_model = d_model
        self.d_state = d_state
        self.d_inner = expand * d_model
        self.dt_rank = math.ceil(d_model / 16) if dt_rank == 'auto' \
            else int(dt_rank)
        self.dt_range = (dt_min, dt_max, dt_init_floor)
        self.divide_out = divide_out
        self.scan_impl = scan_impl

        d_inner = self.d_inner
        self.in_proj = nn.Linear(d_model, 2 * d_inner, bias=bias)
        self.out_proj = nn.Linear(d_inner, d_model, bias=bias)
        self.share_proj = share_proj
        if not share_proj:
            self.in_proj_b = nn.Linear(d_model, 2 * d_inner, bias=bias)
            self.out_proj_b = nn.Linear(d_inner, d_model, bias=bias)
        for suffix in ('', '_b'):
            self.add_module(
                'conv1d' + suffix,
                nn.Conv1d(
                    d_inner,
                    d_inner,
                    d_conv,
                    groups=d_inner,
                    padding=d_conv - 1,
                    bias=conv_bias))
            self.add_module(
                'x_proj' + suffix,
                nn.Linear(d_inner, self.dt_rank + 2 * d_state, bias=False))
            self.add_module('dt_proj' + suffix,
                            nn.Linear(self.dt_rank, d_inner, bias=True))
            # No weight decay on these (Mamba's ``_no_weight_decay``): set
            # ``paramwise_cfg.custom_keys`` for '.A_log', '.A_b_log', '.D'.
            self.register_parameter(
                'A_log' + suffix, nn.Parameter(torch.empty(d_inner, d_state)))
            self.register_parameter('D' + suffix,
                                    nn.Parameter(torch.empty(d_inner)))
        self._reset_ssm_parameters()
        self._register_load_state_dict_pre_hook(self._rename_vim_keys)

    @staticmethod
    def _rename_vim_keys(state_dict, prefix, *args) -> None:
        """Load Vim's ``A_b_log`` as ``A_log_b`` (load pre-hook)."""
        if prefix + 'A_b_log' in state_dict:
            state_dict[prefix + 'A_log_b'] = state_dict.pop(prefix + 'A_b_log')

    def _reset_ssm_parameters(self) -> None:
        """Mamba's initialisation of ``dt_proj``, ``A_log`` and ``D``:
        S4D-real ``A = -(1..N)``, ``D = 1``, ``dt_proj`` weight uniform in
        ``+-dt_rank^-0.5`` and bias the inverse softplus of step sizes drawn
        log-uniformly in ``[dt_min, dt_max]``."""
        dt_min, dt_max, floor = self.dt_range
        a = torch.arange(1, self.d_state + 1, dtype=torch.float32)
        with torch.no_grad():
            for suffix in ('', '_b'):
                dt_proj = getattr(self, 'dt_proj' + suffix)
                std = self.dt_rank**-0.5
                nn.init.uniform_(dt_proj.weight, -std, std)
                dt = torch.exp(
                    torch.rand(self.d_inner) *
                    (math.log(dt_max) - math.log(dt_min)) +
                    math.log(dt_min)).clamp(min=floor)
                dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))
                getattr(self, 'A_log' + suffix).copy_(
                    torch.log(a).repeat(self.d_inner, 1))
                getattr(self, 'D' + suffix).fill_(1.0)

    def init_weights(self) -> None:
        """Apply ``init_cfg`` (if any), then restore Mamba's SSM init."""
        super().init_weights()
        self._reset_ssm_parameters()

    def _ssm(self, x: Tensor, z: Tensor, suffix: str) -> Tensor:
        """One direction: conv, SiLU, input-dependent ``dt, B, C``, scan.

        Args:
            x (Tensor): ``[B, d_inner, L]``.
            z (Tensor): Gate ``[B, d_inner, L]``.
            suffix (str): ``''`` (forward) or ``'_b'`` (backward).

        Returns:
            Tensor: ``[B, d_inner, L]``.
        """
        length = x.shape[-1]
        x = F.silu(getattr(self, 'conv1d' + suffix)(x)[..., :length])
        x_dbl = getattr(self, 'x_proj' + suffix)(x.transpose(1, 2))
        dt, B, C = x_dbl.split([self.dt_rank, self.d_state, self.d_state],
                               dim=-1)
        dt_proj = getattr(self, 'dt_proj' + suffix)
        dt = F.linear(dt, dt_proj.weight).transpose(1, 2)  # bias in the scan
        A = -torch.exp(getattr(self, 'A_log' + suffix).float())
        return selective_scan(
            x,
            dt,
            A,
            B.transpose(1, 2),
            C.transpose(1, 2),
            getattr(self, 'D' + suffix).float(),
            z=z,
            delta_bias=dt_proj.bias.float(),
            delta_softplus=True,
            impl=self.scan_impl)

    def forward(self, hidden: Tensor) -> Tensor:
        """Mix a batch of sequences.

        Args:
            hidden (Tensor): ``[B, L, d_model]``.

        Returns:
            Tensor: ``[B, L, d_model]``.
        """
        x, z = self.in_proj(hidden).transpose(1, 2).chunk(2, dim=1)
        if not self.share_proj:
            x_b, z_b = self.in_proj_b(hidden).transpose(1, 2).chunk(2, dim=1)
            out = self.out_proj(self._ssm(x, z, '').transpose(1, 2)) + \
                self.out_proj_b(self._ssm(x_b.flip(-1), z_b.flip(-1),
                                          '_b').flip(-1).transpose(1, 2))
            return out / 2 if self.divide_out else out
        out = self._ssm(x, z, '') + self._ssm(x.flip(-1), z.flip(-1),
                                              '_b').flip(-1)
        if self.divide_out:
            out = out / 2
        return self.out_proj(out.transpose(1, 2))
