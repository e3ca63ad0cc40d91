# Copyright (c) mmvb contributors. All rights reserved.
"""W3 attention (Eq. 2-6) on hand-checkable inputs."""
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import nn

from mmvb.models.layers import W3Attention, collect_attention_maps
from mmvb.models.layers.cbam import spatial_descriptor

N, T, C, H, W = 2, 4, 8, 5, 6


def _w3(**kwargs):
    cfg = dict(type='W3Attention', in_channels=C, num_segments=T)
    cfg.update(kwargs)
    module = MODELS.build(cfg)
    assert isinstance(module, W3Attention)
    module.init_weights()
    return module.eval()


def _set_identity_mlp(module):
    """MLP with r = 1 made the identity on non-negative inputs (ReLU)."""
    with torch.no_grad():
        for conv in (module.channel_mlp[0], module.channel_mlp[2]):
            conv.weight.copy_(torch.eye(C).view(C, C, 1, 1))
            conv.bias.zero_()


def _set_centre_spatial(module):
    """7x7 convolution that copies the channel-mean map (tap at the
    centre), so ``M^s-frm = sigmoid(mean_c)``."""
    with torch.no_grad():
        module.spatial_conv.weight.zero_()
        module.spatial_conv.weight[0, 0, 3, 3] = 1.0
        module.spatial_conv.bias.zero_()


def test_shapes_range_and_recording():
    torch.manual_seed(0)
    module = _w3()
    x = torch.randn(N * T, C, H, W)
    with collect_attention_maps() as maps:
        y = module(x)
    assert y.shape == x.shape
    assert len(maps) == 1 and maps[0][0] is module
    mask = maps[0][1]
    assert mask.shape == (N * T, 1, H, W)
    assert bool((mask > 0).all() and (mask < 1).all())
    mc = module.channel_attention(x)
    assert mc.shape == (N * T, C, 1, 1)
    assert bool((mc > 0).all() and (mc < 1).all())
    # Eq. 2: F^s = M^s * (M^c * F), with M^s computed from F^c.
    fc = x * mc
    torch.testing.assert_close(mask, module.spatial_attention(fc))
    torch.testing.assert_close(y, fc * mask)
    # nothing is recorded outside a collector, nothing is kept on the module
    module(x)
    assert not any(isinstance(v, torch.Tensor) for v in vars(module).values())


def test_channel_frame_attention_eq3():
    """No temporal reasoning: M^c = sigmoid(mlp(avg) + mlp(max))."""
    module = _w3(reduction=1, with_temporal=False, with_spatial=False)
    _set_identity_mlp(module)
    x = torch.randn(N * T, C, H, W)
    avg = x.mean((2, 3))
    mx = x.amax((2, 3))
    expected = torch.sigmoid(avg.clamp(min=0) + mx.clamp(min=0))
    torch.testing.assert_close(
        module.channel_attention(x), expected.view(N * T, C, 1, 1))
    torch.testing.assert_close(module(x), x * expected.view(N * T, C, 1, 1))


@pytest.mark.parametrize('temporal_conv', ['dense', 'depthwise'])
def test_channel_temporal_attention_eq4(temporal_conv):
    """Two 1D temporal convolutions (kernel 3) over M^c-frm, then sigmoid.

    First conv: identity tap; second conv: takes the previous frame
    (zero padding at t = 0), so M^c[t] = sigmoid(relu(M^c-frm[t - 1])).
    """
    module = _w3(reduction=1, with_spatial=False, temporal_conv=temporal_conv)
    _set_identity_mlp(module)
    conv1, conv2 = module.channel_temporal[0], module.channel_temporal[2]
    with torch.no_grad():
        for conv in (conv1, conv2):
            conv.weight.zero_()
            conv.bias.zero_()
        for c in range(C):
            i = c if temporal_conv == 'dense' else 0
            conv1.weight[c, i, 1] = 1.0  # same frame
            conv2.weight[c, i, 0] = 1.0  # previous frame
    x = torch.randn(N * T, C, H, W)
    frm = torch.sigmoid(
        x.mean((2, 3)).clamp(min=0) + x.amax((2, 3)).clamp(min=0)).view(
            N, T, C)
    prev = torch.cat((torch.zeros(N, 1, C), frm[:, :-1]), dim=1)
    expected = torch.sigmoid(prev).reshape(N * T, C, 1, 1)
    torch.testing.assert_close(module.channel_attention(x), expected)


def test_spatial_frame_attention_eq5():
    module = _w3(with_temporal=False)
    _set_centre_spatial(module)
    x = torch.randn(N * T, C, H, W)
    expected = torch.sigmoid(x.mean(1, keepdim=True))
    torch.testing.assert_close(module.spatial_attention(x), expected)


def test_spatio_temporal_attention_eq6():
    """Two 3x3x3 convolutions over the stacked frame maps: first copies
    (centre tap) into hidden channel 0, second takes the next frame."""
    module = _w3(st_channels=2)
    _set_centre_spatial(module)
    conv1, conv2 = module.spatial_temporal[0], module.spatial_temporal[2]
    with torch.no_grad():
        for conv in (conv1, conv2):
            conv.weight.zero_()
            conv.bias.zero_()
        conv1.weight[0, 0, 1, 1, 1] = 1.0
        conv2.weight[0, 0, 2, 1, 1] = 1.0  # t + 1
    x = torch.randn(N * T, C, H, W)
    frm = torch.sigmoid(x.mean(1)).view(N, T, H, W)
    nxt = torch.cat((frm[:, 1:], torch.zeros(N, 1, H, W)), dim=1)
    expected = torch.sigmoid(nxt).reshape(N * T, 1, H, W)
    torch.testing.assert_close(module.spatial_attention(x), expected)


@pytest.mark.parametrize('with_temporal', [True, False])
def test_temporal_receptive_field(with_temporal):
    """A change in frame t of clip 0 reaches frames t-2..t+2 through two
    kernel-3 layers (only frame t without temporal reasoning) and never
    another clip."""
    torch.manual_seed(0)
    module = _w3(with_temporal=with_temporal)
    x = torch.randn(N * T, C, H, W)
    x2 = x.clone()
    x2[1] += 5 * torch.randn(C, H, W)  # clip 0, frame 1
    diff = (module(x) - module(x2)).abs().flatten(1).amax(1).view(N, T)
    assert bool((diff[1] == 0).all())  # other clip untouched
    changed = (diff[0] > 0).tolist()
    if with_temporal:
        assert changed == [True, True, True, True]  # |t - 1| <= 2
    else:
        assert changed == [False, True, False, False]


@pytest.mark.parametrize('temporal_conv', ['dense', 'depthwise'])
def test_temporal_span_is_two_frames_each_side(temporal_conv):
    """Each sub-module reasons over two kernel-3 layers: a change in frame
    0 reaches frames 0-2 of M^c (from F) and of M^s (from F^c); through
    both (M^s is computed from F^c = M^c F) the module's output reaches
    frames 0-4."""
    torch.manual_seed(0)
    t = 8
    module = MODELS.build(
        dict(
            type='W3Attention',
            in_channels=C,
            num_segments=t,
            reduction=2,  # C / 16 would leave one hidden unit, maybe dead
            temporal_conv=temporal_conv))
    module.init_weights()
    x = torch.randn(t, C, H, W)
    x2 = x.clone()
    x2[0] += 5 * torch.randn(C, H, W)

    def changed(fn):
        diff = (fn(x) - fn(x2)).abs().flatten(1).amax(1)
        return (diff > 0).tolist()

    assert changed(module.channel_attention) == [True] * 3 + [False] * 5
    assert changed(module.spatial_attention) == [True] * 3 + [False] * 5
    assert changed(module) == [True] * 5 + [False] * 3


def test_switches_and_parameters():
    dense = _w3(reduction=2, temporal_conv='dense')
    assert dense.channel_temporal[0].weight.shape == (C, C, 3)
    dw = _w3(reduction=2)  # the default (configs/w3/README.md, Readings)
    assert dw.channel_temporal[0].weight.shape == (C, 1, 3)
    assert dw.channel_temporal[0].groups == C
    no_sa = _w3(with_spatial=False)
    assert not hasattr(no_sa, 'spatial_conv')
    no_ta = _w3(with_temporal=False)
    assert not hasattr(no_ta, 'channel_temporal')
    assert not hasattr(no_ta, 'spatial_temporal')
    x = torch.randn(N * T, C, H, W)
    with collect_attention_maps() as maps:
        no_sa(x)
    assert maps == []
    with pytest.raises(ValueError, match='temporal_conv'):
        W3Attention(C, T, temporal_conv='full')
    with pytest.raises(ValueError, match='temporal_kernel must be odd'):
        W3Attention(C, T, temporal_kernel=4)
    with pytest.raises(ValueError, match='st_kernel must be odd'):
        W3Attention(C, T, st_kernel=2)


def test_bad_inputs_raise_clear_errors():
    module = _w3()
    with pytest.raises(ValueError, match='multiple of num_segments'):
        module(torch.randn(N * T + 1, C, H, W))
    with pytest.raises(ValueError, match=r'\[N \* T, 8, H, W\]'):
        module(torch.randn(N * T, C + 1, H, W))
    with pytest.raises(ValueError, match='got shape'):
        module(torch.randn(N, T, C, H, W))
    with pytest.raises(ValueError, match='positive'):
        W3Attention(C, 0)


def test_depthwise_keeps_channels_apart():
    """With depthwise temporal convolutions channel c's temporal mask only
    depends on channel c's frame descriptors."""
    torch.manual_seed(0)
    module = _w3(reduction=1, temporal_conv='depthwise', with_spatial=False)
    _set_identity_mlp(module)
    x = torch.randn(N * T, C, H, W)
    x2 = x.clone()
    x2[:, 3] += 3.0
    diff = (module.channel_attention(x) -
            module.channel_attention(x2)).abs().amax((0, 2, 3))
    assert (diff > 0).tolist() == [c == 3 for c in range(C)]


def test_init_weights_and_gradients():
    module = _w3()
    for m in module.modules():
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            assert bool((m.bias == 0).all())
            assert m.weight.abs().sum() > 0
    module.train()
    x = torch.randn(N * T, C, H, W, requires_grad=True)
    module(x).sum().backward()
    for name, p in module.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
    assert x.grad is not None


def test_init_fan_of_depthwise_temporal_convs():
    """PyTorch's fan-out counts every output channel of a grouped
    convolution (``C x 3``); ``init_fan='per_group'`` counts the one
    output each depthwise weight feeds (``1 x 3``): std ``sqrt(2 / 3)``."""
    c = 256
    torch.manual_seed(0)
    default = W3Attention(c)
    default.init_weights()
    torch.manual_seed(0)
    fixed = W3Attention(c, init_fan='per_group')
    fixed.init_weights()
    for i in (0, 2):
        w_def = default.channel_temporal[i].weight  # [C, 1, 3]
        w_fix = fixed.channel_temporal[i].weight
        assert w_def.shape == (c, 1, 3)
        assert abs(w_def.std().item() / (2 / (3 * c))**0.5 - 1) < 0.1
        assert abs(w_fix.std().item() / (2 / 3)**0.5 - 1) < 0.1
    # everything else (MLP, spatial convs: groups = 1) is initialised alike
    for (name, p_def), p_fix in zip(default.named_parameters(),
                                    fixed.parameters()):
        if not name.startswith('channel_temporal'):
            torch.testing.assert_close(p_def, p_fix, msg=name)
    # the consequence: with PyTorch's fan, M^c starts at 0.5 +- 0.01 for
    # every channel; with the per-group fan the channels differ
    x = torch.randn(2 * 8, c, 4, 4)
    with torch.no_grad():
        spread_def = default.channel_attention(x).flatten(1).std(1).mean()
        spread_fix = fixed.channel_attention(x).flatten(1).std(1).mean()
    assert spread_def < 0.01 < 0.05 < spread_fix
    # dense temporal convolutions: groups = 1, both readings agree
    torch.manual_seed(1)
    dense = W3Attention(C, temporal_conv='dense')
    dense.init_weights()
    torch.manual_seed(1)
    dense_fix = W3Attention(C, temporal_conv='dense', init_fan='per_group')
    dense_fix.init_weights()
    for p_a, p_b in zip(dense.parameters(), dense_fix.parameters()):
        torch.testing.assert_close(p_a, p_b)
    with pytest.raises(ValueError, match='init_fan'):
        W3Attention(C, init_fan='fan_in')


@pytest.mark.parametrize('with_temporal', [True, False])
def test_gate_bias_opens_the_gates(with_temporal):
    """``gate_bias=b``: with every weight zeroed after ``init_weights``, both
    masks are exactly ``sigmoid(b)``; only the biases before the two
    sigmoids are non-zero."""
    module = _w3(gate_bias=2.0, with_temporal=with_temporal)
    nonzero = {
        name
        for name, p in module.named_parameters()
        if name.endswith('bias') and bool((p != 0).any())
    }
    if with_temporal:
        assert nonzero == {
            'channel_temporal.2.bias', 'spatial_temporal.2.bias'
        }
    else:
        # the MLP's output bias is added twice (avg and max descriptors)
        assert nonzero == {'channel_mlp.2.bias', 'spatial_conv.bias'}
        assert bool((module.channel_mlp[2].bias == 1.0).all())
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith('weight'):
                p.zero_()
    x = torch.randn(N * T, C, H, W)
    gate = torch.sigmoid(torch.tensor(2.0))
    torch.testing.assert_close(
        module.channel_attention(x), gate.expand(N * T, C, 1, 1))
    torch.testing.assert_close(
        module.spatial_attention(x), gate.expand(N * T, 1, H, W))
    torch.testing.assert_close(module(x), x * gate * gate)


def reference_w3(module, x):
    """Eq. 2-6 transcribed with standard operators: the two MLP passes,
    ``conv1d`` / ``conv3d`` over ``[N, C, T]`` / ``[N, 1, T, H, W]`` and
    ``amax`` (the implementation before the CPU speed-up; W3Attention must
    match it, outputs and gradients, within fp32 rounding)."""
    n = x.size(0) // module.num_segments
    t, c, h, w = module.num_segments, x.size(1), x.size(2), x.size(3)

    def mlp(d):
        hid = F.relu(
            F.conv2d(d, module.channel_mlp[0].weight,
                     module.channel_mlp[0].bias))
        return F.conv2d(hid, module.channel_mlp[2].weight,
                        module.channel_mlp[2].bias)

    frm = torch.sigmoid(
        mlp(F.adaptive_avg_pool2d(x, 1)) +
        mlp(F.adaptive_max_pool2d(x, 1))).view(n, t, c).permute(0, 2, 1)
    c1, c2 = module.channel_temporal[0], module.channel_temporal[2]
    mc = torch.sigmoid(
        F.conv1d(
            F.relu(
                F.conv1d(frm, c1.weight, c1.bias, padding=1,
                         groups=c1.groups)),
            c2.weight,
            c2.bias,
            padding=1,
            groups=c2.groups))
    fc = x * mc.permute(0, 2, 1).reshape(n * t, c, 1, 1)
    desc = torch.cat((fc.mean(1, keepdim=True), fc.amax(1, keepdim=True)), 1)
    sfrm = torch.sigmoid(
        F.conv2d(
            desc,
            module.spatial_conv.weight,
            module.spatial_conv.bias,
            padding=3)).view(n, t, h, w).unsqueeze(1)
    s1, s2 = module.spatial_temporal[0], module.spatial_temporal[2]
    ms = torch.sigmoid(
        F.conv3d(
            F.relu(F.conv3d(sfrm, s1.weight, s1.bias, padding=1)),
            s2.weight,
            s2.bias,
            padding=1))
    return fc * ms.squeeze(1).reshape(n * t, 1, h, w)


def _grads(module, fn, x, g):
    module.zero_grad(set_to_none=True)
    x = x.detach().clone().requires_grad_()
    out = fn(module, x)
    out.backward(g)
    grads = {k: p.grad.clone() for k, p in module.named_parameters()}
    return out.detach(), x.grad, grads


@pytest.mark.parametrize('temporal_conv', ['dense', 'depthwise'])
@pytest.mark.parametrize('shape', [(N * T, C, H, W), (2 * 8, 32, 9, 7)])
def test_matches_reference_implementation(temporal_conv, shape):
    """Outputs and every gradient equal the reference transcription
    (random weights, two sizes, both readings of the temporal
    convolutions)."""
    torch.manual_seed(0)
    t = T if shape[0] == N * T else 8
    module = MODELS.build(
        dict(
            type='W3Attention',
            in_channels=shape[1],
            num_segments=t,
            reduction=2,
            temporal_conv=temporal_conv))
    module.init_weights()
    with torch.no_grad():  # non-zero biases everywhere
        for p in module.parameters():
            if p.dim() == 1:
                p.uniform_(-0.5, 0.5)
    x = torch.randn(shape)
    g = torch.randn(shape)
    out, gx, grads = _grads(module, lambda m, v: m(v), x, g)
    ref, ref_gx, ref_grads = _grads(module, reference_w3, x, g)
    torch.testing.assert_close(out, ref)
    torch.testing.assert_close(gx, ref_gx)
    for key in ref_grads:
        torch.testing.assert_close(
            grads[key], ref_grads[key], rtol=1e-4, atol=1e-5, msg=key)


def test_spatial_descriptor_gradient_is_amax_with_ties():
    """Tied channel maxima share the gradient equally, as ``amax``'s."""
    x = torch.tensor([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 2.0, 2.0],
                      [-1.0, 5.0, 4.0, 5.0]]).t().reshape(1, 4, 1, 3)
    x = x.repeat(2, 1, 1, 1)
    g = torch.randn(2, 2, 1, 3)
    a = x.clone().requires_grad_()
    spatial_descriptor(a).backward(g)
    b = x.clone().requires_grad_()
    torch.cat((b.mean(1, keepdim=True), b.amax(1, keepdim=True)),
              1).backward(g)
    torch.testing.assert_close(a.grad, b.grad)
    # column 1: all four channels tie, each gets g_max / 4 + g_mean / 4
    torch.testing.assert_close(a.grad[:, :, 0, 1],
                               (g[:, 1:, 0, 1] / 4 +
                                g[:, :1, 0, 1] / 4).expand(2, 4))


def test_defaults_are_the_papers():
    """r = 16 (Sec. 3.1, as CBAM), K_c-vid = 3 with two 1D layers (Eq. 4),
    a 7x7 frame-level spatial convolution (Eq. 5) and two 3x3x3
    convolutions (Eq. 6), both sub-modules on."""
    module = W3Attention(64)
    assert module.num_segments == 8
    assert module.channel_mlp[0].out_channels == 64 // 16
    convs1d = [m for m in module.channel_temporal if isinstance(m, nn.Conv1d)]
    assert [c.kernel_size for c in convs1d] == [(3, ), (3, )]
    assert module.spatial_conv.kernel_size == (7, 7)
    assert module.spatial_conv.in_channels == 2  # [avg, max] (Eq. 5)
    convs3d = [m for m in module.spatial_temporal if isinstance(m, nn.Conv3d)]
    assert [c.kernel_size for c in convs3d] == [(3, 3, 3), (3, 3, 3)]
    assert module.with_spatial and module.with_temporal
    # unchanged (the paper is silent on initialisation)
    assert module.init_fan == 'torch' and module.gate_bias == 0
