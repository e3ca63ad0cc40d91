# Copyright (c) mmvb contributors. All rights reserved.
import gc
import os
import os.path as osp

import pytest
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from mmvb.utils import release_process_group


def test_release_process_group(free_port):
    release_process_group()  # no group: nothing to do
    dist.init_process_group(
        'gloo',
        init_method=f'tcp://127.0.0.1:{free_port}',
        rank=0,
        world_size=1)
    assert dist.is_initialized()
    release_process_group()
    assert not dist.is_initialized()


def _gloo_threads() -> int:
    """Threads of this process that the gloo backend runs."""
    count = 0
    for tid in os.listdir('/proc/self/task'):
        try:
            with open(f'/proc/self/task/{tid}/comm') as f:
                count += 'gloo' in f.read()
        except OSError:  # the thread ended meanwhile
            pass
    return count


class _Holder:
    """A DDP model in a reference cycle, as a runner and its hooks."""

    def __init__(self):
        self.model = DistributedDataParallel(torch.nn.Linear(3, 1))
        self.me = self


@pytest.mark.skipif(
    not osp.isdir('/proc/self/task'), reason='thread names from /proc')
def test_release_frees_the_gloo_threads_of_a_ddp_model(free_port):
    """A DDP model keeps the group (and its C++ threads) alive after
    ``destroy_process_group``; left to interpreter teardown they can abort a
    rank at exit. ``release_process_group`` frees them while Python runs."""
    gc.collect()  # groups that earlier tests left as garbage
    baseline = _gloo_threads()
    dist.init_process_group(
        'gloo',
        init_method=f'tcp://127.0.0.1:{free_port}',
        rank=0,
        world_size=1)
    holder = _Holder()
    holder.model(torch.ones(2, 3)).sum().backward()
    assert _gloo_threads() > baseline  # the group runs its own threads
    del holder  # garbage, but kept alive by its cycle
    release_process_group()
    assert not dist.is_initialized()
    assert _gloo_threads() == baseline
