# Copyright (c) mmvb contributors. All rights reserved.
"""Distributed helpers: process-group teardown, mean over processes."""
import gc
from datetime import timedelta

import torch.distributed as torch_dist
from mmengine.dist import all_reduce, get_world_size
from torch import Tensor


def release_process_group(timeout: float = 300.0) -> None:
    """Wait for every rank, destroy the default process group and free it.

    mmengine never destroys the process group it creates. With the gloo
    backend (CPU runs of ``tools/dist_train.sh``) the group owns three C++
    threads (``gloo_tcp_loop`` and two ``pt_gloo_runloop``). Destroying the
    group only drops the registry's reference: a
    ``DistributedDataParallel`` model still holds the group, so the threads
    live on until the interpreter's own teardown, where a rank can abort
    (``terminate called without an active exception``, SIGABRT) after the
    job itself has finished. So this waits for all ranks, destroys the
    group and then collects garbage, which frees a model (a runner) that is
    no longer referenced and with it the group and its threads, while the
    interpreter is still fully alive. Callers drop their runner first
    (``del runner``), as the training and testing tools do;
    :mod:`mmvb.utils.compat` registers this to run at exit whenever
    mmengine's launcher initialises a group, when the runner of any script
    is garbage. A no-op for non-distributed runs.

    Args:
        timeout (float): Seconds to wait for the other ranks (gloo's
            ``monitored_barrier``; a rank that never arrives raises rather
            than hanging). Defaults to 300.
    """
    if not (torch_dist.is_available() and torch_dist.is_initialized()):
        return
    try:
        if torch_dist.get_backend() == 'gloo':
            torch_dist.monitored_barrier(timeout=timedelta(seconds=timeout))
        else:
            torch_dist.barrier()
    finally:
        torch_dist.destroy_process_group()
        gc.collect()


def reduce_mean(value: Tensor) -> Tensor:
    """Mean of a tensor over all processes (a copy; itself when alone).

    The distributed normaliser of the set-prediction losses: every rank
    divides its loss sums by the same number of ground-truth boxes
    (mmdet's ``reduce_mean``).

    Args:
        value (Tensor): Any tensor (usually a count).

    Returns:
        Tensor: Its mean over the processes of the default group.
    """
    if get_world_size() > 1:
        value = value.clone()
        all_reduce(value, op='mean')
    return value
