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
MAIN = ('bmvit/bmvit_kinetics400-pretrained-mvit-small-nopool_8xb2-16x4x1-'
        '25e_ava22-rgb-256px.py')
DATASET_CLASSES = dict(ava22=81, ucf101=25, jhmdb=22, synthetic=6)


def test_configs_found():
    assert len(CONFIGS) == 15


@pytest.mark.parametrize('rel', CONFIGS)
def test_config_classes_and_pipelines(rel):
    """Class counts per dataset and every pipeline step builds; the model
    itself builds and runs in tests/test_configs.py (the sweep)."""
    cfg = get_cfg(rel)
    head = cfg.model.head
    expected = [n for k, n in DATASET_CLASSES.items() if k in rel]
    assert [head.num_classes] == expected
    dataset = cfg.train_dataloader.dataset
    if dataset.type == 'CheckedAVADataset':
        assert dataset.get('num_classes', 81) == head.num_classes
    with DefaultScope.overwrite_default_scope('mmaction'):
        for loader in ('train_dataloader', 'val_dataloader',
                       'test_dataloader'):
            for t in cfg[loader].dataset.pipeline:
                TRANSFORMS.build(t)


def test_main_config_predicts_81_scores_per_token_pair():
    cfg = get_cfg(MAIN)
    model = build_model_from_cfg(cfg).eval()
    inputs, samples = demo_inputs(cfg.model, 1, (1, 3, 16, 64, 64))
    with torch.no_grad():
        out, = model(inputs, samples, mode='predict')
    # 2(C+T) on the 8 x 4 x 4 output grid (no last pooling): 2 x 4 x 4
    assert out.pred_instances.scores.shape == (32, 81)
    assert out.pred_instances.bboxes.shape == (32, 4)


POOL = ('bmvit/bmvit_kinetics400-pretrained-mvit-small-pool_8xb2-16x4x1-'
        '25e_ava22-rgb-{}px.py')


@pytest.mark.parametrize('size, grid, pairs', [(256, (8, 8, 8), 64),
                                               (224, (8, 7, 7), 49)])
def test_pool_configs_make_the_central_frame_triplets(size, grid, pairs):
    """Sec. 5.1: with the last pooling kept, "a set of 64 triplets" at
    256 px and "only 7x7 tokens at the central frame" at 224 px."""
    cfg = get_cfg(POOL.format(size))
    assert cfg.model.backbone.remove_last_pool is False
    assert cfg.model.head.token_selection == 'C+T'
    model = build_model_from_cfg(cfg).eval()
    with torch.no_grad():
        out = model.head(torch.randn(1, 768, *grid))
        assert out['boxes'].shape == (1, pairs, 4)
        # the whole model at 64 px: 8 x 2 x 2 output tokens -> 2 x 2 pairs
        boxes, actor, cls = model(torch.randn(1, 3, 16, 64, 64), mode='tensor')
    assert boxes.shape == (1, 4, 4) and cls.shape == (1, 4, 80)


def test_metafile_lists_every_config():
    root = get_config_root()
    with open(osp.join(root, 'bmvit', 'metafile.yml')) as f:
        meta = yaml.safe_load(f)
    listed = sorted(m['Config'] for m in meta['Models'])
    assert listed == sorted(f'configs/{c}' for c in CONFIGS)
    for model in meta['Models']:
        assert model['Name'] == osp.splitext(osp.basename(model['Config']))[0]
        assert model['In Collection'] == 'BMViT'
    index = osp.join(osp.dirname(root), 'model-index.yml')
    if osp.isfile(index):  # source checkouts
        with open(index) as f:
            assert 'configs/bmvit/metafile.yml' in f.read()
