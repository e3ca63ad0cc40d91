# Copyright (c) mmvb contributors. All rights reserved.
"""DATAR's DAT-compatible mode against DAT v1's own code, same weights.

``tests/data/parity/dat_base_in1k_224.pt`` holds what the official DAT-B
(``LeapLabTHU/DAT`` 797f187, ``models/dat.py``; made by
``tools/model_converters/manifests/dat.py``, float64) outputs on random
weights drawn from the DAT-B manifest, for a seeded grey 224 x 224 image on
all three channels: its ``cls_norm`` map pooled over space and the first
four channels of the map, with the published strides (``r = 1``) and with
strides 2 (``r = 2``). Here the same weights go through ``dat_to_datar`` into
``DeformableAudioTransformer('base', convention='dat')`` on the one-channel
image (the summed stem kernel makes them the same input).

Measured (float32, 2-core CPU): largest absolute difference 3.4e-7 (pooled)
/ 1.4e-6 (map) at ``r = 1`` and 6.0e-7 / 1.4e-6 at ``r = 2``, on outputs of
unit scale; the test allows 1e-4. The ``'centred'`` convention on the same
weights is 7 % (``r = 1``) and 11 % (``r = 2``) off in relative L2, which
the test asserts too, so it can tell the modes apart.
"""
import os.path as osp

import pytest
import torch

from mmvb.models import DeformableAudioTransformer
from mmvb.models.utils import dat_to_datar
from mmvb.testing import load_parity_fixture

DATA = osp.join(osp.dirname(__file__), '..', '..', 'data')
FIXTURE = osp.join(DATA, 'parity', 'dat_base_in1k_224.pt')
TOL = 1e-4


@pytest.fixture(scope='module')
def fixture():
    # The weights the script used, in the published layout
    # ({'model': state_dict}).
    fx, manifest, state, x = load_parity_fixture(
        FIXTURE, DATA, 'tools/model_converters/manifests/dat.py')
    assert manifest['wrapper'] == 'model'
    return fx, {manifest['wrapper']: state}, x


def _datar(checkpoint, ratio, convention='dat'):
    model = DeformableAudioTransformer(
        'base',
        input_size=(224, 224),
        convention=convention,
        offset_norm=True,
        downsample_ratio=ratio,
        drop_path_rate=0.)
    state, report = dat_to_datar(checkpoint, dict(model.named_parameters()))
    assert report.missing == []
    model.load_state_dict(state, strict=False)
    return model.eval()


def _diffs(out, ref):
    pooled, channels = out.mean((2, 3))[0], out[0, :4]
    return dict(
        max_pooled=(pooled - ref['pooled']).abs().max().item(),
        max_map=(channels - ref['channels']).abs().max().item(),
        rel=((pooled - ref['pooled']).norm() / ref['pooled'].norm()).item())


@pytest.mark.parametrize('variant,ratio', [('r1', 1), ('r2', 2)])
def test_dat_mode_matches_dat_v1(fixture, variant, ratio):
    fx, checkpoint, x = fixture
    ref = fx['outputs'][variant]
    assert ref['strides'][2:] == [ratio, ratio]
    with torch.no_grad():
        out = _datar(checkpoint, ratio)(x)
        assert out.shape == (1, 1024, 7, 7)
        diffs = _diffs(out, ref)
        assert diffs['max_pooled'] < TOL, diffs
        assert diffs['max_map'] < TOL, diffs
        # The former convention computes another function of the weights.
        centred = _diffs(_datar(checkpoint, ratio, 'centred')(x), ref)
    assert centred['rel'] > 0.03, centred
    assert centred['max_map'] > 100 * TOL, centred


def test_reference_grid_ratio_changes_the_function(fixture):
    """r = 2 (the paper's subsampled keys) is another function of the
    same weights in DAT's own code too."""
    fx, _, _ = fixture
    r1, r2 = fx['outputs']['r1'], fx['outputs']['r2']
    assert (r1['pooled'] - r2['pooled']).abs().max() > 100 * TOL
