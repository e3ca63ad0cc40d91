# Copyright (c) mmvb contributors. All rights reserved.
"""It learns: the synthetic DualScope config (a small CNN frame encoder
trained from scratch + the paper's temporal scope) reaches >= 90 % top-1 on
held-out drivers of the synthetic driver-activity set, on a CPU, in
minutes."""
import time

import pytest
import torch
from mmengine.runner import Runner

from mmvb.datasets.synthetic import generate_driver_dataset
from mmvb.testing import get_cfg
from mmvb.utils import register_all_modules

CONFIG = ('dualscope/'
          'dualscope_r18-tiny_1xb16-16x1x1-20e_synthetic-driver-rgb.py')


@pytest.mark.slow
def test_synthetic_driver_config_learns(tmp_path):
    register_all_modules()
    root = str(tmp_path / 'driver')
    generate_driver_dataset(root, progress=False)  # the config's data
    cfg = get_cfg(CONFIG)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].dataset.update(
            ann_file=f'{root}/annotations.json', data_prefix=dict(video=root))
    cfg.work_dir = str(tmp_path / 'work')
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=-1)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small ops: threads only add contention
    try:
        start = time.time()
        runner = Runner.from_cfg(cfg)
        runner.train()
        metrics = runner.val_loop.run()
        minutes = (time.time() - start) / 60
    finally:
        torch.set_num_threads(threads)
    print(f'synthetic driver set: top-1 {metrics["acc/top1"]:.4f} '
          f'after {minutes:.1f} min')
    assert metrics['acc/top1'] >= 0.9
