# Copyright (c) mmvb contributors. All rights reserved.
import os.path as osp
import subprocess
import sys

import pytest
import torch.distributed as dist

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


_GLOO_WORKER = '''
import os, sys
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from mmvb.utils import release_process_group


def gloo_threads():
    names = []
    for tid in os.listdir('/proc/self/task'):
        try:
            with open(f'/proc/self/task/{tid}/comm') as f:
                names.append(f.read().strip())
        except OSError:  # the thread ended meanwhile
            pass
    return sum('gloo' in name for name in names)


class Holder:
    """Model and self in a reference cycle, as a runner and its hooks."""

    def __init__(self):
        self.model = DistributedDataParallel(torch.nn.Linear(3, 1))
        self.me = self


dist.init_process_group('gloo')
holder = Holder()
holder.model(torch.ones(2, 3)).sum().backward()
before = gloo_threads()
del holder  # garbage, but kept alive by its cycle
release_process_group()
print('gloo threads', before, gloo_threads())
'''


@pytest.mark.skipif(
    not osp.isdir('/proc/self/task'), reason='thread names from /proc')
def test_release_frees_the_gloo_threads_of_a_ddp_model(tmp_path, free_port,
                                                       tool_env):
    """A DDP model keeps the group (and its C++ threads) alive after
    ``destroy_process_group``; left to interpreter teardown they can abort a
    rank at exit. ``release_process_group`` frees them while Python runs."""
    script = tmp_path / 'worker.py'
    script.write_text(_GLOO_WORKER)
    env = tool_env(
        MASTER_ADDR='127.0.0.1', MASTER_PORT=free_port, WORLD_SIZE=2)
    procs = [
        subprocess.Popen([sys.executable, str(script)],
                         env=dict(env, RANK=str(rank)),
                         stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT,
                         text=True) for rank in (0, 1)
    ]
    outs = [proc.communicate(timeout=120)[0] for proc in procs]
    for proc, out in zip(procs, outs):
        assert proc.returncode == 0, out
        before, after = map(int, out.split('gloo threads')[1].split())
        assert before >= 1, out  # the group runs its own threads
        assert after == 0, out
