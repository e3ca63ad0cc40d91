# Copyright (c) mmvb contributors. All rights reserved.
"""The seven per-dataset DualScope configs (cached frozen-CLIP features)
inherit one base each (video or image datasets) and differ from it only in
the dataset's paths and class count."""
import os.path as osp

import pytest
from mmengine.config import Config

from mmvb.testing import get_config_path, get_config_root, list_configs

PREFIX = 'dualscope/dualscope_clip-pretrained-vit-large-p14-feat_1xb32-'
# dataset -> (base kind, classes)
DATASETS = {
    'sam-dd': ('video', 10),
    'syndd1': ('video', 8),
    'aide': ('video', 7),
    'dmd': ('video', 10),
    '3mdad': ('video', 16),
    'auc': ('image', 10),
    'statefarm': ('image', 10),
}


def _per_dataset_configs():
    return sorted(c for c in list_configs() if c.startswith(PREFIX))


def _flatten(node, prefix=''):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            out.update(_flatten(value, f'{prefix}{key}.'))
        return out
    return {prefix[:-1]: node}


def test_seven_datasets():
    names = [c[len(PREFIX):] for c in _per_dataset_configs()]
    assert sorted(n.split('100e_')[1][:-len('-rgb.py')]
                  for n in names) == sorted(DATASETS)


@pytest.mark.parametrize('rel', _per_dataset_configs())
def test_config_is_its_base_plus_dataset(rel):
    dataset = rel.split('100e_')[1][:-len('-rgb.py')]
    kind, classes = DATASETS[dataset]
    with open(get_config_path(rel)) as f:
        source = f.read()
    base_rel = f'_base_/dualscope_vit-large-p14-feat_{kind}.py'
    assert f"_base_ = ['../{base_rel}']" in source
    cfg = _flatten(Config.fromfile(get_config_path(rel)).to_dict())
    base = _flatten(
        Config.fromfile(osp.join(get_config_root(), base_rel)).to_dict())
    differing = {
        k
        for k in cfg.keys() | base.keys()
        if cfg.get(k, '<absent>') != base.get(k, '<absent>')
    }
    allowed = {
        'data_root', 'ann_file', 'feature_root', 'model.cls_head.num_classes',
        'dataset.ann_file', 'dataset.data_prefix.video',
        'dataset.feature_root', 'feature_extraction.dataset.ann_file',
        'feature_extraction.dataset.data_prefix.video'
    }
    for split in ('train', 'val', 'test'):
        allowed |= {
            f'{split}_dataloader.dataset.{k}'
            for k in ('ann_file', 'data_prefix.video', 'feature_root')
        }
    assert differing <= allowed, sorted(differing - allowed)
    assert cfg['model.cls_head.num_classes'] == classes
    root = cfg['data_root']
    assert root.startswith('data/')
    for split in ('train', 'val', 'test'):
        assert cfg[f'{split}_dataloader.dataset.ann_file'] == \
            f'{root}/annotations.json'
        assert cfg[f'{split}_dataloader.dataset.data_prefix.video'] == root
        assert cfg[f'{split}_dataloader.dataset.feature_root'] == \
            cfg['feature_root']
    assert cfg['feature_extraction.dataset.ann_file'] == \
        f'{root}/annotations.json'
    clip_len = 1 if kind == 'image' else 16
    assert cfg['train_dataloader.dataset.pipeline'][0]['clip_len'] == \
        clip_len
