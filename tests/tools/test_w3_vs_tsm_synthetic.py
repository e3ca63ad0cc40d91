# Copyright (c) mmvb contributors. All rights reserved.
"""tools/analysis/w3_vs_tsm_synthetic.py trains the clutter configs side by
side (a few steps here; the measured 3-seed table is in configs/w3/README)."""
import json
import os.path as osp

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
