# Copyright (c) mmvb contributors. All rights reserved.
"""BMViT learns: the synthetic config, trained from scratch on a freshly
generated synthetic AVA-format set on the CPU, reaches frame-mAP@0.5 >= 0.5
(MMAction2's AVA protocol through ``AVAFrameMAPMetric``) on its validation
videos, from an untrained model's < 0.1."""
import copy
import os.path as osp

import pytest
import torch
from mmengine.runner import Runner

from mmvb.datasets.synthetic import generate_ava_dataset
from mmvb.testing import get_cfg

CONFIG = ('bmvit/bmvit_mvit-tiny-p8-nopool_1xb8-8x2x1-20e_'
          'synthetic-ava-rgb-96px.py')
DATA_ROOT = 'data/synthetic/ava'


def _relocate(node, root):
    """Replace the config's data root in every string of a config node."""
    if isinstance(node, dict):
        return {k: _relocate(v, root) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return type(node)(_relocate(v, root) for v in node)
    if isinstance(node, str) and node.startswith(DATA_ROOT):
        return root + node[len(DATA_ROOT):]
    return node


@pytest.fixture
def one_thread():
    # Training runs in one process; one intra-op thread keeps its speed
    # stable when other jobs share the CPU.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.slow
def test_synthetic_config_reaches_frame_map_05(tmp_path, one_thread):
    data_root = str(tmp_path / 'ava')
    info = generate_ava_dataset(data_root, progress=False)
    cfg = get_cfg(CONFIG)
    assert (cfg.fps, cfg.timestamp_end,
            cfg.num_classes) == (info['fps'], info['timestamp_end'],
                                 info['num_classes'])
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader',
                'val_evaluator', 'test_evaluator'):
        cfg[key] = _relocate(copy.deepcopy(cfg[key]), data_root)
    cfg.work_dir = str(tmp_path / 'work')
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=-1)
    # Evaluated once, by runner.test() after training.
    cfg.train_cfg.val_begin = cfg.train_cfg.max_epochs + 1
    cfg.randomness = dict(seed=0)
    # Chance level: the untrained model (boxes of one token cell from the
    # grid bias, prior class scores) finds almost nothing at IoU 0.5. It
    # runs in its own Runner, before the training one is built (which seeds
    # everything again), so that the training below is not affected.
    untrained_cfg = copy.deepcopy(cfg)
    untrained_cfg.work_dir = str(tmp_path / 'untrained')
    untrained = Runner.from_cfg(untrained_cfg).test()['mAP/overall']
    assert untrained < 0.1, untrained
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    assert osp.isdir(cfg.work_dir)
    assert metrics['mAP/overall'] >= 0.5, metrics
