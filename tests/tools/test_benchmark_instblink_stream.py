# Copyright (c) mmvb contributors. All rights reserved.
"""tools/analysis/benchmark_clip_linker.py and
benchmark_instblink_stream.py on tiny sizes (the figures are in
configs/instblink/README.md)."""
import importlib.util
import json
import os.path as osp

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CFG = osp.join(
    ROOT, 'configs', 'instblink',
    'instblink_r18-c16-fpn_1xb4-3x1x1-1400i_synthetic-blink-rgb.py')


def _load(name):
    spec = importlib.util.spec_from_file_location(
        name, osp.join(ROOT, 'tools', 'analysis', f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_linker_benchmark(capsys):
    bench = _load('benchmark_clip_linker')
    clips = bench.fragmenting_video(600, 300, 36, 18, 10)
    assert len(clips) == 33 and max(len(c[1]) for c in clips) <= 10
    bench.main(['--sizes', '300x150', '600x300', '--repeats', '1'])
    rows = capsys.readouterr().out.strip().splitlines()[2:]
    assert len(rows) == 2
    frames, _, tracks, most_open = (int(v) for v in rows[1].split('|')[1:5])
    # tracks fragment: many tracks, few open at once
    assert frames == 600 and 250 <= tracks <= 300 and most_open <= 30


def test_stream_benchmark(tmp_path):
    pytest.importorskip('onnxruntime')
    bench = _load('benchmark_instblink_stream')
    out = tmp_path / 'speed.jsonl'
    rows = bench.main([
        CFG, '--backend', 'torch', 'onnx', '--threads', '1', '--frames', '20',
        '--clip-len', '8', '--stride', '4', '--input-size', '64', '48',
        '--out',
        str(out)
    ])
    assert [r['backend'] for r in rows] == ['torch', 'onnx']
    # 20 frames: clips at 0, 4, 8 and the last one at 12
    assert all(r['clips'] == 4 and r['steady_fps'] > 0 for r in rows)
    assert rows[1]['max_abs_diff']['scores'] < 1e-5
    assert len(out.read_text().splitlines()) == 2
    assert json.loads(out.read_text().splitlines()[0])['size'] == '64x48'
