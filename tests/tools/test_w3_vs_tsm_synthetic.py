# Copyright (c) mmvb contributors. All rights reserved.
"""tools/analysis/w3_vs_tsm_synthetic.py trains the clutter configs side by
side (a few steps here; the measured 3-seed table is in configs/w3/README)."""
import importlib.util
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

CFG = osp.join('configs', 'w3', '{}_r18_1xb16-1x1x8-1e_synthetic-clutter-'
               'rgb.py')


def test_tool_runs_both_configs(tmp_path, run_tool):
    out = tmp_path / 'cmp.json'
    proc = run_tool([
        osp.join('tools', 'analysis', 'w3_vs_tsm_synthetic.py'),
        CFG.format('tsm'),
        CFG.format('w3'), '--seeds', '0', '1', '--iters', '2', '--batch-size',
        '2', '--num-val', '4', '--clip-cfg',
        '{"num_distractors": 2, "visible_frames": 4}', '--eval-clip-cfgs',
        '{"same": {"num_distractors": 2, "visible_frames": 4}, '
        '"cross": {"distractor_shape": "cross"}}', '--out',
        str(out)
    ])
    written = json.loads(out.read_text())
    assert written['args']['clip_cfg'] == dict(
        num_distractors=2, visible_frames=4)
    results = written['results']
    assert set(results) == {
        'tsm_r18_1xb16-1x1x8-1e_synthetic-clutter-rgb',
        'w3_r18_1xb16-1x1x8-1e_synthetic-clutter-rgb'
    }
    for per_seed in results.values():
        assert set(per_seed) == {'0', '1'}
        for res in per_seed.values():
            assert res['top1'] in (0.0, 0.25, 0.5, 0.75, 1.0)
            assert res['final_loss'] > 0
            assert len(res['losses']) == 2  # one per step
            assert set(res['shifted_top1']) == {'same', 'cross'}
            # the training variant, evaluated under another name, gives the
            # same clips and so the same top-1
            assert res['shifted_top1']['same'] == res['top1']
            assert res['shifted_top1']['cross'] in (0.0, 0.25, 0.5, 0.75, 1.0)
    assert 'mean' in proc.output
    assert "held-out clips of 'cross'" in proc.output


def _tool():
    spec = importlib.util.spec_from_file_location(
        'w3_vs_tsm_synthetic',
        osp.join('tools', 'analysis', 'w3_vs_tsm_synthetic.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pretrained_start_and_gate_localisation(tmp_path, run_tool):
    """``--pretrain-iters``: every model starts from the pretrained TSM, W3's
    own layers from the seed; ``--gate-localisation`` for W3 only."""
    out = tmp_path / 'pre.json'
    proc = run_tool([
        osp.join('tools', 'analysis', 'w3_vs_tsm_synthetic.py'),
        CFG.format('tsm'),
        CFG.format('w3'), '--seeds', '0', '--iters', '1', '--batch-size', '2',
        '--num-val', '4', '--pretrain-iters', '1', '--gate-localisation',
        '--out',
        str(out)
    ])
    results = json.loads(out.read_text())['results']
    tsm = results['tsm_r18_1xb16-1x1x8-1e_synthetic-clutter-rgb']['0']
    w3 = results['w3_r18_1xb16-1x1x8-1e_synthetic-clutter-rgb']['0']
    assert 'pretrained tsm_r18' in proc.output
    assert tsm['num_fresh_weights'] == 0 and tsm['gates'] == {}
    # the keys of W3's attention and refinement, and only those
    tool = _tool()
    init_default_scope('mmaction')
    models = {
        name: tool.build(Config.fromfile(CFG.format(name)), 0)[0]
        for name in ('tsm', 'w3')
    }
    tsm_keys = set(models['tsm'].state_dict())
    extra = set(models['w3'].state_dict()) - tsm_keys
    assert extra and all('attention' in k or 'afr' in k for k in extra)
    assert w3['num_fresh_weights'] == len(extra)
    # one entry per W3 module (2 blocks x 4 stages of R18)
    gates = w3['gates']
    assert len(gates) == 8
    for name, g in gates.items():
        assert 0 < g['target'] < 1
        assert 0 <= g['top_cell_target'] <= 1
        assert 0 < g['top_cell_chance'] <= 1
    # 1x1 maps in layer4 at 32x32: every cell holds the target
    assert gates['layer4.1.attention']['distractor'] is None
    assert gates['layer4.1.attention']['top_cell_chance'] == 1.0
    assert gates['layer1.0.attention']['top_cell_chance'] < 0.2
    assert 'top cell holds the target' in proc.output


def test_build_loads_the_pretrained_weights():
    tool = _tool()
    init_default_scope('mmaction')
    tsm_cfg, w3_cfg = (Config.fromfile(CFG.format(n)) for n in ('tsm', 'w3'))
    state = tool.build(tsm_cfg, 5)[0].state_dict()
    state = {k: v + 1 for k, v in state.items()}  # not any seed's init
    model, fresh = tool.build(w3_cfg, 0, state)
    scratch = tool.build(w3_cfg, 0)[0].state_dict()
    loaded = model.state_dict()
    for key, value in loaded.items():
        expected = scratch[key] if key in fresh else state[key]
        torch.testing.assert_close(value, expected, msg=key)
    assert sorted(fresh) == sorted(set(loaded) - set(state))
    # a model without W3's layers cannot take W3's weights
    with pytest.raises(ValueError, match='--pretrain-config'):
        tool.build(tsm_cfg, 0, loaded)


def test_cell_stats_by_hand():
    """Two 4x4 frames, 2x2 mask cells of 2x2 pixels."""
    tool = _tool()
    pixels = torch.zeros(2, 4, 4, dtype=torch.uint8)
    pixels[0, 0, 0] = 2  # frame 0: target in the top-left cell,
    pixels[0, 3, 3] = 1  # a distractor in the bottom-right one
    pixels[0, 1, 1] = 1  # (a distractor under the target cell: target)
    pixels[1, 2, 0] = 1  # frame 1: no target, a distractor bottom-left
    ms = torch.tensor([[[0.9, 0.1], [0.2, 0.5]], [[0.3, 0.4], [0.8, 0.6]]])
    res = tool.cell_stats(ms, pixels)
    assert res['target'] == pytest.approx(0.9)
    assert res['distractor'] == pytest.approx((0.5 + 0.8) / 2)
    assert res['background'] == pytest.approx(
        (0.1 + 0.2 + 0.3 + 0.4 + 0.6) / 5)
    # only frame 0 shows the target; its highest cell holds it
    assert res['top_cell_target'] == 1.0
    assert res['top_cell_chance'] == 0.25
    ms[0, 0, 0] = 0.05
    assert tool.cell_stats(ms, pixels)['top_cell_target'] == 0.0
    assert tool.cell_stats(ms[:, :1, :1].clone(), pixels)['background'] is None
