# Copyright (c) mmvb contributors. All rights reserved.
"""Manifest and CPU parity fixture of Vision Mamba's bidirectional mixer.

DualScope's SATPM uses Vim's BiMamba (Zhu et al., ICML 2024), trained from
scratch: no pretrained Mamba/Vim weights are loaded, so the manifest records
the layout of the official mixer at the SATPM's size, and the fixture its
outputs on random weights, for :class:`mmvb.models.BiMamba`.

Official definition: ``hustvl/Vim`` commit
dd0358ad1e42701f22afbefa0717cc8825cf9f45, its fork of mamba 1.1.1:
``mamba-1p1p1/mamba_ssm/modules/mamba_simple.py::Mamba(d_model=256,
d_state=16, d_conv=4, expand=2, bimamba_type='v2', if_divide_out=True)``
(the mixer of every released Vim model), forward through its fast path
``mamba_inner_fn_no_out_proj`` of ``mamba_ssm/ops/selective_scan_interface
.py``. The CUDA extensions cannot be imported on a CPU and are stubbed:
``selective_scan_cuda.fwd`` by the fork's own ``selective_scan_ref`` (same
file), ``causal_conv1d_cuda.causal_conv1d_fwd`` by a depthwise
``F.conv1d`` with ``d_conv - 1`` left padding, truncated to the length, then
SiLU (what the kernel computes with ``silu_activation=True``), and the
``causal_conv1d`` package by a module holding ``None`` (``mamba_simple.py``
imports it; its fallback line cannot unpack ``None``). The ``mamba_ssm``
package is registered without running its ``__init__`` (which imports
Triton kernels). Needs ``einops``.

Command that produced the committed files (from the repository root)::

    python tools/model_converters/manifests/vim_bimamba.py \\
        --vim /path/to/Vim --out tests/data/checkpoints \\
        --fixtures tests/data/mamba
"""
import argparse
import importlib.util
import json
import os.path as osp
import sys
import types

import torch
import torch.nn.functional as F

from mmvb.testing import (make_manifest, state_dict_from_manifest,
                          write_manifest)

VIM_COMMIT = 'dd0358ad1e42701f22afbefa0717cc8825cf9f45'
SCRIPT = 'tools/model_converters/manifests/vim_bimamba.py'
SATPM = dict(
    d_model=256,
    d_state=16,
    d_conv=4,
    expand=2,
    bimamba_type='v2',
    if_divide_out=True)
TINY = dict(
    d_model=8,
    d_state=4,
    d_conv=4,
    expand=2,
    bimamba_type='v2',
    if_divide_out=True)


def load_vim(vim: str):
    """Vim's ``mamba_simple`` module with the CUDA extensions stubbed."""
    root = osp.join(vim, 'mamba-1p1p1', 'mamba_ssm')
    package = types.ModuleType('mamba_ssm')
    package.__path__ = [root]
    sys.modules['mamba_ssm'] = package
    conv_pkg = types.ModuleType('causal_conv1d')
    conv_pkg.causal_conv1d_fn = conv_pkg.causal_conv1d_update = None
    sys.modules['causal_conv1d'] = conv_pkg

    def causal_conv1d_fwd(x, weight, bias, *args):
        silu = args[-1]
        width = weight.shape[-1]
        out = F.conv1d(
            x, weight[:, None], bias, padding=width - 1,
            groups=x.shape[1])[..., :x.shape[-1]]
        return F.silu(out) if silu else out

    conv_cuda = types.ModuleType('causal_conv1d_cuda')
    conv_cuda.causal_conv1d_fwd = causal_conv1d_fwd
    sys.modules['causal_conv1d_cuda'] = conv_cuda
    scan_cuda = types.ModuleType('selective_scan_cuda')
    sys.modules['selective_scan_cuda'] = scan_cuda
    from mamba_ssm.ops import selective_scan_interface as ssi

    def fwd(u, delta, A, B, C, D, z, delta_bias, delta_softplus):
        out_z = ssi.selective_scan_ref(u, delta, A, B, C, D, z, delta_bias,
                                       delta_softplus)
        return None, None, out_z

    scan_cuda.fwd = fwd
    spec = importlib.util.spec_from_file_location(
        'mamba_ssm.modules.mamba_simple',
        osp.join(root, 'modules', 'mamba_simple.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.mamba_inner_fn_no_out_proj is not None
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--vim', required=True, help='hustvl/Vim checkout')
    parser.add_argument('--out', default='tests/data/checkpoints')
    parser.add_argument('--fixtures', default='tests/data/mamba')
    args = parser.parse_args()
    vim = load_vim(args.vim)
    source = dict(
        repository='hustvl/Vim',
        commit=VIM_COMMIT,
        script=SCRIPT,
        checkpoint='none published for DualScope (trained from scratch); '
        "the layout of the SATPM's BiMamba")
    mixer = vim.Mamba(**SATPM)
    name = 'vim-bimamba-v2_d256'
    write_manifest(
        make_manifest(
            mixer, name,
            dict(
                source,
                definition='mamba-1p1p1/mamba_ssm/modules/'
                f'mamba_simple.py::Mamba({SATPM})')),
        osp.join(args.out, f'{name}.json'))

    torch.manual_seed(0)
    tiny = vim.Mamba(**TINY)
    manifest = make_manifest(
        tiny, 'vim-bimamba-v2-tiny',
        dict(
            source,
            definition='mamba-1p1p1/mamba_ssm/modules/'
            f'mamba_simple.py::Mamba({TINY})'))
    weights = state_dict_from_manifest(manifest, seed=0, std=0.3)
    tiny.load_state_dict(weights)
    x = torch.randn(2, 7, 8, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        out = tiny(x)
    with open(osp.join(args.fixtures, 'vim_bimamba_parity.json'), 'w') as f:
        json.dump(
            dict(
                source=manifest['source'],
                config=TINY,
                seed=0,
                std=0.3,
                keys=manifest['keys'],
                input_seed=1,
                input_shape=[2, 7, 8],
                output=out.tolist()),
            f,
            indent=1)
    print('written')


if __name__ == '__main__':
    main()
