# Copyright (c) mmvb contributors. All rights reserved.
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
