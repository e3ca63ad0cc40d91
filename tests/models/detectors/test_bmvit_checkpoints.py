# Copyright (c) mmvb contributors. All rights reserved.
"""The pretrained weights the BMViT configs name, loaded the way the
configs load them, on random state dicts laid out as the published files
(manifests made from the official definitions, see
``tools/model_converters/manifests/``)."""
import os.path as osp
from collections import OrderedDict

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import _load_checkpoint_with_prefix

import mmvb  # noqa: F401
from mmvb.models.utils import convert_official_hiera
from mmvb.testing import (checkpoint_from_manifest, get_cfg, list_configs,
                          load_manifest)

CKPTS = osp.join(osp.dirname(__file__), '..', '..', 'data', 'checkpoints')
MVIT_K400 = 'mvit-small-p244_16x4x1_kinetics400-rgb_20221021-9ebaaeed'
HIERA_CFG = ('bmvit/bmvit_kinetics400-mae-pretrained-hiera-large-nopool_'
             '8xb2-16x4x1-25e_ava22-rgb-256px.py')
# BMViTHead: the projection and the three MLPs (box: 3 layers, actor and
# class: 2) are new, not in the Kinetics-400 recognizer, whose classifier
# cls_head.fc_cls is not loaded.
NEW_HEAD_MODULES = ('head.proj', 'head.box_mlp.0', 'head.box_mlp.2',
                    'head.box_mlp.4', 'head.actor_mlp.0', 'head.actor_mlp.2',
                    'head.cls_mlp.0', 'head.cls_mlp.2')


def backbone_checkpoint(cfg):
    init = cfg.model.backbone.get('init_cfg') or {}
    return init.get('checkpoint', cfg.model.backbone.get('pretrained'))


def mvit_backbone_groups():
    """BMViT configs that load the K400 MViTv2-S, one per distinct backbone
    setting (the others differ in data, head or schedule only)."""
    groups = OrderedDict()
    for rel in list_configs():
        if not rel.startswith('bmvit/'):
            continue
        cfg = get_cfg(rel)
        ckpt = backbone_checkpoint(cfg)
        if ckpt and MVIT_K400 in ckpt:
            groups.setdefault(repr(cfg.model.backbone.to_dict()), rel)
    return list(groups.values())


def test_every_mvit_config_names_the_manifested_checkpoint():
    rels = [r for r in list_configs() if r.startswith('bmvit/')]
    names = {
        osp.basename(backbone_checkpoint(get_cfg(r)) or 'none')
        for r in rels
    }
    # the synthetic CPU config trains from scratch
    assert names == {f'{MVIT_K400}.pth', 'hiera_large_16x224.pth', 'none'}


@pytest.mark.parametrize('rel', mvit_backbone_groups())
def test_mmaction2_k400_mvit_small_loads_through_the_config(rel, tmp_path):
    """The random K400 checkpoint through the config's ``init_cfg``
    (``Pretrained``, prefix ``backbone.``): no unexpected key, the missing
    ones are the new head modules, every backbone tensor equals the
    file's."""
    manifest = load_manifest(osp.join(CKPTS, f'{MVIT_K400}.json'))
    ckpt = checkpoint_from_manifest(manifest, seed=3)
    path = str(tmp_path / f'{MVIT_K400}.pth')
    torch.save(dict(ckpt, meta=dict()), path)

    cfg = get_cfg(rel)
    cfg.model.backbone.init_cfg.checkpoint = path
    assert cfg.model.backbone.init_cfg.prefix == 'backbone.'
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model)

    loaded = _load_checkpoint_with_prefix('backbone.', path)
    missing, unexpected = model.backbone.load_state_dict(loaded, strict=False)
    assert unexpected == [] and missing == []
    file_keys = {f'backbone.{k}' for k in loaded}
    not_loaded = set(model.state_dict()) - file_keys
    assert not_loaded == {
        f'{m}.{p}'
        for m in NEW_HEAD_MODULES for p in ('weight', 'bias')
    }
    # what the file has beyond the backbone: the K400 classifier only
    assert set(manifest['keys']) - file_keys == {
        'cls_head.fc_cls.weight', 'cls_head.fc_cls.bias'
    }

    model.init_weights()
    state = model.state_dict()
    for key, value in loaded.items():
        assert torch.equal(state[f'backbone.{key}'], value), key


def test_hiera_config_loads_the_official_hiera_large_layout():
    """The Hiera-L config's ``pretrained`` file (official
    ``mae_k400_ft_k400`` layout) against its backbone, built on the meta
    device: every backbone key filled, only the K400 classifier left."""
    cfg = get_cfg(HIERA_CFG)
    backbone = cfg.model.backbone.to_dict()
    name = osp.splitext(osp.basename(backbone.pop('pretrained')))[0]
    manifest = load_manifest(osp.join(CKPTS, f'{name}.json'))
    init_default_scope('mmaction')
    with torch.device('meta'):
        net = MODELS.build(backbone)
    ckpt = {
        manifest['wrapper']: {
            k: torch.empty(s, device='meta')
            for k, (s, _) in manifest['keys'].items()
        }
    }
    state_dict, report = convert_official_hiera(ckpt, net.state_dict())
    assert report.missing == [] and set(state_dict) == set(net.state_dict())
    assert set(
        report.dropped) == {'head.projection.weight', 'head.projection.bias'}
    assert cfg.model.head.in_channels == net.out_channels == 1152
