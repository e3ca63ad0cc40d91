# Copyright (c) mmvb contributors. All rights reserved.
"""Process-group teardown for the training/testing entry points."""
import torch.distributed as torch_dist


def release_process_group() -> None:
    """Wait for every rank, then destroy the default process group.

    mmengine never destroys the process group it creates. With the gloo
    backend (CPU runs of ``tools/dist_train.sh``) the interpreter can then
    tear down gloo's worker threads while they are still joinable, and a
    rank aborts at exit with ``terminate called without an active
    exception`` after the job itself has finished. Destroying the group
    explicitly at the end of ``tools/train.py``/``tools/test.py`` removes
    that race. A no-op for non-distributed runs.
    """
    if torch_dist.is_available() and torch_dist.is_initialized():
        torch_dist.barrier()
        torch_dist.destroy_process_group()
