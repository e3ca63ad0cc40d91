# Copyright (c) mmvb contributors. All rights reserved.
import os.path as osp
import runpy
from argparse import Namespace

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_bmvit_preset_runs_train_and_inference():
    bench = runpy.run_path(osp.join(REPO, 'tools', 'analysis', 'benchmark.py'))
    entries = bench['PRESETS']['bmvit']
    for entry in entries:
        assert osp.isfile(osp.join(REPO, entry['config'])), entry['config']
    tiny = [e for e in entries if 'synthetic' in e['config']]
    assert len(tiny) == 1
    args = Namespace(
        device='cpu',
        dtype='fp32',
        mode=['train', 'infer'],
        warmup=1,
        repeats=1,
        iters=1,
        clock='wall')
    entry = dict(tiny[0], config=osp.join(REPO, tiny[0]['config']), batch=2)
    results = bench['benchmark_one'](entry, args)
    assert [r['mode'] for r in results] == ['infer', 'train']
    assert all(r['median_s'] > 0 and r['batch'] == 2 for r in results)
