# Copyright (c) mmvb contributors. All rights reserved.
"""Sweep over every config under ``configs/``.

* every config loads, imports mmvb, keeps ``default_scope='mmaction'`` and
  names only registered data/evaluation/hook/schedule/optimizer types;
* every distinct model (configs that differ only in data, class count,
  clip length, weights to load or schedule share one) builds with
  pretrained weights off and runs a tiny ``loss`` and ``predict`` forward
  on :func:`mmvb.testing.demo_inputs`;
* every config folder has a README.md and a metafile.yml whose configs
  exist, and ``model-index.yml`` imports every metafile.
"""
import copy
import functools
import os.path as osp
from glob import glob

import mmaction.registry as R
import pytest
import torch
import yaml
from mmengine.config import Config
from mmengine.registry import DefaultScope

import mmvb  # noqa: F401
from mmvb.testing import (demo_inputs, disable_pretrained, get_config_path,
                          get_config_root, list_configs)

CONFIGS = list_configs()


@functools.lru_cache(maxsize=None)
def _parse(rel):
    return Config.fromfile(get_config_path(rel))


def _load(rel):
    """``configs/<rel>`` (parsed once per process: collection and both
    sweeps read every config; each caller gets its own copy)."""
    return copy.deepcopy(_parse(rel))


def _check_types(node, registry, where):
    """Every ``type`` in a data/evaluator/hook config resolves."""
    if isinstance(node, dict):
        if isinstance(node.get('type'), str):
            assert registry.get(node['type']) is not None, \
                f'{where}: {node["type"]} is not registered in {registry.name}'
        for key, value in node.items():
            if key == 'pipeline':
                for step in value:
                    _check_types(step, R.TRANSFORMS, f'{where}.pipeline')
            elif key == 'sampler':
                _check_types(value, R.DATA_SAMPLERS, f'{where}.sampler')
            elif key in ('dataset', 'datasets'):
                _check_types(value, R.DATASETS, f'{where}.{key}')
    elif isinstance(node, (list, tuple)):
        for item in node:
            _check_types(item, registry, where)


def test_there_are_configs():
    assert CONFIGS, f'no configs under {get_config_root()}'


@pytest.mark.parametrize('rel', CONFIGS)
def test_config_is_consistent(rel):
    cfg = _load(rel)
    assert cfg.get('default_scope') == 'mmaction', rel
    assert 'mmvb' in cfg.get('custom_imports', {}).get('imports', []), rel
    assert 'model' in cfg, rel
    with DefaultScope.overwrite_default_scope('mmaction'):
        for split in ('train', 'val', 'test'):
            loader = cfg.get(f'{split}_dataloader')
            if loader:
                _check_types(
                    loader.get('dataset'), R.DATASETS,
                    f'{rel}:{split}_dataloader')
                _check_types(
                    loader.get('sampler'), R.DATA_SAMPLERS,
                    f'{rel}:{split}_dataloader')
            evaluator = cfg.get(f'{split}_evaluator')
            if evaluator:
                _check_types(evaluator, R.METRICS, f'{rel}:{split}_evaluator')
        _check_types(cfg.get('custom_hooks', []), R.HOOKS, f'{rel}:hooks')
        _check_types(
            cfg.get('param_scheduler', []), R.PARAM_SCHEDULERS,
            f'{rel}:param_scheduler')
        wrapper = cfg.get('optim_wrapper')
        if wrapper:
            _check_types({'type': wrapper.get('type', 'OptimWrapper')},
                         R.OPTIM_WRAPPERS, f'{rel}:optim_wrapper')
            _check_types(
                wrapper.get('optimizer'), R.OPTIMIZERS, f'{rel}:optimizer')
    scaling = cfg.get('auto_scale_lr')
    if scaling and cfg.get('train_dataloader'):
        assert scaling.get('base_batch_size'), rel


# Keys that only size a model for its dataset/clip length or point at
# weights: configs whose models differ only in these run the same code, so
# one of them is built.
_DATASET_KEYS = {
    'num_classes', 'num_segments', 'checkpoint', 'pretrained',
    'teacher_checkpoint', 'average_clips', 'prompts', 'templates'
}


def _model_key(node):
    if isinstance(node, dict):
        return {
            k: '*' if k in _DATASET_KEYS else _model_key(v)
            for k, v in node.items()
        }
    if isinstance(node, (list, tuple)):
        return [_model_key(v) for v in node]
    return node


def _distinct_models():
    seen = {}
    for rel in CONFIGS:
        key = repr(_model_key(_load(rel).model.to_dict()))
        seen.setdefault(key, rel)
    return sorted(seen.values())


MODEL_CONFIGS = _distinct_models()


@pytest.mark.parametrize('rel', MODEL_CONFIGS)
@pytest.mark.usefixtures('quiet_mmaction_scope')
def test_model_builds_and_runs(rel):
    cfg = _load(rel)
    with DefaultScope.overwrite_default_scope('mmaction'):
        model = R.MODELS.build(disable_pretrained(cfg.model))
        model.init_weights()
    inputs, samples = demo_inputs(cfg.model, batch_size=2)
    model.train()
    with torch.no_grad():
        losses = model(inputs, samples, mode='loss')
    assert isinstance(losses, dict) and losses, rel
    total, _ = model.parse_losses(losses)
    if isinstance(total, (list, tuple)):  # task losses (gradient surgery)
        total = sum(total)
    assert torch.isfinite(total), f'{rel}: loss {total}'
    model.eval()
    with torch.no_grad():
        if not type(model).__module__.startswith('mmvb.models.pretrainers'):
            preds = model(inputs, samples, mode='predict')
            assert len(preds) == 2, rel
        else:  # pre-trainers: network output only
            out = model(inputs, samples, mode='tensor')
            first = out[0] if isinstance(out, (tuple, list)) else out
            assert first.shape[0] == 2, rel


def _config_dirs():
    root = get_config_root()
    dirs = {osp.dirname(osp.join(root, rel)) for rel in CONFIGS}
    return sorted(osp.relpath(d, root) for d in dirs)


@pytest.mark.parametrize('folder', _config_dirs())
def test_folder_has_readme_and_metafile(folder):
    root = osp.join(get_config_root(), folder)
    assert osp.isfile(osp.join(root, 'README.md')), folder
    meta_path = osp.join(root, 'metafile.yml')
    assert osp.isfile(meta_path), folder
    with open(meta_path) as f:
        meta = yaml.safe_load(f)
    assert meta.get('Collections'), f'{folder}: no Collections'
    repo_root = osp.dirname(osp.realpath(get_config_root()))
    for model in meta.get('Models', []):
        config = model['Config']
        assert osp.isfile(osp.join(repo_root, config)), \
            f'{folder}/metafile.yml names a missing config {config}'
        assert model['In Collection'] in {
            c['Name']
            for c in meta['Collections']
        }


def test_model_index_imports_every_metafile():
    repo_root = osp.dirname(osp.realpath(get_config_root()))
    with open(osp.join(repo_root, 'model-index.yml')) as f:
        index = yaml.safe_load(f)
    imported = {osp.normpath(p) for p in index['Import']}
    metafiles = {
        osp.normpath(osp.relpath(p, repo_root))
        for p in glob(
            osp.join(repo_root, 'configs', '**', 'metafile.yml'),
            recursive=True)
    }
    assert metafiles and imported == metafiles
