# Copyright (c) mmvb contributors. All rights reserved.
"""Manifest and output-parity fixture of DAT-B's ImageNet weights (DAT v1).

Official definition: ``LeapLabTHU/DAT`` at commit
``797f187f483dbc08620a878858b9bd72905e75b4`` (the CVPR 2022 release; the
repository's HEAD is DAT++), ``models/dat.py``::

    DAT(**yaml.safe_load(open('configs/dat_base.yaml'))['MODEL']['DAT'])

i.e. ``img_size=224``, dims 128-256-512-1024, depths 2-2-18-2, heads
4-8-16-32, groups 4/8, ``stage_spec`` ``LS``/``LS``/``LD`` x 9/``LD``, window
7, strides 1, ``offset_range_factor`` 2, ``use_pes`` in stages 3-4. The
published file ``dat_base_in1k_224.pth`` (release links in the repository's
README) holds ``{'model': state_dict}``, which the manifest records as its
wrapper.

The checkout is imported, never copied; it needs ``timm`` (0.4.5 here, for
``DropPath``, ``to_2tuple``, ``trunc_normal_``) and ``einops`` (0.8.2). timm
0.4.5 imports ``torchvision.transforms`` when imported (``timm.data``),
which no model definition calls: where torchvision is not installed, the
script registers empty ``torchvision``, ``torchvision.transforms`` and
``torchvision.transforms.functional`` modules before importing the
checkout (after mmvb, which must keep seeing no torchvision). Nothing else
is stubbed.

Writes:

* ``tests/data/checkpoints/dat_base_in1k_224.json``: the key -> [shape,
  dtype] manifest of ``DAT.state_dict()`` (parameters and buffers);
* ``tests/data/parity/dat_base_in1k_224.pt``: the official model's output on
  random weights drawn from that manifest
  (:func:`mmvb.testing.state_dict_from_manifest` with the seed and
  ``overrides`` stored in the fixture: LayerNorm weights near 1, bias tables
  and offset-net output weights large enough that positions and biases
  matter) for a seeded grey 224 x 224 image fed on all three channels, run
  in float64: the ``cls_norm`` map ``[1, 1024, 7, 7]`` pooled over space and
  its first four channels, for the published strides (1 in stages 3-4,
  ``r = 1``) and for strides 2 (``r = 2``, DATAR's "4x subsampled tokens";
  the same tensors, since the offset network's stride changes no shape).
  Checksums of the weights and the input let the test tell a changed random
  generator from a broken model.

``tests/models/backbones/test_datar_dat_parity.py`` rebuilds the weights and
the input and compares mmvb's ``DeformableAudioTransformer`` (converted by
``dat_to_datar``, ``convention='dat'``) with the stored outputs.

Command (``DAT`` a checkout of the commit above; ``SITE`` holds timm 0.4.5
and einops, e.g. ``pip install --no-deps --target SITE timm==0.4.5
einops``)::

    git -C DAT checkout 797f187f483dbc08620a878858b9bd72905e75b4
    PYTHONPATH=.:SITE python tools/model_converters/manifests/dat.py DAT
"""
import argparse
import os
import os.path as osp
import sys

import torch
import yaml
from _stubs import stub_missing

from mmvb.testing import (load_manifest, make_manifest,
                          state_dict_from_manifest, weights_checksum,
                          write_manifest)

REPOSITORY = 'LeapLabTHU/DAT'
COMMIT = '797f187f483dbc08620a878858b9bd72905e75b4'
NAME = 'dat_base_in1k_224'
SEED = 0
INPUT_SEED = 1
# (pattern, mean, std) for state_dict_from_manifest; the rest N(0, 0.02^2).
OVERRIDES = [
    [r'norm\.weight$', 1.0, 0.1],
    [r'(rpe_table|relative_position_bias_table)$', 0.0, 1.0],
    [r'conv_offset\.3\.weight$', 0.0, 0.2],
]
VARIANTS = {'r1': [-1, -1, 1, 1], 'r2': [-1, -1, 2, 2]}


def parity_input() -> torch.Tensor:
    """The seeded grey image ``[1, 1, 224, 224]``."""
    return torch.randn(
        1, 1, 224, 224, generator=torch.Generator().manual_seed(INPUT_SEED))


def build_dat(checkout: str, strides=None):
    """The official DAT-B (float32, eval mode)."""
    stub_missing([[
        'torchvision', 'torchvision.transforms',
        'torchvision.transforms.functional'
    ]])
    if checkout not in sys.path:
        sys.path.insert(0, checkout)
    from models.dat import DAT
    with open(osp.join(checkout, 'configs', 'dat_base.yaml')) as f:
        kwargs = yaml.safe_load(f)['MODEL']['DAT']
    if strides is not None:
        kwargs['strides'] = strides
    return DAT(**kwargs).eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'checkout', help='LeapLabTHU/DAT checkout at '
        f'{COMMIT[:7]}')
    parser.add_argument('--out-dir', default='tests/data')
    args = parser.parse_args()
    torch.set_num_threads(1)

    model = build_dat(args.checkout)
    manifest = make_manifest(
        model,
        NAME,
        dict(
            repository=REPOSITORY,
            commit=COMMIT,
            definition='models/dat.py::DAT(**configs/dat_base.yaml '
            'MODEL.DAT)',
            script='tools/model_converters/manifests/dat.py',
            checkpoint='dat_base_in1k_224.pth (README release links)'),
        wrapper='model')
    path = osp.join(args.out_dir, 'checkpoints', f'{NAME}.json')
    os.makedirs(osp.dirname(path), exist_ok=True)
    write_manifest(manifest, path)
    print(f'{path}: {len(manifest["keys"])} keys')

    state = state_dict_from_manifest(
        load_manifest(path), seed=SEED, overrides=OVERRIDES)
    params = {k for k, _ in model.named_parameters()}
    x = parity_input()
    outputs = {}
    for name, strides in VARIANTS.items():
        model = build_dat(args.checkout, strides).double()
        missing, unexpected = model.load_state_dict(
            {k: v.double()
             for k, v in state.items() if k in params},
            strict=False)
        assert not unexpected and all(
            k.endswith(('relative_position_index', 'attn_mask'))
            for k in missing), (missing, unexpected)
        feats = []
        handle = model.cls_norm.register_forward_hook(
            lambda m, i, o: feats.append(o))
        with torch.no_grad():
            model(x.double().expand(-1, 3, -1, -1))
        handle.remove()
        fmap = feats[0]
        outputs[name] = dict(
            strides=strides,
            pooled=fmap.mean((2, 3))[0].float(),
            channels=fmap[0, :4].float())
        print(f'{name}: map {tuple(fmap.shape)}, pooled std '
              f'{fmap.mean((2, 3)).std():.4f}')
    fixture = dict(
        format='mmvb-parity/1',
        source=dict(
            repository=REPOSITORY,
            commit=COMMIT,
            definition=manifest['source']['definition'],
            script='tools/model_converters/manifests/dat.py',
            dtype='float64'),
        manifest=f'checkpoints/{NAME}.json',
        seed=SEED,
        overrides=OVERRIDES,
        weights_checksum=weights_checksum(state),
        input=dict(
            shape=[1, 1, 224, 224],
            seed=INPUT_SEED,
            checksum=float(x.double().abs().sum())),
        outputs=outputs)
    out = osp.join(args.out_dir, 'parity', f'{NAME}.pt')
    os.makedirs(osp.dirname(out), exist_ok=True)
    torch.save(fixture, out)
    print(f'{out}: {osp.getsize(out)} bytes')


if __name__ == '__main__':
    main()
