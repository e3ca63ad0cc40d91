# Copyright (c) mmvb contributors. All rights reserved.
"""Every DualScope config builds (without weights) and runs a training and
a test step on demo inputs; its pipelines build; the metafile lists
existing configs."""
import os.path as osp

import pytest
import torch
import yaml
from mmaction.registry import TRANSFORMS
from mmengine.registry import init_default_scope

from mmvb.apis import build_model_from_cfg
from mmvb.testing import demo_inputs, get_cfg, get_config_root, list_configs
from mmvb.utils import register_all_modules

CONFIGS = [
    c for c in list_configs()
    if c.startswith('dualscope' + osp.sep) and 'bcve' not in c
]


def setup_module():
    register_all_modules()


def test_configs_found():
    assert len(CONFIGS) >= 15


@pytest.mark.parametrize('config', CONFIGS)
def test_config_builds_and_steps(config):
    cfg = get_cfg(config)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        for t in cfg[key].dataset.pipeline:
            TRANSFORMS.build(t)
    if 'feature_extraction' in cfg:
        for t in cfg.feature_extraction.dataset.pipeline:
            TRANSFORMS.build(t)
        assert cfg.model.get('backbone') or cfg.get('frame_encoder')
    model = build_model_from_cfg(cfg)
    model.train()
    shape = None
    if model.backbone is not None:
        shape = (1, 1, 3, 2, 32, 32)  # 2 frames of 32 x 32
    inputs, samples = demo_inputs(cfg.model, 2, shape)
    losses = model(inputs, samples, mode='loss')
    losses['loss_cls'].backward()
    model.eval()
    with torch.no_grad():
        preds = model(inputs, samples, mode='predict')
    assert preds[0].pred_score.shape == (cfg.model.cls_head.num_classes, )


def test_metafile_lists_configs():
    root = get_config_root()
    with open(osp.join(root, 'dualscope', 'metafile.yml')) as f:
        meta = yaml.safe_load(f)
    names = [m['Name'] for m in meta['Models']]
    assert len(names) == len(set(names))
    for model in meta['Models']:
        assert osp.isfile(osp.join(osp.dirname(root), model['Config'])), \
            model['Config']
