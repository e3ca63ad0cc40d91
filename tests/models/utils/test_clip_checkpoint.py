# Copyright (c) mmvb contributors. All rights reserved.
"""DualScope's CLIP ViT-L/14 checkpoints through mmvb's loaders.

Manifests (``tests/data/checkpoints/``, made by ``tools/model_converters/
manifests/openai_clip.py`` from the official definitions) of

* ``vit-large-p14_clip-openai-pre_3rdparty_20230517-95e2af0b``: mmpretrain's
  CLIP ViT-L/14 image tower, the file the DualScope frame encoder
  (``configs/_base_/models/dualscope_vit-large-p14.py``) and the BCVE
  pre-training configs load with ``init_cfg=dict(type='Pretrained',
  prefix='backbone.')``;
* ``ViT-L-14``: OpenAI's state dict; ``ViT-L-14_mmpretrain-clip``:
  mmpretrain's conversion of it; both loaded by the zero-shot models.

The models are built at full size on the ``meta`` device (shapes only, no
memory) and the loaders run as in training: mmengine's ``PretrainedInit``
(its file reader replaced by the manifest's checkpoint), and
``load_state_dict`` with the zero-shot model's key renaming.
"""
import os
import os.path as osp

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.model import initialize
from mmengine.registry import init_default_scope
from mmengine.runner import checkpoint as ckpt_module

from mmvb.models.utils import convert_clip_checkpoint, find_clip_bpe
from mmvb.testing import get_config_path, load_manifest

DATA = osp.join(osp.dirname(__file__), '..', '..', 'data', 'checkpoints')
MMPRETRAIN = 'vit-large-p14_clip-openai-pre_3rdparty_20230517-95e2af0b'


def _meta_checkpoint(name):
    manifest = load_manifest(osp.join(DATA, f'{name}.json'))
    state = {
        k: torch.empty(shape, dtype=getattr(torch, dtype), device='meta')
        for k, (shape, dtype) in manifest['keys'].items()
    }
    wrapper = manifest['wrapper']
    return (dict(meta=dict(), **{wrapper: state}) if wrapper else state,
            manifest)


def _pretrained_load(cfg, name, monkeypatch):
    """Build ``cfg`` on meta and run its Pretrained init on the manifest;
    returns (missing, unexpected, mismatched shapes)."""
    checkpoint, _ = _meta_checkpoint(name)
    seen = {}
    real = ckpt_module.load_state_dict

    def record(module, state_dict, strict=False, logger=None):
        own = module.state_dict()
        seen['missing'] = sorted(set(own) - set(state_dict))
        seen['unexpected'] = sorted(set(state_dict) - set(own))
        seen['shapes'] = sorted(
            k for k in set(own) & set(state_dict)
            if tuple(own[k].shape) != tuple(state_dict[k].shape))
        return real(module, state_dict, strict, logger)

    monkeypatch.setattr(
        ckpt_module,
        '_load_checkpoint',
        lambda filename, map_location=None: checkpoint)
    monkeypatch.setattr(ckpt_module, 'load_state_dict', record)
    init_default_scope('mmaction')
    with torch.device('meta'):
        module = MODELS.build(cfg)
    # the Pretrained part of init_weights (the rest records parameter means,
    # which meta tensors do not have)
    initialize(module, dict(module.init_cfg))
    assert seen, 'the Pretrained init did not run'
    return seen['missing'], seen['unexpected'], seen['shapes']


def test_frame_encoder_loads_the_mmpretrain_checkpoint(monkeypatch):
    cfg = Config.fromfile(
        get_config_path('_base_/models/dualscope_vit-large-p14.py'))
    encoder = cfg.frame_encoder
    assert encoder.init_cfg.checkpoint.endswith(MMPRETRAIN + '.pth')
    assert encoder.init_cfg.prefix == 'backbone.'
    missing, unexpected, shapes = _pretrained_load(encoder, MMPRETRAIN,
                                                   monkeypatch)
    assert (missing, unexpected, shapes) == ([], [], [])


def test_bcve_loads_the_mmpretrain_checkpoint(monkeypatch):
    cfg = Config.fromfile(
        get_config_path('_base_/models/bcve-sbcd_vit-large-p14.py'))
    backbone = cfg.model.backbone
    assert backbone.init_cfg.checkpoint.endswith(MMPRETRAIN + '.pth')
    missing, unexpected, shapes = _pretrained_load(backbone, MMPRETRAIN,
                                                   monkeypatch)
    assert unexpected == [] and shapes == []
    # missing: the new modules only, the TA-Adapter and the two
    # SI-Adapters of each of the 24 layers
    adapters = {
        k
        for k in missing
        if k.startswith('ta_adapter.') or '.si_attn.' in k or '.si_mlp.' in k
    }
    assert set(missing) == adapters
    assert {k.split('.')[0] for k in missing} == {'ta_adapter', 'layers'}
    assert len({k.split('.si_')[0] for k in missing if '.si_' in k}) == 24
    assert len(missing) == 4 + 24 * 2 * 6


@pytest.fixture
def vocabulary():
    try:
        find_clip_bpe()
    except FileNotFoundError as e:
        if os.environ.get('CI'):
            raise
        pytest.skip(f'{e} (requirements/tests.txt installs it)')


def _zero_shot_model(with_backbone):
    rel = ('dualscope/clip-zero-shot_openai-pretrained-vit-large-p14-feat_'
           '1xb32-16x1x1_dmd-rgb.py')
    cfg = Config.fromfile(get_config_path(rel))
    model = cfg.model.to_dict()
    if with_backbone:
        encoder = cfg.frame_encoder.to_dict()
        encoder.pop('init_cfg')
        model['backbone'] = encoder
    init_default_scope('mmaction')
    with torch.device('meta'):
        return MODELS.build(model)


@pytest.mark.parametrize('name', ['ViT-L-14', 'ViT-L-14_mmpretrain-clip'])
@pytest.mark.parametrize('with_backbone', [True, False])
def test_zero_shot_loads_clip(name, with_backbone, vocabulary):
    state, manifest = _meta_checkpoint(name)
    if name == 'ViT-L-14':  # the TorchScript file's metadata entries
        state.update({
            k: torch.empty((), dtype=torch.int64, device='meta')
            for k in ('input_resolution', 'context_length', 'vocab_size')
        })
    model = _zero_shot_model(with_backbone)
    result = model.load_state_dict(state, strict=True)  # renamed in a hook
    assert not result.missing_keys and not result.unexpected_keys
    converted, report = convert_clip_checkpoint(
        {k: v
         for k, v in state.items()})
    assert len(converted) == len(manifest['keys'])
    # only the class / position embeddings are reshaped
    if name == 'ViT-L-14':
        assert sorted(
            report.adapted) == ['backbone.cls_token', 'backbone.pos_embed']


def test_unknown_key_is_named():
    with pytest.raises(KeyError, match='visual.transformer.foo'):
        convert_clip_checkpoint({
            'visual.conv1.weight': torch.zeros(1),
            'visual.transformer.foo': torch.zeros(1)
        })
    with pytest.raises(KeyError, match='head.weight: not a key'):
        convert_clip_checkpoint({
            'text_projection': torch.zeros(1),
            'head.weight': torch.zeros(1)
        })
