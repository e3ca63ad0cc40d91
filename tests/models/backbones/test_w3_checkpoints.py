# Copyright (c) mmvb contributors. All rights reserved.
"""W3's and TSM's R50 configs load the published checkpoints' layouts.

Random state dicts built from the manifests in ``tests/data/checkpoints``
(made by ``tools/model_converters/manifests/{torchvision_resnet50,
mmaction2_tsm_r50}.py`` from the official definitions) go through the
paths the configs use:

* ``pretrained='torchvision://resnet50'``: MMAction2's
  ``ResNetTSM.init_weights`` (``load_original_weights``), which renames
  torchvision's keys; the ``torchvision://`` scheme is served the random
  state dict instead of the download;
* ``load_from`` a TSM-R50 recognizer checkpoint: mmengine's
  ``load_checkpoint`` as the runner calls it (``strict=False``).

Asserted: no unexpected key (beyond the ones named below), the only missing
keys are the W3 modules listed here (and the BN counters named below), and
every loaded tensor equals the manifest's value.
"""
import copy
import os.path as osp
import re

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.runner.checkpoint import CheckpointLoader, load_checkpoint

from mmvb.testing import (checkpoint_from_manifest, load_manifest,
                          state_dict_from_manifest)

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
CKPT_DIR = osp.join(REPO, 'tests', 'data', 'checkpoints')
TORCHVISION = osp.join(CKPT_DIR, 'resnet50-0676ba61.json')
TSM_K400 = osp.join(
    CKPT_DIR, 'tsm_imagenet-pretrained-r50_8xb16-1x1x8-50e_kinetics400-rgb_'
    '20220831-64d69186.json')
TSM_STHV2 = osp.join(
    CKPT_DIR, 'tsm_imagenet-pretrained-r50_8xb16-1x1x8-50e_sthv2-rgb_'
    '20230317-be0fc26e.json')
W3_DIR = osp.join(REPO, 'configs', 'w3')
CONFIGS = {
    'tsm':
    'tsm_imagenet-pretrained-r50_8xb8-1x1x8-50e_sthv1-rgb.py',
    'w3':
    'w3_imagenet-pretrained-r50_8xb8-1x1x8-50e_sthv1-rgb.py',
    'w3-dense':
    'w3_imagenet-pretrained-r50-dense-tconv_8xb8-1x1x8-50e_'
    'sthv1-rgb.py',
    'w3-mfr-sthv2':
    'w3-mfr_imagenet-pretrained-r50_8xb6-1x1x16-50e_'
    'sthv2-rgb.py',
}
BLOCKS = (3, 4, 6, 3)  # ResNet-50
# W3's new parameters in every residual block (not in any checkpoint)
W3_BLOCK_KEYS = [
    f'attention.{name}.{kind}'
    for name in ('channel_mlp.0', 'channel_mlp.2', 'channel_temporal.0',
                 'channel_temporal.2', 'spatial_conv', 'spatial_temporal.0',
                 'spatial_temporal.2') for kind in ('weight', 'bias')
]
AFR_KEYS = ['afr.conv.weight', 'afr.conv.bias']

pytestmark = pytest.mark.usefixtures('quiet_mmaction_scope')


def w3_new_keys(prefix=''):
    """W3's modules, listed from the paper's layout (not from the model)."""
    keys = {
        f'{prefix}layer{i + 1}.{j}.{key}'
        for i, n in enumerate(BLOCKS) for j in range(n)
        for key in W3_BLOCK_KEYS
    }
    return keys | {prefix + k for k in AFR_KEYS}


def tv_to_mmaction(key):
    """torchvision ResNet key -> MMAction2 ResNetTSM key (the conv1 of every
    block sits in a temporal shift: ``conv.net``); None for ``fc.*``."""
    if key.startswith('fc.'):
        return None
    m = re.fullmatch(r'(conv1|bn1)\.(\w+)', key)
    if m:
        return f'conv1.{"conv" if m[1] == "conv1" else "bn"}.{m[2]}'
    m = re.fullmatch(r'(layer\d\.\d+)\.downsample\.([01])\.(\w+)', key)
    if m:
        return f'{m[1]}.downsample.{"conv" if m[2] == "0" else "bn"}.{m[3]}'
    m = re.fullmatch(r'(layer\d\.\d+)\.(conv|bn)(\d)\.(\w+)', key)
    assert m, key
    if m[2] == 'bn':
        return f'{m[1]}.conv{m[3]}.bn.{m[4]}'
    net = '.net' if m[3] == '1' else ''
    return f'{m[1]}.conv{m[3]}.conv{net}.{m[4]}'


def _backbone(name):
    cfg = Config.fromfile(osp.join(W3_DIR, CONFIGS[name]))
    assert cfg.model.backbone.pretrained == 'torchvision://resnet50'
    return MODELS.build(copy.deepcopy(cfg.model.backbone))


@pytest.mark.parametrize('name', ['tsm', 'w3', 'w3-dense'])
@pytest.mark.parametrize('legacy_bn', [False, True])
def test_torchvision_resnet50_through_pretrained(name, legacy_bn, monkeypatch):
    """``legacy_bn``: the file without the ``num_batches_tracked`` buffers
    of the definition (the 2017 weights predate them)."""
    manifest = load_manifest(TORCHVISION)
    assert manifest['wrapper'] is None and len(manifest['keys']) == 320
    weights = state_dict_from_manifest(manifest, seed=1)
    if legacy_bn:
        weights = type(weights)((k, v) for k, v in weights.items()
                                if not k.endswith('num_batches_tracked'))
        assert len(weights) == 267
    requested = []

    def serve(filename, map_location=None):
        requested.append(filename)
        return copy.deepcopy(weights)  # the loader pops keys from it

    monkeypatch.setitem(CheckpointLoader._schemes, 'torchvision://', serve)
    backbone = _backbone(name)
    results = []
    load = backbone.load_state_dict
    monkeypatch.setattr(
        backbone,
        'load_state_dict',
        lambda sd, strict=True: results.append(load(sd, strict)) or results[-1]
    )
    backbone.init_weights()
    assert requested == ['torchvision://resnet50'] and len(results) == 1
    missing, unexpected = set(results[0].missing_keys), set(
        results[0].unexpected_keys)

    # MMAction2's converter renames weights and running statistics only:
    # torchvision's BN counters (when the file has them) stay under their
    # names (unexpected); the model's counters are never reported missing
    # (BatchNorm fills an absent counter) and are not used (BN uses its
    # momentum).
    counters = {k for k in weights if k.endswith('num_batches_tracked')}
    assert len(counters) == (0 if legacy_bn else 53)
    assert unexpected == {'fc.weight', 'fc.bias'} | counters
    new = w3_new_keys() if name.startswith('w3') else set()
    assert missing == new
    state = backbone.state_dict()
    checked = 0
    for key, value in weights.items():
        target = tv_to_mmaction(key)
        if target is None or key.endswith('num_batches_tracked'):
            continue
        torch.testing.assert_close(state[target], value, rtol=0, atol=0)
        checked += 1
    assert checked == 265  # 53 convs + 53 BN x 4 (fc excluded)


def _save(manifest, tmp_path, seed=2):
    checkpoint = checkpoint_from_manifest(manifest, seed=seed)
    checkpoint['meta'] = dict()
    path = str(tmp_path / f'{manifest["name"]}.pth')
    torch.save(checkpoint, path)
    return path, checkpoint['state_dict']


@pytest.mark.parametrize('manifest_path,config,head_loads', [
    (TSM_STHV2, 'w3', True),
    (TSM_STHV2, 'w3-dense', True),
    (TSM_STHV2, 'w3-mfr-sthv2', True),
    (TSM_K400, 'w3', False),
])
def test_tsm_checkpoint_through_load_from(manifest_path, config, head_loads,
                                          tmp_path, monkeypatch):
    """The runner's order: ``init_weights`` (ImageNet weights through
    ``torchvision://resnet50``), then ``load_from`` (mmengine
    ``load_checkpoint``, non-strict) of a TSM-R50 recognizer checkpoint
    into the W3 recognizer."""
    imagenet = state_dict_from_manifest(TORCHVISION, seed=1)
    monkeypatch.setitem(CheckpointLoader._schemes, 'torchvision://',
                        lambda *args, **kwargs: copy.deepcopy(imagenet))
    manifest = load_manifest(manifest_path)
    assert manifest['wrapper'] == 'state_dict'
    path, weights = _save(manifest, tmp_path)
    cfg = Config.fromfile(osp.join(W3_DIR, CONFIGS[config])).model
    if cfg.type == 'MFRRecognizer2D':
        cfg.teacher_checkpoint = None  # the student is what loads
    model = MODELS.build(copy.deepcopy(cfg))
    model.init_weights()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    load_checkpoint(
        model,
        path,
        map_location='cpu',
        strict=False,
        revise_keys=[(r'^module\.', '')])
    state = model.state_dict()
    unexpected = set(weights) - set(state)
    missing = set(state) - set(weights)
    assert unexpected == set()
    assert missing == w3_new_keys('backbone.')
    head = {'cls_head.fc_cls.weight', 'cls_head.fc_cls.bias'}
    for key, value in weights.items():
        if key in head and not head_loads:
            # 400 Kinetics classes vs 174: skipped (shape mismatch)
            assert value.shape != state[key].shape
            torch.testing.assert_close(state[key], before[key])
            continue
        torch.testing.assert_close(state[key], value, rtol=0, atol=0)
    for key in missing:  # W3's own initialisation is kept
        torch.testing.assert_close(state[key], before[key], rtol=0, atol=0)
