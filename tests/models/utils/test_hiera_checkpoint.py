# Copyright (c) mmvb contributors. All rights reserved.
"""Official Hiera checkpoints (layouts from the manifests of the official
definitions, ``tools/model_converters/manifests/hiera.py``) against
:class:`mmvb.models.Hiera`, on the meta device (Hiera-L has 214 M
parameters; only keys and shapes matter here)."""
import os.path as osp

import pytest
import torch

from mmvb.models import Hiera
from mmvb.models.utils import convert_official_hiera
from mmvb.testing import load_manifest

CKPTS = osp.join(osp.dirname(__file__), '..', '..', 'data', 'checkpoints')


def meta_target(arch, **kwargs):
    with torch.device('meta'):
        return Hiera(arch=arch, **kwargs).state_dict()


def meta_checkpoint(name):
    manifest = load_manifest(osp.join(CKPTS, f'{name}.json'))
    assert manifest['wrapper'] == 'model_state'
    state = {
        k: torch.empty(shape, dtype=getattr(torch, dtype), device='meta')
        for k, (shape, dtype) in manifest['keys'].items()
    }
    return {manifest['wrapper']: state}, manifest


@pytest.mark.parametrize('name, missing, dropped', [
    ('hiera_large_16x224', [],
     {'head.projection.weight', 'head.projection.bias'}),
    ('mae_hiera_large_16x224', ['norm.weight', 'norm.bias'], None),
])
def test_official_large_checkpoints_fill_the_backbone(name, missing, dropped):
    """Keys and shapes of the published Hiera-L files (manifests of the
    official definition) against ``Hiera(arch='large')`` with the last
    pooling removed: no unexpected key, no shape difference; missing only
    the final norm for the MAE file (it has none)."""
    ckpt, manifest = meta_checkpoint(name)
    target = meta_target('large', remove_last_pool=True)
    state_dict, report = convert_official_hiera(ckpt, target)
    assert report.missing == missing
    assert set(state_dict) == set(target) - set(missing)
    assert set(report.dropped) | set(state_dict) == set(manifest['keys'])
    if dropped is not None:
        assert set(report.dropped) == dropped
    else:  # MAE: decoder, fusion heads, encoder norm, mask token
        assert {k.split('.')[0]
                for k in report.dropped} == {
                    'encoder_norm', 'multi_scale_fusion_heads', 'mask_token',
                    'decoder_embed', 'decoder_pos_embed', 'decoder_blocks',
                    'decoder_norm', 'decoder_pred'
                }


def test_checkpoint_of_another_size_names_keys_and_shapes():
    ckpt, _ = meta_checkpoint('hiera_large_16x224')
    target = meta_target('base_plus')
    with pytest.raises(ValueError) as err:
        convert_official_hiera(ckpt, target, source='hiera_large_16x224.pth')
    msg = str(err.value)
    assert msg.startswith('hiera_large_16x224.pth: ')
    assert 'patch_embed.proj.weight: checkpoint (144, 3, 3, 7, 7), ' \
        'backbone (112, 3, 3, 7, 7)' in msg
    assert '296 tensor(s) of another shape' in msg
    # Hiera-L has 48 blocks, Hiera-B+ 24
    assert '292 key(s) the backbone does not have: blocks.8.proj.weight' \
        in msg and 'blocks.24.norm1.weight' in msg
    assert 'missing from the checkpoint: blocks.5.proj.weight' in msg


def test_unexpected_and_missing_keys_are_refused():
    ckpt, _ = meta_checkpoint('hiera_large_16x224')
    target = meta_target('large')
    state = dict(ckpt['model_state'])
    state['blocks.0.attn.rel_pos'] = state.pop('blocks.0.attn.qkv.bias')
    with pytest.raises(ValueError) as err:
        convert_official_hiera(dict(model_state=state), target)
    assert 'does not have: blocks.0.attn.rel_pos' in str(err.value)
    assert 'missing from the checkpoint: blocks.0.attn.qkv.bias' in str(
        err.value)
