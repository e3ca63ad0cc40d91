# Copyright (c) mmvb contributors. All rights reserved.
"""DATAR learns: the synthetic CPU config reaches >= 90 % top-1.

Generates the synthetic audio-event set (480 + 120 one-second wav clips),
trains ``configs/datar/datar_dat-tiny_1xb16-30e_synthetic-audio-events-audio``
with mmengine's Runner (the real pipeline: wav decoding, Kaldi fbank with
the on-disk cache, RecognizerAudio) and checks the validation accuracy.
About a minute of CPU time (one thread).
"""
import pytest
import torch
from mmengine.runner import Runner

from mmvb.datasets.synthetic import generate_audio_event_dataset
from mmvb.testing import get_cfg

CONFIG = 'datar/datar_dat-tiny_1xb16-30e_synthetic-audio-events-audio.py'


def _point_to(cfg, root):
    """Point the config's annotation files, audio and cache at ``root``."""
    for split in ('train', 'val', 'test'):
        dataset = cfg[f'{split}_dataloader'].dataset
        name = 'train' if split == 'train' else 'val'
        dataset.ann_file = f'{root}/{name}_list_audio.txt'
        dataset.data_prefix = dict(audio=root)
        for step in dataset.pipeline:
            if step.type == 'CachedFbank':
                step.cache_dir = f'{root}/fbank_cache'
        cfg[f'{split}_dataloader'].num_workers = 0
        cfg[f'{split}_dataloader'].persistent_workers = False


@pytest.mark.slow
def test_datar_learns_synthetic_audio_events(tmp_path):
    root = str(tmp_path / 'audio_events')
    generate_audio_event_dataset(
        root, num_train=480, num_val=120, progress=False)
    cfg = get_cfg(CONFIG)
    _point_to(cfg, root)
    cfg.work_dir = str(tmp_path / 'work')
    cfg.randomness = dict(seed=0)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=-1)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # faster than 2 contended threads here
    try:
        runner = Runner.from_cfg(cfg)
        runner.train()
        metrics = runner.val_loop.run()
    finally:
        torch.set_num_threads(threads)
    assert metrics['acc/top1'] >= 0.9, metrics
