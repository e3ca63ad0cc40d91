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

    def kind(block):
        if isinstance(block, DeformableBlock):
            return 'D' if block.attn.deformable else 'F'
        return 'S' if block.attn.shift_size else 'L'

    return [''.join(kind(b) for b in stage) for stage in model.stages]


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
    swin = DeformableAudioTransformer(
        SMALL, input_size=(64, 128), deformable=False, fallback_block='S')
    assert swin.stage_specs == ['LS', 'LS', 'LS', 'LS']
    assert not any(
        isinstance(m, DeformableAudioAttention) for m in swin.modules())
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
    with pytest.raises(ValueError, match='fallback_block'):
        DeformableAudioTransformer(SMALL, deformable=False, fallback_block='D')


@pytest.mark.parametrize('ratio', [1, 2])
def test_without_deformable_is_zero_offsets(ratio):
    """Table 4 "without deformable" (default ``fallback_block='F'``): the
    deformable blocks without offset networks, equal to the deformable
    model whose offsets are zero (AOG output weights 0: tanh(0) = 0)."""
    torch.manual_seed(0)
    kwargs = dict(
        arch=SMALL,
        input_size=(64, 128),
        downsample_ratio=ratio,
        convention='dat',
        drop_path_rate=0.)
    deform = DeformableAudioTransformer(**kwargs)
    deform.init_weights()
    fixed = DeformableAudioTransformer(deformable=False, **kwargs)
    assert fixed.stage_specs == ['LS', 'LS', 'LF', 'LF']
    assert _kinds(fixed) == fixed.stage_specs
    state = deform.state_dict()
    missing, unexpected = fixed.load_state_dict(state, strict=False)
    assert missing == []
    assert unexpected and all('offset_generator' in k for k in unexpected)
    x = torch.randn(2, 1, 64, 128)
    deform.eval()
    fixed.eval()
    with torch.no_grad():
        assert not torch.allclose(deform(x), fixed(x), atol=1e-3)
        for name, param in deform.named_parameters():
            if name.endswith('offset_generator.pwconv.weight'):
                param.zero_()
        assert torch.allclose(deform(x), fixed(x), atol=1e-5)
    # 'F' blocks can also be asked for in stage_specs.
    mixed = DeformableAudioTransformer(
        SMALL, input_size=(64, 128), stage_specs=['LS', 'LS', 'LD', 'LF'])
    assert _kinds(mixed) == ['LS', 'LS', 'LD', 'LF']


def test_conventions_set_shift_and_offset_norm():
    centred = DeformableAudioTransformer(SMALL, input_size=(64, 128))
    assert centred.shift_size == 3  # Swin / mmpretrain: window // 2
    assert [b.attn.shift_size for b in centred.stages[0]] == [0, 3]
    attn = centred.stages[2][1].attn
    assert attn.convention == 'centred'
    assert isinstance(attn.offset_generator.norm, torch.nn.Identity)
    dat = DeformableAudioTransformer(
        SMALL, input_size=(64, 128), convention='dat')
    assert dat.shift_size == 4  # DAT v1: ceil(window / 2)
    assert [b.attn.shift_size for b in dat.stages[1]] == [0, 4]
    attn = dat.stages[3][1].attn
    assert attn.convention == 'dat'
    assert isinstance(attn.offset_generator.norm, torch.nn.LayerNorm)
    custom = DeformableAudioTransformer(
        SMALL,
        input_size=(64, 128),
        convention='dat',
        shift_size=2,
        offset_norm=False)
    assert custom.stages[0][1].attn.shift_size == 2
    assert isinstance(custom.stages[2][1].attn.offset_generator.norm,
                      torch.nn.Identity)
    with pytest.raises(ValueError, match='convention'):
        DeformableAudioTransformer(SMALL, convention='swin')
    # The two conventions compute different functions of the same weights.
    torch.manual_seed(0)
    dat.init_weights()
    centred_ln = DeformableAudioTransformer(
        SMALL, input_size=(64, 128), offset_norm=True)
    centred_ln.load_state_dict(dat.state_dict())
    x = torch.randn(1, 1, 64, 128)
    dat.eval()
    centred_ln.eval()
    with torch.no_grad():
        assert not torch.allclose(dat(x), centred_ln(x), atol=1e-3)


def test_backward_reaches_every_part():
    # No stochastic depth: with it, a block's attention branch is dropped for
    # the whole batch of two now and then (zero gradients by chance). The loss
    # is a fixed random projection: the plain mean of the LayerNorm-ed output
    # is constant up to rounding, so its gradients are rounding noise.
    torch.manual_seed(0)
    model = DeformableAudioTransformer(
        SMALL,
        input_size=(64, 128),
        drop_path_rate=0.0,
        input_adaptor=dict(type='LearnableInputAdaptor'))
    model.init_weights()
    out = model(torch.randn(2, 1, 64, 128))
    (out * torch.randn_like(out)).sum().backward()
    grads = {n: p.grad for n, p in model.named_parameters()}
    assert all(g is not None for g in grads.values())
    assert grads['stages.2.1.attn.offset_generator.pwconv.weight'].abs().sum(
    ) > 0
    assert grads['input_adaptor.conv.weight'].abs().sum() > 0
