# Copyright (c) mmvb contributors. All rights reserved.
"""Every BMViT config builds offline and runs a training and a test step on
small clips; configs and ``metafile.yml`` agree."""
import os.path as osp

import pytest
import torch
import yaml
from mmaction.registry import TRANSFORMS
from mmengine.registry import DefaultScope

from mmvb.apis import build_model_from_cfg
from mmvb.testing import demo_inputs, get_cfg, get_config_root, list_configs

CONFIGS = [c for c in list_configs() if c.startswith('bmvit' + osp.sep)]
DATASET_CLASSES = dict(ava22=81, ucf101=25, jhmdb=22, synthetic=6)


def test_configs_found():
    assert len(CONFIGS) == 14


@pytest.mark.parametrize('rel', CONFIGS)
def test_config_builds_and_runs(rel):
    cfg = get_cfg(rel)
    head = cfg.model.head
    expected = [n for k, n in DATASET_CLASSES.items() if k in rel]
    assert [head.num_classes] == expected
    dataset = cfg.train_dataloader.dataset
    if dataset.type == 'AVADataset':
        assert dataset.get('num_classes', 81) == head.num_classes
    with DefaultScope.overwrite_default_scope('mmaction'):
        for loader in ('train_dataloader', 'val_dataloader',
                       'test_dataloader'):
            for t in cfg[loader].dataset.pipeline:
                TRANSFORMS.build(t)
    model = build_model_from_cfg(cfg).train()
    frames = cfg.model.backbone.temporal_size
    inputs, samples = demo_inputs(cfg.model, 1, (1, 3, frames, 64, 64))
    losses = model(inputs, samples, mode='loss')
    total = sum(v for k, v in losses.items() if k.startswith('loss'))
    assert torch.isfinite(total)
    model.eval()
    with torch.no_grad():
        out, = model(inputs, samples, mode='predict')
    assert out.pred_instances.scores.shape[1] == head.num_classes


def test_metafile_lists_every_config():
    root = get_config_root()
    with open(osp.join(root, 'bmvit', 'metafile.yml')) as f:
        meta = yaml.safe_load(f)
    listed = sorted(m['Config'] for m in meta['Models'])
    assert listed == sorted(f'configs/{c}' for c in CONFIGS)
    for model in meta['Models']:
        assert model['Name'] == osp.splitext(osp.basename(
            model['Config']))[0]
        assert model['In Collection'] == 'BMViT'
    index = osp.join(osp.dirname(root), 'model-index.yml')
    if osp.isfile(index):  # source checkouts
        with open(index) as f:
            assert 'configs/bmvit/metafile.yml' in f.read()
