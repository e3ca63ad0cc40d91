# Copyright (c) mmvb contributors. All rights reserved.
"""MACs of the configured DATAR-B and AST against the paper's figures.

The paper (Sec. 4): "our work ... consumes 93.3G MACs, while AST uses
103.4G MACs on VGGSound".

The reading stated here (and in configs/datar/README.md, "Readings of the
paper"): both figures are **MACs** (one multiply-add = 1) of **one 128 x 1024
fbank** (the input of Sec. 4), counting **convolution and linear layers**
(:func:`mmvb.apis.model_complexity` with ``counting='layers'``, what
thop-style module counters report). It is the reading that reproduces AST's
figure: 103.35 G (0.05 % off 103.4 G). Under the same reading the configured
DATAR-B (DAT-B layout, ``r = 2``) counts 42.89 G, i.e. 0.46 x the paper's
93.3 G: the DATAR figure is **not reproduced** (DAT-B with ``r = 1``
counts 44.96 G; with the attention products 48.24 G; no DAT-T/S/B variant
reaches 93.3 G as MACs of this input). The tests pin the counts of the
configured models, so a change of config, model or counter that moves them
fails here, and check the one claim of the sentence the reading does
reproduce: DATAR costs fewer MACs than AST.
"""
import os.path as osp

import pytest
from mmengine.fileio import load

from mmvb.apis import build_model_from_cfg, model_complexity
from mmvb.testing import get_cfg, get_config_root

SHAPE = (1, 1, 1, 128, 1024)
PAPER = dict(datar=93.3, ast=103.4)
DATAR = 'datar/datar_in1k-pretrained-dat-b_8xb12-50e_vggsound-audio.py'
AST = 'datar/ast_in1k-pretrained-deit-b_8xb12-50e_vggsound-audio.py'
WO_DEFORMABLE = ('datar/datar-wo-deformable_in1k-pretrained-dat-b_8xb12-300e_'
                 'kinetics-sounds-audio.py')
# Measured with tools/analysis/get_flops.py --counting layers (G MACs).
MEASURED = {DATAR: 42.89, AST: 103.35, WO_DEFORMABLE: 42.88}


def _macs(rel, counting='layers', **backbone):
    cfg = get_cfg(rel)
    cfg.model.backbone.update(backbone)
    model = build_model_from_cfg(cfg)
    return model_complexity(model, SHAPE, counting=counting)['flops'] / 1e9


def _metafile_flops(rel):
    meta = load(osp.join(get_config_root(), 'datar', 'metafile.yml'))
    entry, = [m for m in meta['Models'] if m['Config'] == f'configs/{rel}']
    return float(entry['Metadata']['FLOPs'].rstrip('G'))


def test_reading_reproduces_ast():
    macs = _macs(AST)
    assert macs == pytest.approx(MEASURED[AST], abs=0.01)
    assert macs == pytest.approx(PAPER['ast'], rel=1e-3)  # 0.05 %
    assert _metafile_flops(AST) == round(macs, 2)


@pytest.mark.parametrize('rel', [DATAR, WO_DEFORMABLE])
def test_configured_datar_under_the_reading(rel):
    cfg = get_cfg(rel).model.backbone
    assert (cfg.arch, cfg.downsample_ratio, cfg.convention) == ('base', 2,
                                                                'dat')
    macs = _macs(rel)
    assert macs == pytest.approx(MEASURED[rel], abs=0.01)
    assert _metafile_flops(rel) == round(macs, 2)
    # The paper's claim that holds: fewer MACs than AST ...
    assert macs < MEASURED[AST]
    # ... and its figure that does not: 0.46 x 93.3 G, stated in the README.
    assert macs / PAPER['datar'] == pytest.approx(0.46, abs=0.005)


def test_reference_grid_ratio_saves_macs():
    """r = 1 (DAT-B's own setting) against the configured r = 2."""
    assert _macs(DATAR, downsample_ratio=1) == pytest.approx(44.96, abs=0.01)
