# Copyright (c) mmvb contributors. All rights reserved.
"""Timing helpers shared by ``tools/analysis/benchmark.py`` and
``tools/analysis/gpu_check.py``."""
import time
from typing import Callable, List, Optional

import torch

#: Autocast dtypes by short name (``fp32``: no autocast).
AUTOCAST_DTYPES = dict(fp32=None, fp16=torch.float16, bf16=torch.bfloat16)


def synchronize(device: torch.device) -> None:
    """Wait for the queued kernels of ``device`` (no-op on CPU)."""
    device = torch.device(device)
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def time_steps(step: Callable[[], object],
               device: torch.device,
               warmup: int,
               repeats: int,
               iters: int,
               clock: Callable[[], float] = time.perf_counter,
               deadline: Optional[float] = None) -> List[float]:
    """Seconds per step of each timed repeat.

    Runs ``warmup`` untimed steps, then ``repeats`` repeats of ``iters``
    steps, synchronising ``device`` before reading ``clock`` at the end of
    each repeat.

    Args:
        step (callable): One step (no arguments).
        device (torch.device): Device to synchronise.
        warmup (int): Untimed steps first.
        repeats (int): Timed repeats.
        iters (int): Steps per repeat.
        clock (callable): Time source. Defaults to ``time.perf_counter``.
        deadline (float, optional): A ``time.monotonic()`` value; once it has
            passed, no further repeat starts (the warm-up and the first
            repeat always run). Defaults to None (no deadline).

    Returns:
        list[float]: Seconds per step of each completed repeat.
    """
    for _ in range(warmup):
        step()
    synchronize(device)
    times = []
    for _ in range(repeats):
        if times and deadline is not None and time.monotonic() > deadline:
            break
        start = clock()
        for _ in range(iters):
            step()
        synchronize(device)
        times.append((clock() - start) / iters)
    return times


def device_name(device: torch.device) -> str:
    """``torch.cuda.get_device_name`` on CUDA, else ``'cpu'``."""
    device = torch.device(device)
    if device.type == 'cuda':
        return torch.cuda.get_device_name(device)
    return device.type


def peak_memory_gib(device: torch.device) -> Optional[float]:
    """Peak allocated memory (GiB) since the last reset on CUDA; None on
    other devices (not measured)."""
    device = torch.device(device)
    if device.type == 'cuda':
        return torch.cuda.max_memory_allocated(device) / 2**30
    return None


def reset_peak_memory(device: torch.device) -> None:
    """Reset the peak-memory counter of a CUDA device (no-op elsewhere)."""
    device = torch.device(device)
    if device.type == 'cuda':
        torch.cuda.reset_peak_memory_stats(device)
