# Copyright (c) mmvb contributors. All rights reserved.
"""The fast attention ops equal the PyTorch expressions they replace,
forward and backward, ties included."""
import pytest
import torch
import torch.nn.functional as F

from mmvb.ops import (avg_max_pool_hw, channel_gate, conv1d_over_frames,
                      conv3d_over_frames, mean_max_over_channels)


def _grads(fn, *inputs, grad=None):
    inputs = [x.detach().clone().requires_grad_() for x in inputs]
    out = fn(*inputs)
    grad = torch.randn_like(out) if grad is None else grad
    out.backward(grad)
    return out.detach(), [x.grad for x in inputs], grad


def _check(fast, reference, *inputs):
    out, grads, g = _grads(fast, *inputs)
    ref, ref_grads, _ = _grads(reference, *inputs, grad=g)
    torch.testing.assert_close(out, ref)
    for a, b in zip(grads, ref_grads):
        torch.testing.assert_close(a, b)


def _with_ties(*shape):
    """Random values with exact ties (many equal maxima)."""
    torch.manual_seed(0)
    return torch.randint(0, 3, shape).float()


@pytest.mark.parametrize(
    'x',
    [torch.randn(4, 5, 6, 7), _with_ties(4, 5, 6, 7)])
def test_avg_max_pool_hw(x):
    _check(
        avg_max_pool_hw,
        lambda v: torch.cat((F.adaptive_avg_pool2d(v, 1),
                             F.adaptive_max_pool2d(v, 1))).flatten(1), x)
    # hand-checked: one channel [[1, 3], [3, 0]]: mean 1.75, max 3; the
    # max's gradient goes to the first 3 only
    v = torch.tensor([[[[1.0, 3.0], [3.0, 0.0]]]], requires_grad=True)
    out = avg_max_pool_hw(v)
    assert out.flatten().tolist() == [1.75, 3.0]
    out[1, 0].backward()
    assert v.grad.flatten().tolist() == [0.0, 1.0, 0.0, 0.0]


@pytest.mark.parametrize(
    'x',
    [torch.randn(3, 6, 4, 5), _with_ties(3, 6, 4, 5)])
def test_mean_max_over_channels(x):
    _check(
        mean_max_over_channels, lambda v: torch.cat(
            (v.mean(1, keepdim=True), v.amax(1, keepdim=True)), 1), x)
    # hand-checked: channels (2, 5, 5) at one position: mean 4, max 5 with
    # its gradient split between the two tied channels
    v = torch.tensor([2.0, 5.0, 5.0]).view(1, 3, 1, 1).requires_grad_()
    out = mean_max_over_channels(v)
    assert out.flatten().tolist() == [4.0, 5.0]
    out[0, 1].sum().backward()
    assert v.grad.flatten().tolist() == [0.0, 0.5, 0.5]


def test_channel_gate():
    x = torch.randn(3, 6, 4, 5)
    mask = torch.rand(3, 6, 1, 1)
    _check(channel_gate, lambda v, m: v * m, x, mask)
    with pytest.raises(ValueError, match=r'\[B, C, 1, 1\]'):
        channel_gate(x, torch.rand(3, 1, 4, 5))
    with torch.no_grad():
        torch.testing.assert_close(channel_gate(x, mask), x * mask)


@pytest.mark.parametrize('x_dtype,mask_dtype',
                         [(torch.bfloat16, torch.float32),
                          (torch.float32, torch.bfloat16)])
def test_channel_gate_mixed_dtypes(x_dtype, mask_dtype):
    """Under bf16 autocast a float32 feature meets a bf16 mask (and the
    reverse): gradients as for ``x * mask``, in each input's dtype."""
    x = torch.randn(2, 3, 4, 5, dtype=x_dtype, requires_grad=True)
    mask = torch.rand(2, 3, 1, 1, dtype=mask_dtype, requires_grad=True)
    channel_gate(x, mask).float().sum().backward()
    x_ref = x.detach().clone().requires_grad_()
    mask_ref = mask.detach().clone().requires_grad_()
    (x_ref * mask_ref).float().sum().backward()
    assert (x.grad.dtype, mask.grad.dtype) == (x_dtype, mask_dtype)
    assert torch.equal(x.grad, x_ref.grad)
    assert torch.equal(mask.grad, mask_ref.grad)


@pytest.mark.parametrize('groups,k', [(1, 3), (1, 5), (7, 3), (7, 1)])
def test_conv1d_over_frames(groups, k):
    torch.manual_seed(0)
    seq = torch.randn(2, 6, 7)  # [N, T, C]
    weight = torch.randn(7, 7 // groups, k)
    bias = torch.randn(7)

    def reference(s, w, b):
        return F.conv1d(
            s.transpose(1, 2), w, b, padding=k // 2,
            groups=groups).transpose(1, 2)

    _check(lambda s, w, b: conv1d_over_frames(s, w, b, groups), reference, seq,
           weight, bias)


def test_conv1d_over_frames_hand_checked_and_errors():
    """Kernel (1, 0, 0) on one channel takes the previous frame."""
    seq = torch.arange(1.0, 5.0).view(1, 4, 1)
    weight = torch.tensor([[[1.0, 0.0, 0.0]]])
    out = conv1d_over_frames(seq, weight, None, groups=1)
    assert out.flatten().tolist() == [0.0, 1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match='odd'):
        conv1d_over_frames(seq, torch.ones(1, 1, 2))
    with pytest.raises(ValueError, match='depthwise'):
        conv1d_over_frames(torch.randn(1, 4, 4), torch.ones(4, 2, 3), None, 2)


@pytest.mark.parametrize('cin,cout,k', [(1, 8, (3, 3, 3)), (8, 1, (3, 3, 3)),
                                        (2, 3, (5, 1, 3))])
def test_conv3d_over_frames(cin, cout, k):
    torch.manual_seed(0)
    vol = torch.randn(2, 6, cin, 5, 4)  # [N, T, C, H, W]
    weight = torch.randn(cout, cin, *k)
    bias = torch.randn(cout)

    def reference(v, w, b):
        pad = tuple(s // 2 for s in k)
        return F.conv3d(v.transpose(1, 2), w, b, padding=pad).transpose(1, 2)

    _check(conv3d_over_frames, reference, vol, weight, bias)
    with pytest.raises(ValueError, match='odd'):
        conv3d_over_frames(vol, torch.randn(cout, cin, 3, 2, 3))
