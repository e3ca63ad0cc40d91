# Copyright (c) mmvb contributors. All rights reserved.
"""FLOPs of the paper configs (Table 1 / 6) with tools/analysis/get_flops.py:
TSM-R50 33 G / W3 33.5 G at 8 frames, 65 G / 67.1 G at 16, within 3 %."""
import json
import os.path as osp

import pytest
from mmengine.config import Config

from mmvb.apis import build_model_from_cfg, model_complexity

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CFG = osp.join(REPO, 'configs', 'w3', '{}_imagenet-pretrained-r50_{}-50e_'
               'sthv1-rgb.py')
# (config, frames, paper GFLOPs)
PAPER = [
    (CFG.format('tsm', '8xb8-1x1x8'), 8, 33.0),
    (CFG.format('w3', '8xb8-1x1x8'), 8, 33.5),
    (CFG.format('tsm', '8xb6-1x1x16'), 16, 65.0),
    (CFG.format('w3', '8xb6-1x1x16'), 16, 67.1),
]


def test_get_flops_tool(tmp_path, run_tool):
    """The tool on W3 at 8 frames (the other three in-process below)."""
    config, frames, paper = PAPER[1]
    out = tmp_path / 'flops.json'
    run_tool([
        osp.join('tools', 'analysis', 'get_flops.py'), config, '--shape', '1',
        str(frames), '3', '224', '224', '--out',
        str(out)
    ])
    flops = json.loads(out.read_text())['flops'] / 1e9
    assert flops == pytest.approx(paper, rel=0.03)


@pytest.mark.parametrize('config,frames,paper', PAPER[:1] + PAPER[2:])
def test_paper_flops(config, frames, paper):
    model = build_model_from_cfg(Config.fromfile(config))
    flops = model_complexity(model, (1, frames, 3, 224, 224))['flops'] / 1e9
    assert flops == pytest.approx(paper, rel=0.03)
