# Copyright (c) mmvb contributors. All rights reserved.
"""InstBlink learns the synthetic blink videos on a CPU.

Generates the synthetic release (mmvb.datasets.synthetic.blink_faces),
converts it with the MPEblink converter, trains the synthetic config and
tests it with the MPEblink protocol (36-frame clips, linking, blink
merging, Inst-AP / Blink-AP). Runs with one torch thread: the model is
small, so a second thread gains little on an idle machine, and on a busy
one the threads wait for each other (about 6x slower at load 6 on 2
cores); one thread also makes the numerics independent of the machine.
"""
import importlib.util
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmvb.datasets.synthetic import generate_blink_dataset

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CFG = osp.join(
    ROOT, 'configs', 'instblink',
    'instblink_r18-c16-fpn_1xb4-5x1x1-1000i_synthetic-blink-rgb.py')


@pytest.mark.slow
def test_instblink_learns_synthetic_blinks(tmp_path, monkeypatch):
    data = tmp_path / 'blink'
    generate_blink_dataset(str(data), num_val=0, progress=False, seed=0)
    spec = importlib.util.spec_from_file_location(
        'convert_mpeblink',
        osp.join(ROOT, 'tools', 'data', 'mpeblink', 'convert_mpeblink.py'))
    conv = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conv)
    conv.main([
        str(data), '--size', '160', '96', '--splits', 'train', 'test',
        '--no-progress'
    ])

    monkeypatch.setenv('MMVB_DATA_ROOT', str(data))
    cfg = Config.fromfile(CFG)
    cfg.work_dir = str(tmp_path / 'work')
    for loader in ('train_dataloader', 'test_dataloader'):
        cfg[loader].num_workers = 0
        cfg[loader].persistent_workers = False
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None  # test only
    cfg.default_hooks.checkpoint.interval = cfg.train_cfg.max_iters + 1
    cfg.default_hooks.checkpoint.save_last = False
    cfg.randomness = dict(seed=0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        runner = Runner.from_cfg(cfg)
        runner.train()
        metrics = runner.test()
    finally:
        torch.set_num_threads(threads)
    assert metrics['mpeblink/inst_ap50'] >= 0.7, metrics
    assert metrics['mpeblink/blink_ap50'] >= 0.5, metrics
