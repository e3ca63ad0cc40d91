# Copyright (c) mmvb contributors. All rights reserved.
import numpy as np
import torch
import torch.nn.functional as F

from mmvb.testing import HostSyncCounter
from mmvb.utils import host_to_device


def _count(fn):
    with HostSyncCounter() as syncs:
        fn()
    return dict(syncs.counts)


def test_each_kind_is_seen():
    x = torch.randn(6)
    mask = x > 0
    assert _count(lambda: x.sum().item()) == {'item': 1}
    assert _count(lambda: bool(x[0] > 0)) == {'item': 1}
    assert _count(lambda: float(x[0]) + int(x[1] > 0)) == {'item': 2}
    assert _count(lambda: x.tolist()) == {'tolist': 1}
    assert _count(lambda: x.nonzero()) == {'nonzero': 1}
    assert _count(lambda: torch.where(mask)) == {'nonzero': 1}
    assert _count(lambda: x[mask]) == {'bool_index': 1}
    assert _count(lambda: x.masked_select(mask)) == {'masked_select': 1}
    assert _count(lambda: x.clone().__setitem__(mask, 0.0)) == {
        'bool_index': 1
    }
    assert _count(lambda: x.round().unique()) == {'unique': 1}
    assert _count(
        lambda: x.repeat_interleave(torch.ones(6, dtype=torch.long))) == {
            'repeat_interleave': 1
        }
    assert _count(lambda: x.cpu()) == {'to_host': 1}
    assert _count(lambda: x.to('cpu')) == {'to_host': 1}
    assert _count(lambda: torch.tensor([1.0, 2.0])) == {'from_host': 1}
    assert _count(lambda: x.new_tensor([1.0])) == {'from_host': 1}
    assert _count(lambda: torch.from_numpy(np.zeros(3))) == {'from_host': 1}
    assert _count(lambda: x[[0, 2]]) == {'host_index': 1}
    assert _count(lambda: torch.equal(x, x)) == {'item': 1}
    assert _count(lambda: f'{x[0]:.1f}') == {'print': 1, 'item': 1}


def test_inside_library_code_and_backward():
    x = torch.randn(4, 5, requires_grad=True)
    mask = torch.rand(4, 5) > 0.5

    def masked_loss():
        x[mask].sum().backward()  # the backward scatters by the mask again

    counts = _count(masked_loss)
    assert counts['bool_index'] >= 2
    # syncs inside torch.nn.functional are seen (ATen level): one_hot reads
    # the smallest and largest label
    labels = torch.tensor([0, 2])
    assert _count(lambda: F.one_hot(labels)).get('item', 0) >= 1


def test_sync_free_code_counts_nothing():
    x = torch.randn(8, 4)
    mask = x > 0

    def clean():
        y = torch.where(mask, x, torch.zeros(()))
        z = (y * mask).sum() / mask.sum().clamp(min=1)
        _ = x.topk(2, dim=0).indices
        _ = x.repeat_interleave(2, dim=0)
        _ = x.to(x.device)
        return z

    with HostSyncCounter() as syncs:
        clean()
    assert syncs.total == 0 and not syncs.counts, syncs.report()


def test_pinned_async_copies_are_counted_apart():
    from_numpy = torch.from_numpy
    with HostSyncCounter() as syncs:
        out = host_to_device([[1, 2], [3, 4]], 'cpu', torch.float32)
    assert out.dtype == torch.float32 and out.tolist() == [[1, 2], [3, 4]]
    assert dict(syncs.counts) == {'async_to_device': 1}
    assert syncs.total == 0
    assert syncs.sites['async_to_device'][0].startswith('transfer.py:')
    assert torch.from_numpy is from_numpy  # restored
