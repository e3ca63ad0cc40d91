# Copyright (c) mmvb contributors. All rights reserved.
"""tools/analysis/w3_init_stats.py reports the gates at initialisation:
``M^c`` starts at 0.5 for every channel with the default init, and at
``sigmoid(2) = 0.881`` with ``gate_bias=2`` (configs/w3/README)."""
import os.path as osp
import re

CFG = osp.join('configs', 'w3',
               'w3_r18_1xb16-1x1x8-1e_synthetic-clutter-rgb.py')


def test_gates_at_init(run_tool):
    # the same config twice: --cfg-options applies to the second only
    out = run_tool([
        osp.join('tools', 'analysis',
                 'w3_init_stats.py'), CFG, CFG, '--batch-size', '2',
        '--cfg-options', '{"model.backbone.attention_cfg.gate_bias": 2.0}'
    ]).output
    mc = [float(v) for v in re.findall(r'M\^c mean ([\d.]+)', out)]
    spread = [float(v) for v in re.findall(r'channel spread ([\d.]+)', out)]
    assert len(mc) == 16  # one per block of R18, per model
    assert all(abs(v - 0.5) < 0.01 for v in mc[:8]) and max(spread) < 0.01
    assert all(abs(v - 0.881) < 0.01 for v in mc[8:])
    assert out.count('grad norm:') == 2 and 'attention+afr' in out
