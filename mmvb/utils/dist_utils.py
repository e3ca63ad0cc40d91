# Copyright (c) mmvb contributors. All rights reserved.
"""Distributed helpers: process-group teardown, mean over processes."""
from datetime import timedelta

import torch.distributed as torch_dist
from mmengine.dist import all_reduce, get_world_size
from torch import Tensor


def release_process_group(timeout: float = 300.0) -> None:
    """Wait for every rank, then destroy the default process group.

    mmengine never destroys the process group it creates. With the gloo
    backend (CPU runs of ``tools/dist_train.sh``) a rank that exits while
    its peers still hold the connection can abort at interpreter exit with
    ``terminate called without an active exception``, after the job itself
    has finished. Waiting for all ranks and destroying the group explicitly
    removes that race. :mod:`mmvb.utils.compat` registers this to run at
    exit whenever mmengine's launcher initialises a group; the training and
    testing tools also call it when they are done. A no-op for
    non-distributed runs.

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
