# Copyright (c) mmvb contributors. All rights reserved.
import math

import pytest
import torch
import torch.nn.functional as F

from mmvb.models.layers import (AudioOffsetGenerator, DeformableAudioAttention,
                                reference_points)


def test_reference_points_are_cell_centres():
    ref = reference_points(2, 4)
    assert ref.shape == (2, 4, 2)
    assert torch.allclose(ref[:, 0, 0], torch.tensor([-0.5, 0.5]))
    assert torch.allclose(ref[0, :, 1],
                          torch.tensor([-0.75, -0.25, 0.25, 0.75]))


def test_offset_generator_layout_and_bound():
    aog = AudioOffsetGenerator(8, kernel_size=5, stride=2, offset_range=2.)
    # 5x5 depth-wise conv, GELU, 1x1 conv to 2 channels without bias.
    assert aog.dwconv.groups == 8 and aog.dwconv.kernel_size == (5, 5)
    assert isinstance(aog.act, torch.nn.GELU)
    assert aog.pwconv.out_channels == 2 and aog.pwconv.bias is None
    x = torch.randn(3, 8, 8, 12)
    off = aog(x)
    assert off.shape == (3, 4, 6, 2)  # one offset per reference point
    # s * tanh bounds the offsets to s/2 grid cells = s / n_G normalised.
    torch.nn.init.constant_(aog.pwconv.weight, 100.0)
    off = aog(x * 100)
    assert off[..., 0].abs().max() <= 2.0 / 4 + 1e-6
    assert off[..., 1].abs().max() <= 2.0 / 6 + 1e-6
    assert torch.isclose(off[..., 1].abs().max(), torch.tensor(2.0 / 6))


def _bilinear(feat, y, x):
    """Eq. 3: sum over all locations of g(px, rx) g(py, ry) z[ry, rx]."""
    c, h, w = feat.shape
    out = torch.zeros(c, dtype=feat.dtype)
    for ry in range(h):
        for rx in range(w):
            wgt = max(0.0, 1 - abs(y - ry)) * max(0.0, 1 - abs(x - rx))
            out = out + wgt * feat[:, ry, rx]
    return out


def _table_lookup(table, iy, ix, clamp=True):
    """Bilinear read of a 2-D table at (iy, ix), clamped to its border (or
    zeros outside it)."""
    th, tw = table.shape
    if clamp:
        iy = min(max(iy, 0.0), th - 1.0)
        ix = min(max(ix, 0.0), tw - 1.0)
    return _bilinear(table[None], iy, ix)[0]


def _reference_attention(attn, x, hw):
    """Plain loops over batch, groups, heads and queries (Eq. 2-4).

    As in DAT, group ``g`` samples its channel slice at its own positions;
    the sampled slices form ``N_s`` key tokens that ``W_k``/``W_v``
    project; the bias of head ``m`` uses the positions of its group.

    ``'centred'``: normalised ``p`` is pixel ``(p + 1) n / 2 - 0.5`` and the
    table holds one entry per token. ``'dat'`` (DAT v1's code): pixel
    ``(p + 1) (n - 1) / 2``; the table, zero outside, is read at entry
    ``(d / 2 + 1) (t - 1) / 2`` for a normalised displacement ``d`` and a
    table side ``t``.
    """
    dat = attn.convention == 'dat'

    def pixel(p, size):
        return (p + 1) * (size - 1) / 2 if dat else (p + 1) * size / 2 - 0.5

    b, n, c = x.shape
    h, w = hw
    g_num, m_num = attn.num_groups, attn.num_heads
    d = c // m_num
    q = attn.q(x)
    pos = attn.sampling_positions(q, hw)  # [B * G, Hg, Wg, 2]
    out = torch.zeros(b, n, c, dtype=x.dtype)
    th, tw = attn.feat_size
    for bi in range(b):
        fmap = x[bi].T.reshape(c, h, w)
        group_pos = [
            pos[bi * g_num + gi].reshape(-1, 2).tolist() for gi in range(g_num)
        ]
        n_s = len(group_pos[0])
        sampled = torch.zeros(n_s, c, dtype=x.dtype)
        for gi in range(g_num):
            cg = slice(gi * c // g_num, (gi + 1) * c // g_num)
            for j, (py, px) in enumerate(group_pos[gi]):
                sampled[j, cg] = _bilinear(fmap[cg], pixel(py, h),
                                           pixel(px, w))
        k_all, v_all = attn.k(sampled), attn.v(sampled)
        for mi in range(m_num):
            gi = mi // (m_num // g_num)
            hs = slice(mi * d, (mi + 1) * d)
            k, v = k_all[:, hs], v_all[:, hs]
            for qi in range(n):
                qy, qx = divmod(qi, w)
                logits = (q[bi, qi, hs] @ k.T) / math.sqrt(d)
                if attn.rpe_table is not None:
                    for j, (py, px) in enumerate(group_pos[gi]):
                        if dat:
                            dy = ((qy + 0.5) / h * 2 - 1) - py
                            dx = ((qx + 0.5) / w * 2 - 1) - px
                            iy = (dy / 2 + 1) * (2 * th - 2) / 2
                            ix = (dx / 2 + 1) * (2 * tw - 2) / 2
                        else:
                            dy = qy - ((py + 1) * h / 2 - 0.5)
                            dx = qx - ((px + 1) * w / 2 - 0.5)
                            iy = (th - 1) + dy
                            ix = (tw - 1) + dx
                        logits[j] = logits[j] + _table_lookup(
                            attn.rpe_table[mi], iy, ix, clamp=not dat)
                out[bi, qi, hs] = logits.softmax(-1) @ v
    return attn.proj(out)


@pytest.mark.parametrize('convention', ['centred', 'dat'])
@pytest.mark.parametrize('groups,ratio,feat', [(1, 1, (3, 5)), (2, 1, (3, 5)),
                                               (2, 2, (3, 5)), (1, 1, (2, 3))])
def test_matches_loop_reference(groups, ratio, feat, convention):
    torch.manual_seed(0)
    attn = DeformableAudioAttention(
        8,
        4,
        feat_size=feat,
        num_groups=groups,
        downsample_ratio=ratio,
        offset_range=3.0,
        convention=convention).double()
    attn.init_weights()
    with torch.no_grad():  # visible offsets and bias
        attn.offset_generator.pwconv.weight.normal_(0, 1.0)
        attn.rpe_table.normal_(0, 1.0)
    x = torch.randn(2, 15, 8, dtype=torch.float64)
    ours = attn(x, (3, 5))
    ref = _reference_attention(attn, x, (3, 5))
    assert torch.allclose(ours, ref, atol=1e-10)


def test_zero_offsets_sample_tokens_and_bias_is_swin_lookup():
    torch.manual_seed(0)
    attn = DeformableAudioAttention(8, 2, feat_size=(3, 4), num_groups=1)
    attn.init_weights()
    torch.nn.init.zeros_(attn.offset_generator.pwconv.weight)
    x = torch.randn(1, 12, 8)
    pos = attn.sampling_positions(attn.q(x), (3, 4))
    assert torch.allclose(pos[0], reference_points(3, 4))
    bias = attn.position_bias(pos, (3, 4), 1)  # [1, M, 12, 12]
    for qi in range(12):
        for ki in range(12):
            (qy, qx), (ky, kx) = divmod(qi, 4), divmod(ki, 4)
            want = attn.rpe_table[:, qy - ky + 2, qx - kx + 3]
            assert torch.allclose(bias[0, :, qi, ki], want, atol=1e-6)
    # With zero offsets the deformable module equals the fixed grid one.
    fixed = DeformableAudioAttention(8, 2, (3, 4), deformable=False)
    fixed.load_state_dict({
        k: v
        for k, v in attn.state_dict().items() if 'offset_generator' not in k
    })
    assert torch.allclose(attn(x, (3, 4)), fixed(x, (3, 4)), atol=1e-6)


def test_plain_attention_without_offsets_and_bias():
    torch.manual_seed(0)
    attn = DeformableAudioAttention(
        8, 2, (2, 3), deformable=False, use_rpe=False)
    x = torch.randn(2, 6, 8)
    q = attn.q(x).view(2, 6, 2, 4).transpose(1, 2)
    k = attn.k(x).view(2, 6, 2, 4).transpose(1, 2)
    v = attn.v(x).view(2, 6, 2, 4).transpose(1, 2)
    ref = ((q @ k.transpose(-1, -2)) / 2).softmax(-1) @ v
    ref = attn.proj(ref.transpose(1, 2).reshape(2, 6, 8))
    assert torch.allclose(attn(x, (2, 3)), ref, atol=1e-6)


def test_half_token_shift_interpolates_keys_and_bias():
    attn = DeformableAudioAttention(4, 1, (1, 4), deformable=False)
    with torch.no_grad():
        attn.rpe_table.copy_(torch.arange(7.0).view(1, 1, 7))
    # Keys half a token to the right of the tokens (x + 1/W normalised).
    pos = reference_points(1, 4)[None] + torch.tensor([0.0, 0.25])
    bias = attn.position_bias(pos, (1, 4), 1)[0, 0]
    # Query 0 vs key 0 at x = 0.5 tokens: displacement -0.5 -> entry 2.5.
    assert bias[0, 0].item() == pytest.approx(2.5)
    assert bias[3, 0].item() == pytest.approx(5.5)
    fmap = torch.arange(4.0).view(1, 1, 1, 4)
    sampled = F.grid_sample(fmap, pos.flip(-1), align_corners=False)
    assert sampled.flatten().tolist() == pytest.approx([0.5, 1.5, 2.5, 1.5])


def test_gradients_reach_offsets_and_table():
    attn = DeformableAudioAttention(8, 2, (4, 4), num_groups=2)
    attn.init_weights()
    x = torch.randn(2, 16, 8, requires_grad=True)
    attn(x, (4, 4)).square().sum().backward()
    assert attn.offset_generator.pwconv.weight.grad.abs().sum() > 0
    assert attn.offset_generator.dwconv.weight.grad.abs().sum() > 0
    assert attn.rpe_table.grad.abs().sum() > 0
    with pytest.raises(ValueError, match='divisible'):
        DeformableAudioAttention(8, 3, (4, 4))


def test_dat_convention_hand_checked():
    """DAT v1's code on a 1 x 4 map: keys sampled with align_corners=True at
    the cell-centre reference points, bias table read at half the
    normalised displacement."""
    attn = DeformableAudioAttention(
        4, 1, (1, 4), deformable=False, convention='dat')
    with torch.no_grad():
        attn.rpe_table.copy_(torch.arange(7.0).view(1, 1, 7))
    pos = attn.sampling_positions(torch.zeros(1, 4, 4), (1, 4))
    assert pos[0, 0, :, 1].tolist() == pytest.approx([-.75, -.25, .25, .75])
    # align_corners=True: x = -0.75 is pixel (1 - 0.75) / 2 * 3 = 0.375,
    # so zero offsets land off the tokens (0.375, 1.125, 1.875, 2.625).
    fmap = torch.arange(4.0).view(1, 1, 1, 4)
    sampled = F.grid_sample(fmap, pos.flip(-1), align_corners=True)
    assert sampled.flatten().tolist() == pytest.approx(
        [0.375, 1.125, 1.875, 2.625])
    x = torch.zeros(1, 4, 4)
    x[0, :, 0] = torch.arange(4.0)**2  # channel 0: 0, 1, 4, 9
    with torch.no_grad():
        attn.k.weight.zero_()
        attn.k.bias.zero_()
        attn.v.weight.copy_(torch.eye(4))
        attn.v.bias.zero_()
    bias = attn.position_bias(pos, (1, 4), 1)[0, 0]
    # Zero displacement -> the centre entry 3; query 3 (x = 0.75) vs key 0
    # (x = -0.75): 1.5 / 2 = 0.75 -> entry (0.75 + 1) / 2 * 6 = 5.25, i.e.
    # 0.75 entries per token ((h - 1) / h), where 'centred' gives 6.
    assert bias.diagonal().tolist() == pytest.approx([3.0] * 4)
    assert bias[3, 0].item() == pytest.approx(5.25)
    assert bias[0, 3].item() == pytest.approx(0.75)
    centred = DeformableAudioAttention(4, 1, (1, 4), deformable=False)
    with torch.no_grad():
        centred.rpe_table.copy_(attn.rpe_table)
    ref = reference_points(1, 4)[None]
    assert centred.position_bias(ref, (1, 4), 1)[0, 0, 3, 0].item() == \
        pytest.approx(6.0)
    # The values the keys carry are the align_corners=True samples of
    # 0, 1, 4, 9: 0.375, 1.375, 3.625, 7.125 (mean 3.125; the tokens' own
    # mean is 3.5).
    with torch.no_grad():
        attn.proj.weight.copy_(torch.eye(4))
        attn.proj.bias.zero_()
        attn.rpe_table.zero_()
    out = attn(x, (1, 4))  # uniform attention over the 4 sampled keys
    assert out[0, :, 0].tolist() == pytest.approx([3.125] * 4)
    with pytest.raises(ValueError, match='convention'):
        DeformableAudioAttention(4, 1, (1, 4), convention='swin')
