# Copyright (c) mmvb contributors. All rights reserved.
"""InstBlink learns the synthetic blink videos on a CPU, for 3 seeds.

Generates the synthetic release once (mmvb.datasets.synthetic.blink_faces),
converts it with the MPEblink converter, trains the synthetic config with
the paper's loss weights and tests it with the MPEblink protocol (36-frame
clips, linking with InstBlink++'s temporal NMS, blink merging, Inst-AP /
Blink-AP), once per training seed.
Runs with one torch thread: the model is small, so a second thread gains
little on an idle machine, and on a busy one the threads wait for each
other (about 6x slower at load 6 on 2 cores); one thread also makes the
numerics independent of the machine.
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
    'instblink_r18-c16-fpn_1xb4-3x1x1-1400i_synthetic-blink-rgb.py')


@pytest.fixture(scope='module')
def blink_data(tmp_path_factory):
    """The synthetic release, converted (once per test process)."""
    data = tmp_path_factory.mktemp('blink') / 'blink'
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
    return data


@pytest.mark.slow
@pytest.mark.parametrize('seed', [0, 1, 2])
def test_instblink_learns_synthetic_blinks(seed, blink_data, tmp_path,
                                           monkeypatch):
    monkeypatch.setenv('MMVB_DATA_ROOT', str(blink_data))
    cfg = Config.fromfile(CFG)
    # the paper's loss weights (Sec. 4.5: lambda = 5 for the blink loss;
    # cls 2, L1 5, GIoU 2 as in the official config)
    head = cfg.model.head
    assert (head.loss_cls.loss_weight, head.loss_bbox.loss_weight,
            head.loss_iou.loss_weight,
            head.loss_blink.loss_weight) == (2.0, 5.0, 2.0, 5.0)
    cfg.work_dir = str(tmp_path / 'work')
    for loader in ('train_dataloader', 'test_dataloader'):
        cfg[loader].num_workers = 0
        cfg[loader].persistent_workers = False
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None  # test only
    cfg.default_hooks.checkpoint.interval = cfg.train_cfg.max_iters + 1
    cfg.default_hooks.checkpoint.save_last = False
    cfg.randomness = dict(seed=seed)
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
