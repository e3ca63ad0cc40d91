# Copyright (c) mmvb contributors. All rights reserved.
"""mmvb's BiMamba against Vision Mamba's official bidirectional mixer.

``tests/data/checkpoints/vim-bimamba-v2_d256.json``: the layout of Vim's
``Mamba(bimamba_type='v2')`` at the SATPM's size; ``tests/data/mamba/
vim_bimamba_parity.json``: outputs of a tiny one on random weights through
Vim's fast path (CUDA kernels stubbed by pure-PyTorch equivalents on the
CPU), both made by ``tools/model_converters/manifests/vim_bimamba.py``.
"""
import json
import os.path as osp

import torch

from mmvb.models.layers import BiMamba
from mmvb.testing import load_manifest, state_dict_from_manifest

DATA = osp.join(osp.dirname(__file__), '..', '..', 'data')


def test_vim_layout_loads_into_the_satpm_bimamba():
    manifest = load_manifest(
        osp.join(DATA, 'checkpoints', 'vim-bimamba-v2_d256.json'))
    state = state_dict_from_manifest(manifest)
    mixer = BiMamba(256, d_state=16, d_conv=4, expand=2)
    result = mixer.load_state_dict(state, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert torch.equal(mixer.A_log_b, state['A_b_log'])
    own = {k: tuple(v.shape) for k, v in mixer.state_dict().items()}
    vim = {('A_log_b' if k == 'A_b_log' else k): tuple(shape)
           for k, (shape, _) in manifest['keys'].items()}
    assert own == vim


def test_parity_with_vim_on_the_same_weights():
    with open(osp.join(DATA, 'mamba', 'vim_bimamba_parity.json')) as f:
        fixture = json.load(f)
    config = fixture['config']
    assert config['bimamba_type'] == 'v2' and config['if_divide_out']
    mixer = BiMamba(
        config['d_model'],
        d_state=config['d_state'],
        d_conv=config['d_conv'],
        expand=config['expand'],
        divide_out=True,
        scan_impl='parallel')
    weights = state_dict_from_manifest(
        dict(keys=fixture['keys']), seed=fixture['seed'], std=fixture['std'])
    mixer.load_state_dict(weights, strict=True)
    x = torch.randn(
        *fixture['input_shape'],
        generator=torch.Generator().manual_seed(fixture['input_seed']))
    with torch.no_grad():
        out = mixer(x)
    ref = torch.tensor(fixture['output'])
    # measured max abs diff ~1e-7 (float32), output scale ~1
    assert (out - ref).abs().max() < 1e-5 * max(1.0, ref.abs().max())
