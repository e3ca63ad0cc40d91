# Copyright (c) mmvb contributors. All rights reserved.
"""Video Hiera: unroll/reroll, mask-unit attention, the BMViT no-pooling
variant, parity with the official definition, loading an official file.
"""
import os.path as osp

import pytest
import torch
import torch.nn.functional as F

from mmvb.models import Hiera
from mmvb.models.backbones.hiera import (MaskUnitAttention, pool_tokens,
                                         reroll_tokens, unroll_tokens)

DATA = osp.join(osp.dirname(__file__), '..', '..', 'data')
FIXTURE = osp.join(DATA, 'hiera', 'hiera_parity_tiny.pth')


def tiny_from_fixture(fixture, **kwargs):
    kw = fixture['kwargs']
    return Hiera(
        arch=dict(
            embed_dims=kw['embed_dim'],
            num_heads=kw['num_heads'],
            stages=kw['stages']),
        input_size=kw['input_size'],
        **kwargs).eval()


def test_unroll_by_hand():
    # A 4x4 grid 0..15 in raster order; one level of stride 2x2 puts the
    # offsets (0,0), (0,1), (1,0), (1,1) first, each over the 2x2 coarse
    # grid; a max over the offsets is the 2x2 max-pool.
    x = torch.arange(16.).reshape(1, 16, 1)
    u = unroll_tokens(x, (1, 4, 4), (1, 2, 2), 1)
    assert u.flatten().tolist() == [
        0, 2, 8, 10, 1, 3, 9, 11, 4, 6, 12, 14, 5, 7, 13, 15
    ]
    assert pool_tokens(u, 4).flatten().tolist() == [5, 7, 13, 15]
    assert reroll_tokens(u, (1, 4, 4), (1, 2, 2), 1).flatten().tolist() == \
        list(range(16))


def test_unroll_pooling_equals_max_pool_and_reroll_restores_order():
    torch.manual_seed(0)
    size, stride = (2, 16, 16), (1, 2, 2)
    grid = torch.randn(2, 3, *size)  # [B, C, T, H, W]
    x = grid.flatten(2).transpose(1, 2)
    u = unroll_tokens(x, size, stride, 3)
    # after q poolings the remaining levels reroll to the pooled grid
    for q in range(4):
        pooled = F.max_pool3d(grid, (1, 2**q, 2**q)) if q else grid
        s = (2, 16 >> q, 16 >> q)
        got = reroll_tokens(u, s, stride, 3 - q)
        torch.testing.assert_close(got, pooled.flatten(2).transpose(1, 2))
        u = pool_tokens(u, 4)


def test_mask_unit_attention_stays_in_its_unit():
    torch.manual_seed(0)
    attn = MaskUnitAttention(
        8, 8, 2, q_stride=1, window_size=16, use_mask_unit_attn=True).eval()
    x = torch.randn(1, 64, 8)  # 4 units of 16 tokens: unit = index % 4
    y = attn(x)
    x2 = x.clone()
    x2[:, 1::4] += 1.0  # change unit 1 only
    y2 = attn(x2)
    changed = (y2 - y).abs().amax(-1)[0] > 1e-6
    assert changed[1::4].all()
    assert not changed[0::4].any() and not changed[2::4].any()
    # global attention mixes everything
    attn.use_mask_unit_attn = False
    assert ((attn(x2) - attn(x)).abs().amax(-1)[0] > 1e-6).all()


@pytest.mark.parametrize('q_pool', [3, 2])
@pytest.mark.parametrize('out_norm', [True, False])
def test_parity_with_official_hiera(q_pool, out_norm):
    """Outputs of facebookresearch/hiera@b12b842 on the same weights and
    clip (made by tools/model_converters/manifests/hiera.py)."""
    fixture = torch.load(FIXTURE, weights_only=True)
    net = tiny_from_fixture(
        fixture, remove_last_pool=q_pool == 2, out_norm=out_norm)
    state_dict = {
        k: v
        for k, v in fixture['state_dict'].items()
        if not k.startswith('head.') and (
            out_norm or not k.startswith('norm.'))
    }
    net.load_state_dict(state_dict, strict=True)
    with torch.no_grad():
        out, = net(fixture['inputs'])
    want = fixture['outputs'][f'q_pool{q_pool}'][
        'normed' if out_norm else 'tokens']
    torch.testing.assert_close(
        out, want.permute(0, 4, 1, 2, 3), rtol=1e-5, atol=1e-5)
    # 4x64x64 -> 2x16x16 tokens -> 2x2x2 (three poolings) or 2x4x4
    assert out.shape[2:] == ((2, 2, 2) if q_pool == 3 else (2, 4, 4))


def test_pretrained_official_file_loads_through_init_weights(tmp_path):
    """An official-layout file ({'model_state': ...} with the K400 head)
    given as ``pretrained``: every backbone tensor equals the file's."""
    fixture = torch.load(FIXTURE, weights_only=True)
    path = str(tmp_path / 'hiera_tiny.pth')
    torch.save(dict(model_state=fixture['state_dict']), path)
    net = tiny_from_fixture(fixture, remove_last_pool=True, pretrained=path)
    net.init_weights()
    for key, value in net.state_dict().items():
        assert torch.equal(value, fixture['state_dict'][key]), key


def test_remove_last_pool_keeps_parameters():
    a = Hiera(arch='tiny', input_size=(4, 64, 64))
    b = Hiera(arch='tiny', input_size=(4, 64, 64), remove_last_pool=True)
    assert {k: v.shape for k, v in a.state_dict().items()} == \
        {k: v.shape for k, v in b.state_dict().items()}
    # the pooling blocks: first blocks of stages 2-4 (tiny: 1, 2, 7, 2)
    assert [blk.attn.q_stride for blk in a.blocks][1:4:2] == [4, 4]
    assert a.blocks[10].attn.q_stride == 4 and b.blocks[10].attn.q_stride == 1
    assert a.blocks[10].proj.out_features == 768  # channels still double


def test_position_embeddings_are_interpolated_for_other_sizes():
    net = Hiera(arch='tiny', input_size=(4, 64, 64))
    net.init_weights()
    same = net.pos_embed((2, 16, 16))
    t, s = net.pos_embed_temporal[0], net.pos_embed_spatial[0]
    torch.testing.assert_close(same[0, 16 * 16 + 5], t[1] + s[5])
    with torch.no_grad():
        net.pos_embed_spatial.fill_(0.5)
        net.pos_embed_temporal.fill_(0.25)
    bigger = net.pos_embed((4, 24, 24))  # constant tables stay constant
    assert bigger.shape == (1, 4 * 24 * 24, 96)
    torch.testing.assert_close(bigger, torch.full_like(bigger, 0.75))


def test_grid_not_divisible_is_refused():
    net = Hiera(arch='tiny', input_size=(4, 64, 64))
    with pytest.raises(ValueError, match=r'\(2, 12, 12\) token grid'):
        net(torch.rand(1, 3, 4, 48, 48))
