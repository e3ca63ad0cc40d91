# Copyright (c) mmvb contributors. All rights reserved.
"""Manifest of the AST recipe's DeiT-B weights and AST output parity.

AST (``YuanGongND/ast`` at commit
``31088be8a3f6ef96416145c4b8d43c81f99eba7a``, ``src/models/ast_models.py``)
asserts ``timm == 0.4.5`` and initialises from timm's
``vit_deit_base_distilled_patch16_384`` ImageNet weights: the DeiT release
file ``deit_base_distilled_patch16_384-d0272ac0.pth``
(``dl.fbaipublicfiles.com/deit``, ``{'model': state_dict}``, which timm's
``checkpoint_filter_fn`` unwraps before a strict load).

Official definitions, imported, never copied:

* manifest: ``timm.create_model('vit_deit_base_distilled_patch16_384')``
  (timm 0.4.5, ``timm/models/vision_transformer.py``), wrapper ``model``;
* parity: ``ASTModel(label_dim=527, fstride=10, tstride=10,
  input_fdim=128, input_tdim=256, imagenet_pretrain=True,
  audioset_pretrain=False, model_size='base384', verbose=False)`` from the
  AST checkout, its ImageNet download replaced by the random checkpoint
  (timm's ``load_state_dict_from_url`` returns ``{'model': state_dict}``),
  so AST's own adaptation (RGB kernel summed, position grid 24 x 24 -> 12 x
  25 by its centre cut and bilinear interpolation) runs on it.

Stubs, only for imports nothing here calls: empty ``torchvision``,
``torchvision.transforms`` and ``torchvision.transforms.functional``
modules where torchvision is not installed (timm 0.4.5 imports them in
``timm.data``), and an empty ``wget`` module where it is not installed
(AST downloads AudioSet weights with it).

Writes ``tests/data/checkpoints/deit_base_distilled_patch16_384-d0272ac0.json``
(the manifest) and ``tests/data/parity/
deit_base_distilled_patch16_384-d0272ac0.pt``: on random weights drawn from
the manifest (seed and ``overrides`` stored: LayerNorm weights near 1), for
a seeded ``[1, 256, 128]`` (time x frequency) input, run in float64, AST's
``(cls + dist) / 2`` feature after the final LayerNorm (the input of its
``mlp_head``) and the mean of the patch tokens after that LayerNorm.
``tests/models/backbones/test_ast_parity.py`` compares mmvb's
``AudioSpectrogramTransformer`` (weights through ``vit_to_ast``) with them.

Command (``AST`` a checkout of the commit above; ``SITE`` holds timm 0.4.5,
e.g. ``pip install --no-deps --target SITE timm==0.4.5``)::

    PYTHONPATH=.:SITE python tools/model_converters/manifests/deit_ast.py AST
"""
import argparse
import os
import os.path as osp
import sys

import torch
from _stubs import stub_missing

from mmvb.testing import (load_manifest, make_manifest,
                          state_dict_from_manifest, weights_checksum,
                          write_manifest)

AST_REPOSITORY = 'YuanGongND/ast'
AST_COMMIT = '31088be8a3f6ef96416145c4b8d43c81f99eba7a'
NAME = 'deit_base_distilled_patch16_384-d0272ac0'
SEED = 0
INPUT_SEED = 1
INPUT_TDIM, INPUT_FDIM = 256, 128
# (pattern, mean, std) for state_dict_from_manifest; the rest N(0, 0.02^2).
OVERRIDES = [[r'norm\d?\.weight$', 1.0, 0.1]]


def parity_input() -> torch.Tensor:
    """The seeded ``[1, T, F]`` fbank (AST's input layout)."""
    return torch.randn(
        1,
        INPUT_TDIM,
        INPUT_FDIM,
        generator=torch.Generator().manual_seed(INPUT_SEED))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'checkout', help=f'YuanGongND/ast checkout at {AST_COMMIT[:7]}')
    parser.add_argument('--out-dir', default='tests/data')
    args = parser.parse_args()
    torch.set_num_threads(1)
    stub_missing([[
        'torchvision', 'torchvision.transforms',
        'torchvision.transforms.functional'
    ], ['wget']])
    import timm
    import timm.models.helpers
    assert timm.__version__ == '0.4.5', timm.__version__

    deit = timm.create_model('vit_deit_base_distilled_patch16_384')
    manifest = make_manifest(
        deit,
        NAME,
        dict(
            repository='rwightman/pytorch-image-models (timm 0.4.5)',
            commit='v0.4.5',
            definition='timm/models/vision_transformer.py::'
            "create_model('vit_deit_base_distilled_patch16_384')",
            script='tools/model_converters/manifests/deit_ast.py',
            checkpoint='https://dl.fbaipublicfiles.com/deit/'
            'deit_base_distilled_patch16_384-d0272ac0.pth (timm 0.4.5 '
            'default_cfg; the weights AST initialises from)'),
        wrapper='model')
    path = osp.join(args.out_dir, 'checkpoints', f'{NAME}.json')
    os.makedirs(osp.dirname(path), exist_ok=True)
    write_manifest(manifest, path)
    print(f'{path}: {len(manifest["keys"])} keys')

    state = state_dict_from_manifest(
        load_manifest(path), seed=SEED, overrides=OVERRIDES)
    timm.models.helpers.load_state_dict_from_url = \
        lambda *args, **kwargs: {'model': dict(state)}
    sys.path.insert(0, osp.join(args.checkout, 'src', 'models'))
    from ast_models import ASTModel
    model = ASTModel(
        label_dim=527,
        fstride=10,
        tstride=10,
        input_fdim=INPUT_FDIM,
        input_tdim=INPUT_TDIM,
        imagenet_pretrain=True,
        audioset_pretrain=False,
        model_size='base384',
        verbose=False).double().eval()
    assert torch.equal(model.v.cls_token, state['cls_token'].double())
    tokens = []
    handle = model.v.norm.register_forward_hook(
        lambda m, i, o: tokens.append(o))
    x = parity_input()
    with torch.no_grad():
        model(x.double())
    handle.remove()
    out = tokens[0]
    features = (out[:, 0] + out[:, 1]) / 2
    patches = out[:, 2:].mean(1)
    print(f'tokens {tuple(out.shape)}, feature std {features.std():.4f}')
    fixture = dict(
        format='mmvb-parity/1',
        source=dict(
            repository=AST_REPOSITORY,
            commit=AST_COMMIT,
            definition='src/models/ast_models.py::ASTModel(fstride=10, '
            f'tstride=10, input_fdim={INPUT_FDIM}, '
            f'input_tdim={INPUT_TDIM}, imagenet_pretrain=True, '
            "model_size='base384')",
            script='tools/model_converters/manifests/deit_ast.py',
            dtype='float64'),
        manifest=f'checkpoints/{NAME}.json',
        seed=SEED,
        overrides=OVERRIDES,
        weights_checksum=weights_checksum(state),
        input=dict(
            shape=[1, INPUT_TDIM, INPUT_FDIM],
            layout='time x frequency',
            seed=INPUT_SEED,
            checksum=float(x.double().abs().sum())),
        outputs=dict(
            num_patches=out.shape[1] - 2,
            features=features[0].float(),
            patch_mean=patches[0].float()))
    out_path = osp.join(args.out_dir, 'parity', f'{NAME}.pt')
    os.makedirs(osp.dirname(out_path), exist_ok=True)
    torch.save(fixture, out_path)
    print(f'{out_path}: {osp.getsize(out_path)} bytes')


if __name__ == '__main__':
    main()
