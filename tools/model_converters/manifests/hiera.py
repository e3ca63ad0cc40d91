# Copyright (c) mmvb contributors. All rights reserved.
"""Manifests and a parity fixture of the official video Hiera.

Source: https://github.com/facebookresearch/hiera, commit
b12b842542ee5c757fcfec8c41f6b56fcbe89b65 (v0.1.4, the same code as the
PyPI package ``hiera-transformer==0.1.4``), ``hiera/hiera.py`` and
``hiera/hiera_mae.py``.

Writes

* ``tests/data/checkpoints/hiera_large_16x224.json``: ``hiera_large_16x224()``
  (checkpoint ``mae_k400_ft_k400``,
  https://dl.fbaipublicfiles.com/hiera/hiera_large_16x224.pth);
* ``tests/data/checkpoints/mae_hiera_large_16x224.json``:
  ``mae_hiera_large_16x224()`` (checkpoint ``mae_k400``,
  https://dl.fbaipublicfiles.com/hiera/mae_hiera_large_16x224.pth);

  both files hold ``{'model_state': state_dict}`` (``pretrained_model`` in
  ``hiera/hiera_utils.py`` reads ``state_dict["model_state"]`` and loads it
  strictly into these two constructors, so their state dicts are the
  files' keys);
* ``tests/data/hiera/hiera_parity_tiny.pth``: a small video Hiera
  (``Hiera(embed_dim=4, num_heads=1, stages=(1, 2, 2, 1), input_size=(4,
  64, 64), q_stride=(1, 2, 2), mask_unit_size=(1, 8, 8), patch_kernel=(3,
  7, 7), patch_stride=(2, 4, 4), patch_padding=(1, 3, 3),
  sep_pos_embed=True, num_classes=5, q_pool=Q)``) with random weights
  (N(0, 0.2^2), seed 0), one random clip ``[1, 3, 4, 64, 64]`` and the
  official outputs for ``q_pool=3`` (the network as published) and
  ``q_pool=2`` (the last query pooling removed, BMViT): the last block's
  tokens put back in raster order by the official ``Reroll``
  (``return_intermediates=True``), before and after the final ``norm``.

With ``--parity-large`` it also compares the official ``hiera_large_16x224``
(random weights) with ``mmvb.models.Hiera(arch='large')`` on one random
16x224x224 clip, both query-pooling settings, and prints the max abs diff.

The official code needs timm (``timm.models.layers.DropPath`` / ``Mlp``),
and timm imports torchvision at import time. torchvision is not installed
next to mmvb's CPU torch, so when it cannot be imported this script puts an
import-only stand-in on ``sys.meta_path`` (every ``torchvision.*`` name is a
placeholder that raises if used; the Hiera definition uses none).

Command that produced the committed files (timm 1.0.31 and
hiera-transformer 0.1.4 installed with ``pip install --no-deps --target
DIR``)::

    PYTHONPATH=$PWD:DIR python tools/model_converters/manifests/hiera.py \
        --parity-large

(``--src DIR`` takes the checkout instead of the installed package.) On
the shared 2-core CPU the Hiera-L comparison printed a max abs diff of 0
for both settings (outputs ``[1, 1152, 8, 7, 7]`` and ``[1, 1152, 8, 14,
14]``); the manifests are reproduced byte for byte.
"""
import argparse
import importlib.abc
import importlib.machinery
import importlib.util
import os.path as osp
import sys
import types

import torch

from mmvb.testing import (make_manifest, state_dict_from_manifest,
                          write_manifest)

REPOSITORY = 'facebookresearch/hiera'
COMMIT = 'b12b842542ee5c757fcfec8c41f6b56fcbe89b65'
SCRIPT = 'tools/model_converters/manifests/hiera.py'
TINY = dict(
    embed_dim=4,
    num_heads=1,
    stages=(1, 2, 2, 1),
    input_size=(4, 64, 64),
    q_stride=(1, 2, 2),
    mask_unit_size=(1, 8, 8),
    patch_kernel=(3, 7, 7),
    patch_stride=(2, 4, 4),
    patch_padding=(1, 3, 3),
    sep_pos_embed=True,
    num_classes=5)


class _Placeholder:

    def __init__(self, *args, **kwargs):
        raise RuntimeError('torchvision is not installed (import stand-in)')


class _PlaceholderModule(types.ModuleType):

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return _PlaceholderMeta(name, (_Placeholder, ), {})


class _PlaceholderMeta(type):

    def __getattr__(cls, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return _PlaceholderMeta(name, (_Placeholder, ), {})


class _TorchvisionStandIn(importlib.abc.MetaPathFinder, importlib.abc.Loader):

    def find_spec(self, fullname, path=None, target=None):
        if fullname == 'torchvision' or fullname.startswith('torchvision.'):
            return importlib.machinery.ModuleSpec(
                fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _PlaceholderModule(spec.name)
        module.__path__ = []
        module.__version__ = '0.0.0+stand-in'
        return module

    def exec_module(self, module):
        pass


def import_official(src=None):
    """Import the official ``hiera`` package (from ``src`` if given)."""
    if src:
        sys.path.insert(0, src)
    if importlib.util.find_spec('torchvision') is None:
        sys.meta_path.insert(0, _TorchvisionStandIn())
    import hiera
    return hiera


def source(definition, checkpoint):
    return dict(
        repository=REPOSITORY,
        commit=COMMIT,
        definition=definition,
        script=SCRIPT,
        checkpoint=checkpoint)


def write_manifests(hiera, out_dir):
    url = 'https://dl.fbaipublicfiles.com/hiera/'
    for fn, name, ckpt in [
        (hiera.hiera_large_16x224, 'hiera_large_16x224', 'mae_k400_ft_k400'),
        (hiera.mae_hiera_large_16x224, 'mae_hiera_large_16x224', 'mae_k400'),
    ]:
        fname = 'hiera_mae.py' if name.startswith('mae_') else 'hiera.py'
        model = fn()
        manifest = make_manifest(
            model,
            name,
            source(f'hiera/{fname}::{name}()', f'{ckpt}: {url}{name}.pth'),
            wrapper='model_state')
        path = osp.join(out_dir, f'{name}.json')
        write_manifest(manifest, path)
        print(f'{path}: {len(manifest["keys"])} keys, '
              f'{sum(p.numel() for p in model.parameters())} parameters')
        del model


@torch.no_grad()
def official_tokens(model, x):
    """The last block's tokens ``[B, T, H, W, C]`` (raster order), before
    and after the final norm."""
    _, intermediates = model(x, return_intermediates=True)
    tokens = intermediates[-1]
    return tokens, model.norm(tokens)


def write_fixture(hiera, path):
    torch.manual_seed(0)
    ref = hiera.Hiera(q_pool=3, **TINY).eval()
    manifest = make_manifest(ref, 'tiny',
                             source('hiera/hiera.py::Hiera', 'none (random)'))
    state_dict = state_dict_from_manifest(manifest, seed=0, std=0.2)
    x = torch.randn(
        1, 3, *TINY['input_size'], generator=torch.Generator().manual_seed(1))
    outputs = {}
    for q_pool in (3, 2):
        ref = hiera.Hiera(q_pool=q_pool, **TINY).eval()
        ref.load_state_dict(state_dict)
        tokens, normed = official_tokens(ref, x)
        outputs[f'q_pool{q_pool}'] = dict(tokens=tokens, normed=normed)
        print(f'q_pool={q_pool}: output {tuple(tokens.shape)}')
    torch.save(
        dict(
            source=dict(
                repository=REPOSITORY,
                commit=COMMIT,
                definition='hiera/hiera.py::Hiera',
                script=SCRIPT),
            kwargs=TINY,
            state_dict=state_dict,
            inputs=x,
            outputs=outputs), path)
    print(f'{path} written')


@torch.no_grad()
def parity_large(hiera):
    from mmvb.models import Hiera
    torch.manual_seed(0)
    x = torch.randn(1, 3, 16, 224, 224)
    for q_pool in (3, 2):
        ref = hiera.hiera_large_16x224(q_pool=q_pool).eval()
        net = Hiera(arch='large', remove_last_pool=q_pool == 2).eval()
        state_dict = {
            k: v
            for k, v in ref.state_dict().items() if not k.startswith('head.')
        }
        net.load_state_dict(state_dict, strict=True)
        _, normed = official_tokens(ref, x)
        out, = net(x)
        diff = (out - normed.permute(0, 4, 1, 2, 3)).abs().max().item()
        print(f'Hiera-L 16x224, q_pool={q_pool}: output {tuple(out.shape)}, '
              f'max abs diff {diff:.3g} (output std {out.std():.3g})')
        del ref, net


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--src', help='facebookresearch/hiera checkout (else: installed)')
    parser.add_argument('--out-dir', default='tests/data/checkpoints')
    parser.add_argument(
        '--fixture', default='tests/data/hiera/hiera_parity_tiny.pth')
    parser.add_argument(
        '--parity-large',
        action='store_true',
        help='also compare Hiera-L outputs with mmvb (slow)')
    args = parser.parse_args()
    torch.set_num_threads(max(torch.get_num_threads(), 1))
    hiera = import_official(args.src)
    write_manifests(hiera, args.out_dir)
    write_fixture(hiera, args.fixture)
    if args.parity_large:
        parity_large(hiera)


if __name__ == '__main__':
    main()
