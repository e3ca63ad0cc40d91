# Copyright (c) mmvb contributors. All rights reserved.
"""The loop-free selective scans against the step-by-step reference.

Tolerance: on random float64 inputs the parallel (doubling) and chunked
scans match the sequential recurrence to ``atol=1e-12, rtol=1e-10`` in the
outputs, the last state and all input gradients (observed errors are about
``4e-15``); in float32 to ``atol=rtol=1e-4``.
"""
import pytest
import torch

from mmvb.ops import selective_scan, selective_scan_sequential
from mmvb.ops.selective_scan import _mamba_cuda_scan

F64 = dict(atol=1e-12, rtol=1e-10)


def _inputs(batch=2,
            dim=6,
            length=37,
            state=4,
            layout='variable',
            dtype=torch.float64,
            seed=0):
    g = torch.Generator().manual_seed(seed)

    def randn(*shape):
        return torch.randn(*shape, generator=g, dtype=dtype)

    u, delta, z = randn(batch, dim,
                        length), randn(batch, dim,
                                       length), randn(batch, dim, length)
    A = -torch.rand(dim, state, generator=g, dtype=dtype) * 4
    if layout == 'fixed':
        B, C = randn(dim, state), randn(dim, state)
    elif layout == 'variable':
        B, C = randn(batch, state, length), randn(batch, state, length)
    else:  # 2 groups of channels
        B, C = randn(batch, 2, state, length), randn(batch, 2, state, length)
    return dict(
        u=u,
        delta=delta,
        A=A,
        B=B,
        C=C,
        D=randn(dim),
        z=z,
        delta_bias=randn(dim))


@pytest.mark.parametrize('layout', ['fixed', 'variable', 'grouped'])
@pytest.mark.parametrize('length', [1, 2, 5, 37, 130])
@pytest.mark.parametrize('impl', ['parallel', 'chunked'])
def test_matches_sequential_float64(layout, length, impl):
    args = _inputs(length=length, layout=layout)
    ref, ref_state = selective_scan_sequential(
        **args, delta_softplus=True, return_last_state=True)
    for chunk_size in (2, 3, 64):
        out, state = selective_scan(
            **args,
            delta_softplus=True,
            return_last_state=True,
            impl=impl,
            chunk_size=chunk_size)
        torch.testing.assert_close(out, ref, **F64)
        torch.testing.assert_close(state, ref_state, **F64)


@pytest.mark.parametrize('impl', ['parallel', 'chunked'])
def test_optional_arguments(impl):
    args = _inputs(length=20)
    for drop in ('D', 'z', 'delta_bias'):
        kwargs = dict(args, **{drop: None})
        for softplus in (False, True):
            delta = kwargs['delta'].abs() if not softplus else \
                kwargs['delta']
            kwargs_s = dict(kwargs, delta=delta)
            torch.testing.assert_close(
                selective_scan(
                    **kwargs_s,
                    delta_softplus=softplus,
                    impl=impl,
                    chunk_size=6),
                selective_scan_sequential(**kwargs_s, delta_softplus=softplus),
                **F64)


@pytest.mark.parametrize('impl', ['parallel', 'chunked'])
def test_gradients_match_sequential(impl):
    args = _inputs(length=29, layout='variable')
    leaves = {k: v.clone().requires_grad_() for k, v in args.items()}
    weight = torch.randn(2, 6, 29, dtype=torch.float64)

    def grads(fn, **kw):
        out = fn(**leaves, delta_softplus=True, **kw)
        return torch.autograd.grad((out * weight).sum(), list(leaves.values()))

    ref = grads(selective_scan_sequential)
    got = grads(selective_scan, impl=impl, chunk_size=4)
    for g, r in zip(got, ref):
        torch.testing.assert_close(g, r, **F64)


def test_float32_close_and_dtype():
    args64 = _inputs(length=50)
    args32 = {k: v.float() for k, v in args64.items()}
    ref = selective_scan_sequential(**args64, delta_softplus=True)
    for impl in ('parallel', 'chunked'):
        out = selective_scan(
            **args32, delta_softplus=True, impl=impl, chunk_size=8)
        assert out.dtype == torch.float32
        torch.testing.assert_close(out.double(), ref, atol=1e-4, rtol=1e-4)
    out16 = selective_scan(
        **{
            k: v.bfloat16() if k in ('u', 'delta', 'z') else v
            for k, v in args32.items()
        })
    assert out16.dtype == torch.bfloat16


def test_hand_checked_recurrence():
    # dim 1, N 1, B = C = 1, D = 0: h_t = exp(delta_t A) h_{t-1} + delta_t u_t
    u = torch.tensor([[[1.0, 2.0, 3.0]]], dtype=torch.float64)
    delta = torch.tensor([[[1.0, 0.5, 2.0]]], dtype=torch.float64)
    A = torch.tensor([[-torch.log(torch.tensor(2.0)).item()]],
                     dtype=torch.float64)  # exp(delta * A) = 2^-delta
    ones = torch.ones(1, 1, dtype=torch.float64)
    h1 = 1.0
    h2 = 2**-0.5 * h1 + 0.5 * 2.0
    h3 = 2**-2 * h2 + 2.0 * 3.0
    expected = torch.tensor([[[h1, h2, h3]]], dtype=torch.float64)
    for impl in ('sequential', 'parallel', 'chunked'):
        out, last = selective_scan(
            u,
            delta,
            A,
            ones,
            ones,
            return_last_state=True,
            impl=impl,
            chunk_size=2)
        torch.testing.assert_close(out, expected)
        torch.testing.assert_close(last,
                                   torch.tensor([[[h3]]], dtype=torch.float64))


def test_dispatch():
    args = _inputs(length=8, dtype=torch.float32)
    with pytest.raises(ValueError):
        selective_scan(**args, impl='bogus')
    if _mamba_cuda_scan() is None or not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match='mamba_ssm'):
            selective_scan(**args, impl='cuda')
    # CPU tensors never go to the CUDA kernel.
    torch.testing.assert_close(
        selective_scan(**args, delta_softplus=True),
        selective_scan(**args, delta_softplus=True, impl='parallel'))


@pytest.mark.skipif(
    _mamba_cuda_scan() is None or not torch.cuda.is_available(),
    reason='needs mamba_ssm and CUDA')
def test_cuda_kernel_matches_reference():
    args = {
        k: v.float().cuda()
        for k, v in _inputs(length=64, dtype=torch.float32).items()
    }
    out = selective_scan(**args, delta_softplus=True, impl='cuda')
    ref = selective_scan(**args, delta_softplus=True, impl='parallel')
    torch.testing.assert_close(out, ref, atol=1e-3, rtol=1e-3)
