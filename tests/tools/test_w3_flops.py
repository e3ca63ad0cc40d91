# Copyright (c) mmvb contributors. All rights reserved.
"""FLOPs of the paper configs (Table 1 / 6) with tools/analysis/get_flops.py:
TSM-R50 33 G / W3 33.5 G at 8 frames, 65 G / 67.1 G at 16, within 3 %, for
both readings of W3's temporal convolutions (depthwise default, dense); and
what each reading adds to TSM (configs/w3/README.md, "Readings")."""
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
DENSE = [(CFG.replace('r50_', 'r50-dense-tconv_').format('w3',
                                                         batch), frames, paper)
         for batch, frames, paper in (('8xb8-1x1x8', 8, 33.5), ('8xb6-1x1x16',
                                                                16, 67.1))]


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


def _complexity(config, frames):
    model = build_model_from_cfg(Config.fromfile(config))
    return model_complexity(model, (1, frames, 3, 224, 224))


@pytest.mark.parametrize('config,frames,paper', PAPER[:1] + PAPER[2:] + DENSE)
def test_paper_flops(config, frames, paper):
    flops = _complexity(config, frames)['flops'] / 1e9
    assert flops == pytest.approx(paper, rel=0.03)


def test_readings_overhead_and_parameters():
    """Depthwise W3 adds 0.15 G and 2.7 M parameters to TSM-R50 at 8
    frames; dense adds 1.11 G and 123.3 M (6 C^2 per block)."""
    tsm = _complexity(PAPER[0][0], 8)
    depthwise = _complexity(PAPER[1][0], 8)
    dense = _complexity(DENSE[0][0], 8)
    assert (depthwise['flops'] - tsm['flops']) / 1e9 == pytest.approx(
        0.147, abs=0.005)
    assert (dense['flops'] - tsm['flops']) / 1e9 == pytest.approx(
        1.112, abs=0.005)
    # 6 C^2 per block: C = 256 x 3, 512 x 4, 1024 x 6, 2048 x 3 blocks
    extra = 6 * sum(n * c * c
                    for n, c in ((3, 256), (4, 512), (6, 1024), (3, 2048)))
    assert dense['params'] - depthwise['params'] == extra - 6 * 15104
    assert (depthwise['params'] - tsm['params']) / 1e6 == pytest.approx(
        2.67, abs=0.01)
