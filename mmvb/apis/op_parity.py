# Copyright (c) mmvb contributors. All rights reserved.
"""Device parity of mmvb's pure-PyTorch ops.

Each check runs an op in float32 on the device under test and compares its
output (and, for differentiable ops, the input gradients of a fixed random
weighting of the output) with the same op run in float64 on the CPU: the
reference is exact to well below the float32 tolerances used here, so a
failure means the device result is wrong, not merely rounded differently.
TF32 is switched off during the checks (it would otherwise replace float32
matrix products and convolutions on Ampere and newer GPUs). RoIAlign is also
compared with ``torchvision.ops.roi_align`` on the device when torchvision
imports.

Used by ``tools/analysis/gpu_check.py``.
"""
import copy
from contextlib import contextmanager
from typing import Callable, Dict, List, Sequence

import torch
from torch import Tensor

from mmvb.models.layers import DeformableAudioAttention
from mmvb.ops import roi_align_pytorch, selective_scan
from mmvb.ops.fbank import AST_FBANK_ARGS, kaldi_fbank
from mmvb.ops.selective_scan import selective_scan_sequential


@contextmanager
def no_tf32():
    """Switch TF32 off for CUDA matrix products and cuDNN convolutions."""
    matmul = torch.backends.cuda.matmul.allow_tf32
    cudnn = torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32 = matmul
        torch.backends.cudnn.allow_tf32 = cudnn


def _run(fn: Callable[..., Tensor], inputs: Sequence[Tensor],
         grad_of: Sequence[int], weight: Tensor) -> List[Tensor]:
    """``fn(*inputs)`` and the gradients of ``(fn(*inputs) * weight).sum()``
    w.r.t. ``inputs[i]`` for ``i`` in ``grad_of``."""
    inputs = [
        x.detach().requires_grad_(i in grad_of) for i, x in enumerate(inputs)
    ]
    out = fn(*inputs)
    outs = [out.detach()]
    if grad_of:
        grads = torch.autograd.grad((out * weight.to(out)).sum(),
                                    [inputs[i] for i in grad_of])
        outs += [g.detach() for g in grads]
    return outs


def _compare(name: str,
             device_outs: Sequence[Tensor],
             ref_outs: Sequence[Tensor],
             atol: float,
             rtol: float,
             compared: str,
             labels: Sequence[str] = ('output', )) -> Dict:
    """Largest deviation per tensor, relative to ``atol + rtol * max|ref|``.
    """
    worst, ok, detail = 0.0, True, {}
    for label, out, ref in zip(labels, device_outs, ref_outs):
        ref = ref.detach().double().cpu()
        out = out.detach().double().cpu()
        if out.shape != ref.shape:
            raise ValueError(f'{name}: {label} has shape {tuple(out.shape)}, '
                             f'the reference {tuple(ref.shape)}')
        err = (out - ref).abs().max().item() if ref.numel() else 0.0
        scale = ref.abs().max().item() if ref.numel() else 0.0
        tol = atol + rtol * scale
        finite = bool(torch.isfinite(out).all())
        ok = ok and finite and err <= tol
        worst = max(worst, err / tol if tol > 0 else float('inf'))
        detail[label] = dict(max_abs_err=err, tol=tol, finite=finite)
    return dict(
        op=name,
        compared=compared,
        ok=ok,
        worst_err_over_tol=worst,
        detail=detail)


def _roi_inputs(gen: torch.Generator):
    """float32 features ``[2, 8, 24, 32]`` and 24 RoIs (stride-2 image
    coordinates), some partly outside the map."""
    feat = torch.randn(2, 8, 24, 32, generator=gen)
    k = 24
    xy = torch.rand(k, 2, generator=gen) * torch.tensor([40.0, 30.0]) - 4
    wh = torch.rand(k, 2, generator=gen) * 28 + 0.5
    boxes = torch.cat((xy, xy + wh), 1)
    batch = torch.arange(k, dtype=torch.float32)[:, None] % 2
    return feat, torch.cat((batch, boxes), 1)


#: ``(output_size, spatial_scale, sampling_ratio, aligned)`` cases.
ROI_CASES = (((7, 7), 0.5, 0, True), ((3, 5), 1.0, 2, False))


def check_roi_align(device: torch.device, seed: int = 0) -> List[Dict]:
    """:func:`mmvb.ops.roi_align_pytorch` on ``device`` (float32) vs on the
    CPU (float64): output and input gradient."""
    gen = torch.Generator().manual_seed(seed)
    feat, rois = _roi_inputs(gen)
    results = []
    for size, scale, ratio, aligned in ROI_CASES:
        weight = torch.randn(
            rois.shape[0], feat.shape[1], *size, generator=gen)

        def fn(x, r):
            return roi_align_pytorch(x, r, size, scale, ratio, aligned)

        ref = _run(fn, (feat.double(), rois.double()), (0, ), weight.double())
        out = _run(fn, (feat.to(device), rois.to(device)), (0, ),
                   weight.to(device))
        results.append(
            _compare(
                f'roi_align {size} scale={scale} ratio={ratio} '
                f'aligned={aligned}',
                out,
                ref,
                atol=1e-5,
                rtol=1e-5,
                compared=f'roi_align_pytorch {device} fp32 vs cpu fp64',
                labels=('output', 'grad_input')))
    return results


def check_roi_align_torchvision(device: torch.device,
                                seed: int = 0) -> List[Dict]:
    """:func:`mmvb.ops.roi_align_pytorch` vs ``torchvision.ops.roi_align``,
    both float32 on ``device``; one ``skipped`` entry when torchvision does
    not import."""
    try:
        from torchvision.ops import roi_align as tv_roi_align
    except Exception as e:  # absent, or broken next to this torch build
        return [
            dict(
                op='roi_align vs torchvision',
                compared='skipped',
                ok=None,
                note=f'torchvision does not import here ({type(e).__name__})')
        ]
    gen = torch.Generator().manual_seed(seed)
    feat, rois = _roi_inputs(gen)
    feat, rois = feat.to(device), rois.to(device)
    results = []
    for size, scale, ratio, aligned in ROI_CASES:
        weight = torch.randn(
            rois.shape[0], feat.shape[1], *size, generator=gen).to(device)
        ref = _run(
            lambda x, r: tv_roi_align(x, r, size, scale, ratio, aligned),
            (feat, rois), (0, ), weight)
        out = _run(
            lambda x, r: roi_align_pytorch(x, r, size, scale, ratio, aligned),
            (feat, rois), (0, ), weight)
        results.append(
            _compare(
                f'roi_align {size} scale={scale} ratio={ratio} '
                f'aligned={aligned}',
                out,
                ref,
                atol=1e-5,
                rtol=1e-5,
                compared=f'roi_align_pytorch vs torchvision, {device} fp32',
                labels=('output', 'grad_input')))
    return results


def check_selective_scan(device: torch.device, seed: int = 0) -> List[Dict]:
    """:func:`mmvb.ops.selective_scan` (``'parallel'`` and ``'chunked'``) on
    ``device`` (float32) vs the sequential reference on the CPU (float64):
    output and the gradients of ``u``, ``delta``, ``A``, ``B``, ``C``."""
    gen = torch.Generator().manual_seed(seed)
    b, d, n, length = 2, 8, 4, 100

    def rand(*shape, scale=1.0):
        return torch.randn(*shape, generator=gen) * scale

    u, delta, z = rand(b, d, length), rand(b, d, length), rand(b, d, length)
    A = -torch.rand(d, n, generator=gen) * 2 - 0.1
    B, C = rand(b, n, length), rand(b, n, length)
    D, bias = rand(d), rand(d, scale=0.5)
    inputs = (u, delta, A, B, C, D, z, bias)
    weight = torch.randn(b, d, length, generator=gen)
    grads = (0, 1, 2, 3, 4)
    labels = ('output', 'grad_u', 'grad_delta', 'grad_A', 'grad_B', 'grad_C')

    def ref_fn(*args):
        return selective_scan_sequential(*args, delta_softplus=True)

    ref = _run(ref_fn, [x.double() for x in inputs], grads, weight.double())
    results = []
    for impl in ('parallel', 'chunked'):

        def fn(*args):
            return selective_scan(
                *args, delta_softplus=True, impl=impl, chunk_size=32)

        out = _run(fn, [x.to(device) for x in inputs], grads,
                   weight.to(device))
        results.append(
            _compare(
                f'selective_scan {impl} L={length}',
                out,
                ref,
                atol=1e-4,
                rtol=1e-4,
                compared=f'{impl} {device} fp32 vs sequential cpu fp64',
                labels=labels))
    return results


def check_deformable_attention(device: torch.device,
                               seed: int = 0) -> List[Dict]:
    """:class:`~mmvb.models.DeformableAudioAttention` (offset generation,
    bilinear key sampling, deformable relative position bias) on ``device``
    (float32) vs on the CPU (float64), with random non-zero weights so the
    offsets move the keys off the grid: output and the gradients of the
    input and of every parameter."""
    gen = torch.Generator().manual_seed(seed)
    attn = DeformableAudioAttention(
        embed_dims=32,
        num_heads=4,
        feat_size=(6, 10),
        num_groups=2,
        downsample_ratio=2)
    with torch.no_grad():
        for p in attn.parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * 0.3)
    hw = (6, 10)
    x = torch.randn(2, hw[0] * hw[1], 32, generator=gen)
    weight = torch.randn(2, hw[0] * hw[1], 32, generator=gen)
    names = [n for n, _ in attn.named_parameters()]

    def run(module, inputs, w):
        params = list(module.parameters())
        inputs = inputs.detach().requires_grad_(True)
        out = module(inputs, hw)
        grads = torch.autograd.grad((out * w.to(out)).sum(), [inputs] + params)
        return [out.detach()] + [g.detach() for g in grads]

    out = run(copy.deepcopy(attn).to(device), x.to(device), weight.to(device))
    ref = run(attn.double(), x.double(), weight.double())
    return [
        _compare(
            'deformable attention (AOG + grid_sample + bias)',
            out,
            ref,
            atol=1e-4,
            rtol=1e-4,
            compared=f'DeformableAudioAttention {device} fp32 vs cpu fp64',
            labels=['output', 'grad_input'] + [f'grad_{n}' for n in names])
    ]


def check_fbank(device: torch.device, seed: int = 0) -> List[Dict]:
    """:func:`mmvb.ops.fbank.kaldi_fbank` with AST/DATAR's arguments on
    ``device`` (float32) vs on the CPU (float64), one second of tones in
    noise at 16 kHz."""
    gen = torch.Generator().manual_seed(seed)
    t = torch.arange(16000, dtype=torch.float64) / 16000
    wave = 0.3 * torch.sin(2 * torch.pi * 440 * t) + 0.1 * torch.sin(
        2 * torch.pi * 3100 * t)
    wave = (wave.float() + 0.05 * torch.randn(16000, generator=gen))[None]
    ref = kaldi_fbank(wave.double(), **AST_FBANK_ARGS)
    out = kaldi_fbank(wave.to(device), **AST_FBANK_ARGS)
    return [
        _compare(
            'fbank (AST/DATAR arguments, 128 mel bins)', [out], [ref],
            atol=1e-3,
            rtol=1e-4,
            compared=f'kaldi_fbank {device} fp32 vs cpu fp64')
    ]


#: Checks run by :func:`check_op_parity`, in order.
OP_CHECKS = dict(
    roi_align=check_roi_align,
    roi_align_torchvision=check_roi_align_torchvision,
    selective_scan=check_selective_scan,
    deformable_attention=check_deformable_attention,
    fbank=check_fbank)


def check_op_parity(device: torch.device, seed: int = 0) -> List[Dict]:
    """Run every check of :data:`OP_CHECKS` on ``device``.

    Args:
        device (torch.device): Device under test.
        seed (int): Seed of the random inputs. Defaults to 0.

    Returns:
        list[dict]: One entry per comparison: ``op``, ``compared``, ``ok``
        (None when skipped), ``worst_err_over_tol`` (the largest error over
        its tolerance) and per-tensor ``detail``; a check that raises gives
        an entry with ``ok=False`` and ``error``.
    """
    device = torch.device(device)
    results = []
    with no_tf32():
        for name, check in OP_CHECKS.items():
            try:
                results += check(device, seed)
            except Exception as e:
                results.append(
                    dict(
                        op=name,
                        compared='error',
                        ok=False,
                        error=f'{type(e).__name__}: {e}'))
    return results
