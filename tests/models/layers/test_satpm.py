# Copyright (c) mmvb contributors. All rights reserved.
"""FGME, DDE, the temporal split / regroup, BiMamba and SATPM blocks."""
import math

import pytest
import torch
from torch import nn

from mmvb.models.layers import (BiMamba, DynamicDifferenceExtractor,
                                FineGrainedMotionEncoder, SATPMBlock,
                                central_difference, temporal_regroup,
                                temporal_split)


def test_central_difference_hand_checked():
    x = torch.tensor([0., 1., 4., 9.]).view(1, 4, 1)
    # z1 = x2 - x1, z_t = (x_{t+1} - x_{t-1}) / 2, zT = xT - x_{T-1}
    assert central_difference(x).flatten().tolist() == [1., 2., 4., 5.]
    two = torch.tensor([3., 7.]).view(1, 2, 1)
    assert central_difference(two).flatten().tolist() == [4., 4.]
    one = torch.ones(2, 1, 5)
    assert central_difference(one).eq(0).all()


def test_fgme_is_conv_k3_then_linear():
    fgme = FineGrainedMotionEncoder(1, 1)
    with torch.no_grad():
        fgme.conv.weight.copy_(torch.tensor([[[1., 2., 3.]]]))
        fgme.conv.bias.zero_()
        fgme.proj.weight.fill_(2.)
        fgme.proj.bias.fill_(1.)
    x = torch.tensor([1., 2., 3.]).view(1, 3, 1)
    # zero padding: [0*1+1*2+2*3, 1+4+9, 2+6+0] = [8, 14, 8]; then 2y + 1
    assert fgme(x).flatten().tolist() == [17., 29., 17.]
    no_conv = FineGrainedMotionEncoder(8, 4, with_conv=False)
    assert no_conv.conv is None
    x = torch.randn(2, 5, 8)
    torch.testing.assert_close(no_conv(x), no_conv.proj(x))


def test_dde_is_linear_of_differences():
    dde = DynamicDifferenceExtractor(6, 3)
    x = torch.randn(2, 7, 6)
    torch.testing.assert_close(dde(x), dde.proj(central_difference(x)))


def test_split_regroup():
    x = torch.arange(7.).view(1, 7, 1)
    sub = temporal_split(x, 3)  # padded with the last frame to 9
    assert sub.squeeze(-1).tolist() == [[0., 3., 6.], [1., 4., 6.],
                                        [2., 5., 6.]]
    x = torch.randn(2, 10, 4)
    for step in (1, 2, 3, 4):
        sub = temporal_split(x, step)
        assert sub.shape == (2 * step, math.ceil(10 / step), 4)
        for b in range(2):
            for i in range(step):
                n = len(range(i, 10, step))
                torch.testing.assert_close(sub[b * step + i, :n], x[b,
                                                                    i::step])
        torch.testing.assert_close(temporal_regroup(sub, step, 10), x)


def _directions(mamba: BiMamba, x: torch.Tensor):
    xz = mamba.in_proj(x).transpose(1, 2)
    xi, z = xz.chunk(2, dim=1)
    fwd = mamba._ssm(xi, z, '')
    bwd = mamba._ssm(xi.flip(-1), z.flip(-1), '_b').flip(-1)
    return fwd, bwd


def test_bimamba_structure():
    torch.manual_seed(0)
    mamba = BiMamba(8, d_state=4, d_conv=3, expand=2)
    # shared projections, separate per-direction SSM parameters
    names = dict(mamba.named_parameters())
    for p in ('conv1d', 'x_proj', 'dt_proj'):
        assert names[f'{p}.weight'] is not names[f'{p}_b.weight']
    assert {'A_log', 'A_log_b', 'D', 'D_b'} <= set(names)
    torch.testing.assert_close(mamba.A_log.exp()[0],
                               torch.arange(1., 5.))  # S4D-real init
    x = torch.randn(2, 9, 8)
    fwd, bwd = _directions(mamba, x)
    torch.testing.assert_close(
        mamba(x), mamba.out_proj(((fwd + bwd) / 2).transpose(1, 2)))
    # causality: the forward branch at t sees frames <= t, the backward
    # branch frames >= t
    x2 = x.clone()
    x2[:, 5] += 1.0
    fwd2, bwd2 = _directions(mamba, x2)
    torch.testing.assert_close(fwd2[..., :5], fwd[..., :5])
    assert not torch.allclose(fwd2[..., 5:], fwd[..., 5:])
    torch.testing.assert_close(bwd2[..., 6:], bwd[..., 6:])
    assert not torch.allclose(bwd2[..., :6], bwd[..., :6])


def test_bimamba_flip_equivariance():
    """Swapping the two directions' parameters and flipping time gives the
    flipped output."""
    torch.manual_seed(1)
    a = BiMamba(8, d_state=4)
    b = BiMamba(8, d_state=4)
    state = a.state_dict()
    swapped = {}
    for k, v in state.items():
        if k.endswith('_b') or '_b.' in k:
            swapped[k.replace('_b', '')] = v
        elif k.startswith(('in_proj', 'out_proj')):
            swapped[k] = v
        else:
            head, _, tail = k.partition('.')
            key = f'{head}_b.{tail}' if tail else f'{head}_b'
            swapped[key] = v
    b.load_state_dict(swapped)
    x = torch.randn(2, 11, 8)
    torch.testing.assert_close(b(x.flip(1)), a(x).flip(1))


def test_bimamba_scan_impls_agree():
    torch.manual_seed(0)
    mamba = BiMamba(8, d_state=4).double()
    x = torch.randn(3, 20, 8, dtype=torch.float64)
    ref = mamba(x)
    for impl in ('sequential', 'chunked'):
        mamba.scan_impl = impl
        torch.testing.assert_close(mamba(x), ref)


def test_satpm_block_steps_are_local():
    """TP-SSM with step p mixes only frames of the same residue mod p."""
    torch.manual_seed(0)
    block = SATPMBlock(
        16, step=3, feedforward_channels=32, mamba_cfg=dict(d_state=4))
    y = torch.randn(2, 9, 16)
    ref = block.temporal_pyramid_ssm(y)
    y2 = y.clone()
    y2[:, 4] += torch.randn(2, 16)  # not a constant: LN would remove it
    out = block.temporal_pyramid_ssm(y2)
    changed = (out - ref).abs().amax(dim=(0, 2)) > 1e-6
    assert changed.tolist() == [t % 3 == 1 for t in range(9)]


def test_satpm_block_cross_attention_formula():
    torch.manual_seed(0)
    block = SATPMBlock(
        16, step=2, feedforward_channels=32, mamba_cfg=dict(d_state=4))
    y, z = torch.randn(2, 7, 16), torch.randn(2, 7, 16)
    y_hat = block.temporal_pyramid_ssm(y)
    attn = torch.softmax(z @ y_hat.transpose(1, 2) / 4.0, dim=-1)
    expected = block.out_mlp(attn @ block.value_mlp(y_hat))
    torch.testing.assert_close(block(y, z), expected)
    # without DDE the block attends with its own features
    attn = torch.softmax(y_hat @ y_hat.transpose(1, 2) / 4.0, dim=-1)
    torch.testing.assert_close(
        block(y), block.out_mlp(attn @ block.value_mlp(y_hat)))
    # MLPs: D -> hidden -> D with GELU, no identity
    layers = block.value_mlp.layers
    assert isinstance(layers[0][1], nn.GELU)
    assert layers[0][0].out_features == 32 and layers[1].out_features == 16


@pytest.mark.parametrize('length', [1, 2, 5, 8])
def test_satpm_block_any_length(length):
    block = SATPMBlock(
        8, step=3, feedforward_channels=16, mamba_cfg=dict(d_state=2))
    out = block(torch.randn(2, length, 8), torch.randn(2, length, 8))
    assert out.shape == (2, length, 8)


def test_bimamba_unshared_projections():
    """``share_proj=False``: a second in/out projection for the backward
    direction; with copies of the shared ones it equals Vim's v2 mixer."""
    torch.manual_seed(0)
    shared = BiMamba(8, d_state=4, expand=2)
    unshared = BiMamba(8, d_state=4, expand=2, share_proj=False)
    extra = sum(p.numel() for p in unshared.parameters()) - \
        sum(p.numel() for p in shared.parameters())
    assert extra == 8 * 32 + 16 * 8  # in_proj_b (8 -> 2 * 16), out_proj_b
    state = dict(shared.state_dict())
    state['in_proj_b.weight'] = state['in_proj.weight']
    state['out_proj_b.weight'] = state['out_proj.weight']
    unshared.load_state_dict(state)
    x = torch.randn(2, 5, 8)
    assert torch.allclose(unshared(x), shared(x), atol=1e-6)
    with torch.no_grad():
        unshared.in_proj_b.weight.mul_(2)
    assert not torch.allclose(unshared(x), shared(x), atol=1e-3)


def test_satpm_block_mamba_per_subsequence():
    """``mamba_per_subsequence``: BiMamba ``i`` models frames
    ``i, i + p, ...`` (hand check against running each on ``x[:, i::p]``)."""
    torch.manual_seed(0)
    block = SATPMBlock(
        8,
        step=3,
        feedforward_channels=16,
        mamba_cfg=dict(d_state=4),
        mamba_per_subsequence=True)
    assert len(block.mamba) == 3
    y = torch.randn(2, 9, 8)
    normed = block.norm(y)
    expected = y.clone()
    for i in range(3):
        expected[:, i::3] += block.mamba[i](normed[:, i::3])
    assert torch.allclose(block.temporal_pyramid_ssm(y), expected, atol=1e-6)
