# Copyright (c) mmvb contributors. All rights reserved.
import importlib.util
import json
import os.path as osp
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _load(name):
    sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis'))
    try:
        spec = importlib.util.spec_from_file_location(
            name, osp.join(ROOT, 'tools', 'analysis', f'{name}.py'))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.pop(0)
    return module


def test_instblink_preset_is_the_paper_clip():
    (entry, ) = _load('benchmark_presets').PRESETS['instblink']
    assert osp.isfile(osp.join(ROOT, entry['config']))
    assert entry['shape'] == (1, 36, 3, 384, 640)  # 640x360 padded to /32
    assert entry['frames_per_sample'] == 36 and entry['batch'] == 1


def test_benchmark_runs_instblink(tmp_path, monkeypatch, capsys):
    bench = _load('benchmark')
    out = tmp_path / 'bench.json'
    cfg = osp.join(
        ROOT, 'configs', 'instblink',
        'instblink_r18-c16-fpn_1xb4-3x1x1-1400i_synthetic-blink-rgb.py')
    monkeypatch.setattr(sys, 'argv', [
        'benchmark.py', cfg, '--shape', '1', '3', '3', '64', '96', '--warmup',
        '0', '--repeats', '1', '--iters', '1', '--out',
        str(out)
    ])
    bench.main()
    results = json.loads(out.read_text())
    assert {r['mode'] for r in results} == {'train', 'infer'}
    assert all(r['samples_per_s'] > 0 for r in results)
    assert 'samples/s' in capsys.readouterr().out
