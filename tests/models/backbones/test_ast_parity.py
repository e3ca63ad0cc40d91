# Copyright (c) mmvb contributors. All rights reserved.
"""mmvb's AST against the official ``ASTModel``, same ImageNet weights.

``tests/data/parity/deit_base_distilled_patch16_384-d0272ac0.pt`` holds
what ``YuanGongND/ast`` (31088be, ``src/models/ast_models.py``, with timm
0.4.5; made by ``tools/model_converters/manifests/deit_ast.py``, float64)
computes from random DeiT-B weights drawn from the manifest of timm's
``vit_deit_base_distilled_patch16_384``: AST's own ImageNet adaptation
(kernel summed over RGB, the 24 x 24 position grid cut to 12 rows and
interpolated to 25 columns) and forward on a seeded 256-frame, 128-bin
fbank: the ``(cls + dist) / 2`` feature after the final LayerNorm and the
mean of the patch tokens there. Here the same checkpoint goes through
``vit_to_ast`` into ``AudioSpectrogramTransformer``.

Measured (2-core CPU): largest absolute difference 1.9e-6 (feature) and
2.4e-7 (patch mean) in float32, 0 in float64 (the stored float32 values
are reproduced exactly); the test allows 1e-4.
"""
import os.path as osp

import torch

from mmvb.models import AudioSpectrogramTransformer
from mmvb.models.utils import vit_to_ast
from mmvb.testing import load_parity_fixture

DATA = osp.join(osp.dirname(__file__), '..', '..', 'data')
FIXTURE = osp.join(DATA, 'parity',
                   'deit_base_distilled_patch16_384-d0272ac0.pt')
TOL = 1e-4


def test_ast_matches_official_ast():
    fx, manifest, state, fbank = load_parity_fixture(
        FIXTURE, DATA, 'tools/model_converters/manifests/deit_ast.py')
    _, frames, bins = fx['input']['shape']  # AST's [B, T, F] layout

    model = AudioSpectrogramTransformer(
        'deit-base', input_size=(bins, frames), strides=(10, 10))
    assert model.patch_resolution == (12, 25)
    assert model.patch_resolution[0] * model.patch_resolution[1] == \
        fx['outputs']['num_patches']
    converted, report = vit_to_ast({manifest['wrapper']: state},
                                   dict(model.named_parameters()),
                                   model.patch_resolution,
                                   model.num_extra_tokens)
    assert report.missing == []
    model.load_state_dict(converted, strict=False)
    model.eval()
    tokens = []
    handle = model.ln1.register_forward_hook(lambda m, i, o: tokens.append(o))
    with torch.no_grad():
        feature = model(fbank.transpose(1, 2)[:, None])[0, :, 0, 0]
    handle.remove()
    patch_mean = tokens[0][0, 2:].mean(0)
    diff = (feature - fx['outputs']['features']).abs().max().item()
    diff_patches = (patch_mean -
                    fx['outputs']['patch_mean']).abs().max().item()
    assert diff < TOL and diff_patches < TOL, (diff, diff_patches)
    # The same weights without AST's position rule are far off: the test
    # sees the adaptation, not just the blocks.
    with torch.no_grad():
        model.pos_embed[:, 2:] = model.pos_embed[:, 2:].flip(1)
        shuffled = model(fbank.transpose(1, 2)[:, None])[0, :, 0, 0]
    assert (shuffled - fx['outputs']['features']).abs().max() > 100 * TOL
