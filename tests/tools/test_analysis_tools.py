# Copyright (c) mmvb contributors. All rights reserved.
"""tools/analysis/get_flops.py and tools/analysis/benchmark.py."""
import json

import pytest

DEMO_CFG = 'configs/synthetic/tsm_r18_1xb16-1x1x8-15e_synthetic-motion-rgb.py'


def test_get_flops_counts_resnet18_exactly(run_tool, tmp_path):
    """ResNet-18 at 224x224 is the textbook 1.82 G multiply-adds per frame
    (11.18 M parameters with a 6-class head); TSM adds no FLOPs."""
    out = tmp_path / 'flops.json'
    text = run_tool([
        'tools/analysis/get_flops.py', DEMO_CFG, '--shape', '1', '8', '3',
        '224', '224', '--out',
        str(out)
    ]).output
    assert 'Flops:' in text and 'Params:' in text
    result = json.loads(out.read_text())
    assert result['flops'] / 8 / 1e9 == pytest.approx(1.8186, rel=2e-3)
    assert result['params'] / 1e6 == pytest.approx(11.18, rel=1e-3)


def test_benchmark_reports_train_and_infer(run_tool, tiny_cfg, tmp_path):
    out = tmp_path / 'bench.json'
    text = run_tool([
        'tools/analysis/benchmark.py', tiny_cfg, '--shape', '2', '4', '3',
        '32', '32', '--warmup', '1', '--repeats', '2', '--iters', '1', '--out',
        str(out)
    ]).output
    assert 'ms/step' in text
    results = json.loads(out.read_text())
    assert [r['mode'] for r in results] == ['infer', 'train']
    for r in results:
        assert r['batch'] == 2 and r['device'] == 'cpu'
        assert len(r['repeats_s']) == 2 and r['median_s'] > 0
        assert r['samples_per_s'] == pytest.approx(2 / r['median_s'])


def test_benchmark_needs_shape_or_preset(run_tool, tiny_cfg):
    proc = run_tool(['tools/analysis/benchmark.py', tiny_cfg], check=False)
    assert proc.returncode != 0 and '--shape is required' in proc.output
