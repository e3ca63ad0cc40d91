# Copyright (c) mmvb contributors. All rights reserved.
"""Every DATAR config builds and runs, and the metafile matches them."""
import os.path as osp

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.fileio import load
from mmengine.registry import init_default_scope

from mmvb.testing import (demo_inputs, disable_pretrained, get_cfg,
                          get_config_root, list_configs)

CONFIGS = [c for c in list_configs() if c.startswith('datar' + osp.sep)]


def test_configs_found():
    assert len(CONFIGS) == 12


@pytest.mark.parametrize('rel',
                         [c for c in CONFIGS if 'epic-kitchens-100' in c][:1])
def test_epic_config_predicts_verbs_and_nouns(rel):
    """Every config builds and runs in tests/test_configs.py (the sweep);
    here the EPIC-100 head and metric: 97 verb + 293 noun scores."""
    cfg = get_cfg(rel)
    init_default_scope(cfg.default_scope)
    assert cfg.model.cls_head.type == 'VerbNounHead'
    assert cfg.val_evaluator.type == 'VerbNounActionMetric'
    model = MODELS.build(disable_pretrained(cfg.model))
    inputs, samples = demo_inputs(cfg.model, batch_size=2)
    model.eval()
    with torch.no_grad():
        preds = model(inputs, samples, mode='predict')
    assert preds[0].pred_score.shape == (97 + 293, )


def test_metafile_matches_configs():
    root = get_config_root()
    meta = load(osp.join(root, 'datar', 'metafile.yml'))
    listed = {m['Config'] for m in meta['Models']}
    paper = {f'configs/{c}' for c in CONFIGS if 'synthetic' not in c}
    assert listed == paper
    for entry in meta['Models']:
        cfg = get_cfg(entry['Config'][len('configs/'):])
        assert entry['Metadata']['Epochs'] == cfg.train_cfg.max_epochs
        assert entry['Metadata']['Batch Size'] == \
            cfg.train_dataloader.batch_size * 8
    index = load(osp.join(osp.dirname(root), 'model-index.yml'))
    assert 'configs/datar/metafile.yml' in index['Import']


def test_benchmark_preset():
    import importlib.util
    root = osp.dirname(get_config_root())
    spec = importlib.util.spec_from_file_location(
        'benchmark_presets',
        osp.join(root, 'tools/analysis/benchmark_presets.py'))
    presets = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(presets)
    entries = presets.PRESETS['datar']
    assert [e['name'].split()[0] for e in entries] == ['DATAR-B', 'AST-B']
    for entry in entries:
        cfg = get_cfg(entry['config'][len('configs/'):])
        inputs, samples = demo_inputs(cfg.model, entry['batch'],
                                      entry['shape'])
        assert inputs.shape == (8, 1, 1, 128, 1024) and len(samples) == 8
