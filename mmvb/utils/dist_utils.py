# Copyright (c) mmvb contributors. All rights reserved.
"""Process-group teardown for distributed runs."""
from datetime import timedelta

import torch.distributed as torch_dist


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
