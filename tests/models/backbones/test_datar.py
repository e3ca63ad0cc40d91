# Copyright (c) mmvb contributors. All rights reserved.
import pytest
import torch

from mmvb.models import (DeformableAudioTransformer, DeformableBlock,
                         InputPerturbation, LearnableInputAdaptor)
from mmvb.models.layers import DeformableAudioAttention

SMALL = dict(
    embed_dims=[16, 32, 64, 128],
    depths=[2, 2, 2, 2],
    num_heads=[1, 2, 4, 8],
    num_groups=[1, 1, 2, 4])


def _kinds(model):
    return [
        ''.join('D' if isinstance(b, DeformableBlock) else (
            'S' if b.attn.shift_size else 'L') for b in stage)
        for stage in model.stages
    ]


def test_variants_follow_dat_v1():
    tiny = DeformableAudioTransformer('tiny')
    assert tiny.stage_specs == ['LS', 'LS', 'LDLDLD', 'LD']
    assert _kinds(tiny) == tiny.stage_specs
    assert tiny.feat_sizes == [(32, 256), (16, 128), (8, 64), (4, 32)]
    attn = tiny.stages[2][1].attn
    assert attn.num_groups == 3 and attn.num_heads == 12
    assert attn.rpe_table.shape == (12, 15, 127)  # (2h - 1) x (2T - 1)
    assert tiny.stages[3][1].attn.rpe_table.shape == (24, 7, 63)
    assert tiny.patch_embed.projection.in_channels == 1
    params = sum(p.numel() for p in tiny.parameters())
    assert params == pytest.approx(27.7e6, rel=0.02)  # DAT-T ~29M w/ head
    small = DeformableAudioTransformer('small')
    assert small.stage_specs[2] == 'LD' * 9
    base = DeformableAudioTransformer('base')
    assert base.embed_dims == [128, 256, 512, 1024]
    assert base.stages[3][1].attn.num_groups == 8


def test_forward_shapes_and_window_padding():
    model = DeformableAudioTransformer(SMALL, input_size=(64, 128))
    model.init_weights()
    out = model(torch.randn(2, 1, 64, 128))
    assert out.shape == (2, 128, 2, 4)
    # Sides the window (7) does not divide, maps smaller than a window,
    # and a size other than the nominal one (the bias tables clamp).
    out = model(torch.randn(1, 1, 40, 100))
    assert out.shape == (1, 128, 2, 4)
    multi = DeformableAudioTransformer(
        SMALL, input_size=(64, 128), out_indices=(1, 2, 3))
    outs = multi(torch.randn(1, 1, 64, 128))
    assert [tuple(o.shape) for o in outs] == [(1, 32, 8, 16), (1, 64, 4, 8),
                                              (1, 128, 2, 4)]


def test_without_deformable_and_input_adaptors():
    plain = DeformableAudioTransformer(
        SMALL, input_size=(64, 128), deformable=False)
    assert plain.stage_specs == ['LS', 'LS', 'LS', 'LS']
    assert not any(
        isinstance(m, DeformableAudioAttention) for m in plain.modules())
    local = DeformableAudioTransformer(
        SMALL, input_size=(64, 128), deformable=False, fallback_block='L')
    assert local.stage_specs[2:] == ['LL', 'LL']
    adapted = DeformableAudioTransformer(
        SMALL,
        input_size=(64, 128),
        input_adaptor=dict(type='LearnableInputAdaptor', lam=0.2))
    assert isinstance(adapted.input_adaptor, LearnableInputAdaptor)
    assert adapted.input_adaptor.lam == 0.2
    noisy = DeformableAudioTransformer(
        SMALL,
        input_size=(64, 128),
        input_adaptor=dict(type='InputPerturbation', distribution='laplacian'))
    assert isinstance(noisy.input_adaptor, InputPerturbation)
    noisy.eval()
    x = torch.randn(1, 1, 64, 128)
    assert torch.equal(noisy(x), noisy(x))  # no noise at test time
    with pytest.raises(ValueError, match='stage_specs'):
        DeformableAudioTransformer(SMALL, stage_specs=['L', 'LS', 'LD', 'LD'])
    with pytest.raises(ValueError, match='unknown block'):
        DeformableAudioTransformer(SMALL, stage_specs=['LS', 'LS', 'LX', 'LD'])


def test_backward_reaches_every_part():
    model = DeformableAudioTransformer(
        SMALL,
        input_size=(64, 128),
        input_adaptor=dict(type='LearnableInputAdaptor'))
    model.init_weights()
    model(torch.randn(2, 1, 64, 128)).mean().backward()
    grads = {n: p.grad for n, p in model.named_parameters()}
    assert all(g is not None for g in grads.values())
    assert grads['stages.2.1.attn.offset_generator.pwconv.weight'].abs().sum(
    ) > 0
    assert grads['input_adaptor.conv.weight'].abs().sum() > 0
