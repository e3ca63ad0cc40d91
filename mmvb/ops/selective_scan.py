# Copyright (c) mmvb contributors. All rights reserved.
"""Mamba's selective scan (Gu and Dao, "Mamba: Linear-Time Sequence Modeling
with Selective State Spaces", 2023), pure PyTorch with an optional CUDA path.

For every batch ``b``, channel ``d`` and state ``n``, with
``delta <- softplus(delta + delta_bias)`` (when asked)::

    h_t = exp(delta_t * A[d, n]) * h_{t-1} + delta_t * u_t * B_t[n]
    y_t = sum_n C_t[n] * h_t[n] + D[d] * u_t
    out = y * silu(z)                                     (when z is given)

with ``h_{-1} = 0``. The signature and shapes are those of
``mamba_ssm.ops.selective_scan_interface.selective_scan_fn``:

* ``u``, ``delta``, ``z``: ``[batch, dim, L]``;
* ``A``: ``[dim, N]`` (real; negative for a stable scan);
* ``B``, ``C``: ``[dim, N]`` (fixed), ``[batch, N, L]`` (input-dependent,
  what Mamba uses) or ``[batch, G, N, L]`` (``G`` groups of ``dim / G``
  channels);
* ``D``, ``delta_bias``: ``[dim]``;
* returns ``out`` ``[batch, dim, L]`` in the dtype of ``u`` and, with
  ``return_last_state``, the final state ``[batch, dim, N]``.

Implementations (:func:`selective_scan` picks one at call time, see
``impl``):

* ``'sequential'`` -- :func:`selective_scan_sequential`: the recurrence step
  by step (a Python loop over ``L``); the reference the others are tested
  against.
* ``'parallel'`` -- no loop over time: an inclusive scan of the linear
  recurrence ``h_t = exp(a_t) h_{t-1} + x_t`` (``a_t = delta_t * A``,
  ``x_t = delta_t u_t B_t``) by recursive doubling (Hillis and Steele),
  ``ceil(log2 L)`` element-wise tensor steps of ``O(L)`` work each. Exact
  up to rounding (decays are multiplied, never divided, so nothing
  overflows). Autograd keeps ``O(log L)`` copies of the ``[batch, dim, L,
  N]`` states.
* ``'chunked'`` -- for long sequences: the doubling scan inside chunks of
  ``chunk_size`` steps (all chunks at once), then the recurrence between
  chunk boundaries, which has the same form with one step per chunk and is
  solved by the same function (recursively, so there is no Python loop over
  time at any level); autograd memory ``O(log chunk_size)`` copies.
* ``'cuda'`` -- ``mamba_ssm``'s ``selective_scan_fn`` kernel; used by
  ``'auto'`` only when ``mamba_ssm`` imports and the tensors are on CUDA.

All PyTorch paths compute in float32 (float64 when ``u`` is float64), as
Mamba's reference does, and are differentiable by autograd.
"""
import functools
from typing import Callable, Optional, Tuple, Union

import torch
import torch.nn.functional as F
from torch import Tensor

IMPLS = ('auto', 'cuda', 'parallel', 'chunked', 'sequential')


@functools.lru_cache(maxsize=None)
def _mamba_cuda_scan() -> Optional[Callable]:
    """``mamba_ssm``'s CUDA ``selective_scan_fn``, or None when it does not
    import (every released ``mamba_ssm`` imports its compiled kernel and
    Triton at module import, so any failure counts as absent)."""
    try:
        from mamba_ssm.ops.selective_scan_interface import selective_scan_fn
    except Exception:
        return None
    return selective_scan_fn


def cuda_scan_available() -> bool:
    """Whether the ``mamba_ssm`` CUDA kernel can be used here."""
    return _mamba_cuda_scan() is not None and torch.cuda.is_available()


def _compute_dtype(u: Tensor) -> torch.dtype:
    return torch.float64 if u.dtype == torch.float64 else torch.float32


def _expand_bc(M: Tensor, dim: int, dtype: torch.dtype) -> Tensor:
    """``B`` or ``C`` in any accepted layout -> broadcastable to
    ``[batch, dim, N, L]``."""
    M = M.to(dtype)
    if M.dim() == 2:  # [dim, N], the same for every step
        return M[None, :, :, None]
    if M.dim() == 3:  # [batch, N, L], shared by all channels
        return M[:, None]
    if M.dim() == 4:  # [batch, G, N, L], G groups of channels
        groups = M.shape[1]
        assert dim % groups == 0, \
            f'dim ({dim}) must be a multiple of the groups ({groups})'
        return M.repeat_interleave(dim // groups, dim=1)
    raise ValueError(f'B/C must have 2, 3 or 4 dims, got {tuple(M.shape)}')


def _discretize(u, delta, A, B, C, delta_bias,
                delta_softplus) -> Tuple[Tensor, Tensor, Tensor, torch.dtype]:
    """Return the log decays ``a = delta * A`` and inputs
    ``x = delta * u * B`` (both ``[batch, dim, N, L]``) and ``C``
    broadcastable to them."""
    if A.is_complex():
        raise ValueError(
            'complex A is only supported by the mamba_ssm CUDA kernel')
    dtype = _compute_dtype(u)
    dim = u.shape[1]
    u, delta = u.to(dtype), delta.to(dtype)
    if delta_bias is not None:
        delta = delta + delta_bias.to(dtype)[:, None]
    if delta_softplus:
        delta = F.softplus(delta)
    a = delta[:, :, None] * A.to(dtype)[None, :, :, None]
    x = (delta * u)[:, :, None] * _expand_bc(B, dim, dtype)
    return a, x, _expand_bc(C, dim, dtype), dtype


def _finish(states: Tensor, u: Tensor, Cx: Tensor, D: Optional[Tensor],
            z: Optional[Tensor], dtype: torch.dtype) -> Tensor:
    """``y = sum_n C h + D u``, gated by ``silu(z)``, in ``u``'s dtype."""
    y = (states * Cx).sum(2)
    if D is not None:
        y = y + D.to(dtype)[:, None] * u.to(dtype)
    if z is not None:
        y = y * F.silu(z.to(dtype))
    return y.to(u.dtype)


def _doubling_scan(decay: Tensor, x: Tensor) -> Tuple[Tensor, Tensor]:
    """Inclusive scan of ``h_t = decay_t * h_{t-1} + x_t`` (``h_{-1} = 0``)
    along the last axis by recursive doubling (Hillis and Steele): after the
    step with offset ``k`` every position holds the composition of the
    ``2k`` steps ending there. ``ceil(log2 L)`` tensor steps, no loop over
    time.

    Returns:
        tuple[Tensor, Tensor]: The states ``h_t`` and the cumulative decays
        ``decay_0 * ... * decay_t``, both ``[..., L]``.
    """
    length, k = x.shape[-1], 1
    while k < length:
        x = torch.cat([
            x[..., :k],
            torch.addcmul(x[..., k:], decay[..., k:], x[..., :-k])
        ],
                      dim=-1)
        decay = torch.cat([decay[..., :k], decay[..., k:] * decay[..., :-k]],
                          dim=-1)
        k *= 2
    return x, decay


def _scan_states(a: Tensor, x: Tensor, h0: Optional[Tensor],
                 chunk_size: int) -> Tensor:
    """States ``h_t`` of ``h_t = exp(a_t) h_{t-1} + x_t`` for all ``t``.

    Args:
        a (Tensor): Log decays ``[..., L]`` (``<= 0``).
        x (Tensor): Inputs ``[..., L]``.
        h0 (Tensor, optional): State before the first step ``[...]``.
        chunk_size (int): Longest sequence scanned in one piece.

    Returns:
        Tensor: ``[..., L]``.
    """
    length = a.shape[-1]
    if length <= chunk_size:
        states, cum_decay = _doubling_scan(torch.exp(a), x)
        if h0 is not None:
            states = states + cum_decay * h0[..., None]
        return states
    # Chunked: pad to a multiple of the chunk size with steps that leave
    # the state unchanged (decay 1, input 0), scan every chunk from a zero
    # state (all chunks at once), then add what flows in from the previous
    # chunks: the chunk-boundary states follow the same recurrence with one
    # step per chunk (decay = product over the chunk), solved by this
    # function again.
    num_chunks = -(-length // chunk_size)
    pad = num_chunks * chunk_size - length
    if pad:
        a, x = F.pad(a, (0, pad)), F.pad(x, (0, pad))
    a = a.unflatten(-1, (num_chunks, chunk_size))
    x = x.unflatten(-1, (num_chunks, chunk_size))
    local, cum_decay = _doubling_scan(torch.exp(a), x)
    boundary = _scan_states(a.sum(-1), local[..., -1], h0, chunk_size)
    first = torch.zeros_like(a[..., 0, 0]) if h0 is None else h0
    incoming = torch.cat([first[..., None], boundary[..., :-1]], dim=-1)
    states = local + cum_decay * incoming[..., None]
    return states.flatten(-2)[..., :length]


def selective_scan_sequential(
        u: Tensor,
        delta: Tensor,
        A: Tensor,
        B: Tensor,
        C: Tensor,
        D: Optional[Tensor] = None,
        z: Optional[Tensor] = None,
        delta_bias: Optional[Tensor] = None,
        delta_softplus: bool = False,
        return_last_state: bool = False
) -> Union[Tensor, Tuple[Tensor, Tensor]]:
    """Step-by-step reference (a Python loop over ``L``); see the module
    docstring for the arguments."""
    a, x, Cx, dtype = _discretize(u, delta, A, B, C, delta_bias,
                                  delta_softplus)
    decay = torch.exp(a)
    h = torch.zeros_like(x[..., 0])
    states = []
    for t in range(u.shape[-1]):
        h = decay[..., t] * h + x[..., t]
        states.append(h)
    states = torch.stack(states, dim=-1)  # [batch, dim, N, L]
    out = _finish(states, u, Cx, D, z, dtype)
    return (out, h) if return_last_state else out


def selective_scan_torch(
        u: Tensor,
        delta: Tensor,
        A: Tensor,
        B: Tensor,
        C: Tensor,
        D: Optional[Tensor] = None,
        z: Optional[Tensor] = None,
        delta_bias: Optional[Tensor] = None,
        delta_softplus: bool = False,
        return_last_state: bool = False,
        chunk_size: int = 64) -> Union[Tensor, Tuple[Tensor, Tensor]]:
    """Loop-free selective scan: one doubling scan when ``L <= chunk_size``
    (``'parallel'``), else the chunked form; see the module docstring."""
    assert chunk_size >= 2, 'chunk_size must be at least 2'
    a, x, Cx, dtype = _discretize(u, delta, A, B, C, delta_bias,
                                  delta_softplus)
    states = _scan_states(a, x, None, chunk_size)  # [batch, dim, N, L]
    out = _finish(states, u, Cx, D, z, dtype)
    return (out, states[..., -1]) if return_last_state else out


def selective_scan(
        u: Tensor,
        delta: Tensor,
        A: Tensor,
        B: Tensor,
        C: Tensor,
        D: Optional[Tensor] = None,
        z: Optional[Tensor] = None,
        delta_bias: Optional[Tensor] = None,
        delta_softplus: bool = False,
        return_last_state: bool = False,
        impl: str = 'auto',
        chunk_size: int = 64) -> Union[Tensor, Tuple[Tensor, Tensor]]:
    """Selective scan with the implementation chosen at call time.

    Args:
        u, delta, A, B, C, D, z, delta_bias, delta_softplus,
        return_last_state: As ``mamba_ssm``'s ``selective_scan_fn`` (see
            the module docstring).
        impl (str): ``'auto'`` (the CUDA kernel when ``mamba_ssm`` imports
            and ``u`` is on CUDA, else ``'parallel'`` for
            ``L <= chunk_size`` and ``'chunked'`` above), ``'cuda'``,
            ``'parallel'``, ``'chunked'`` or ``'sequential'``.
            Defaults to ``'auto'``.
        chunk_size (int): Longest sequence scanned in one piece; longer
            ones are chunked. Defaults to 64.

    Returns:
        Tensor or tuple[Tensor, Tensor]: ``out`` and, if asked, the last
        state.
    """
    if impl not in IMPLS:
        raise ValueError(f'impl must be one of {IMPLS}, got {impl!r}')
    args = (u, delta, A, B, C, D, z, delta_bias, delta_softplus,
            return_last_state)
    if impl in ('auto', 'cuda'):
        kernel = _mamba_cuda_scan()
        if kernel is not None and u.is_cuda:
            return kernel(*args)
        if impl == 'cuda':
            raise RuntimeError(
                'impl="cuda" needs mamba_ssm (with its compiled selective '
                'scan kernel) and CUDA tensors')
    if impl == 'sequential':
        return selective_scan_sequential(*args)
    if impl == 'parallel':
        chunk_size = max(chunk_size, u.shape[-1])
    elif impl == 'chunked':
        chunk_size = min(chunk_size, max(u.shape[-1] - 1, 2))
    return selective_scan_torch(*args, chunk_size=chunk_size)
