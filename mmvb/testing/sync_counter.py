# Copyright (c) mmvb contributors. All rights reserved.
"""Count the operations that make the host wait for a CUDA device, on CPU.

``torch.cuda.set_sync_debug_mode`` needs a GPU. :class:`HostSyncCounter`
recognises the same operations on any device, by what they are:

* values read by the host: ``item``, ``bool(t)``, ``int(t)``, ``float(t)``
  (``aten::_local_scalar_dense``, also inside library code), ``tolist``,
  ``torch.equal``; printing a tensor;
* outputs whose shape depends on values: ``nonzero`` / ``argwhere`` /
  one-argument ``where``, ``masked_select``, indexing with a boolean mask
  (``aten::index`` / ``index_put``), ``unique``, ``repeat_interleave`` with
  tensor repeats and no ``output_size``, ``bincount``;
* copies between host and device: ``.cpu()``,
  ``.to('cpu')`` (device -> host; ``.to(t.device)``, the move to where the
  computation runs, is not counted), and tensors made from host data inside
  the measured code (``torch.tensor``, ``as_tensor``, ``asarray``,
  ``new_tensor``, ``from_numpy``, indexing with a Python list): a blocking
  host -> device copy when the code runs on a GPU. Copies made by
  :func:`mmvb.utils.host_to_device` (pinned memory, ``non_blocking``) do not
  make the host wait; they are counted apart, as ``'async_to_device'``, and
  not in :attr:`HostSyncCounter.total`.

Python-level calls are seen through a ``TorchFunctionMode`` and ATen
operators (also those that ``torch.nn.functional`` and C++ code call)
through a ``TorchDispatchMode``. A device -> host copy by a kernel that
needs no Python or ATen call (e.g. inside a C++ backward) is not seen.
"""
import traceback
from collections import Counter, defaultdict
from typing import Dict, List

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

__all__ = ['HostSyncCounter']

_aten = torch.ops.aten
_DISPATCH = {
    _aten._local_scalar_dense.default: 'item',
    _aten.is_nonzero.default: 'item',
    _aten.equal.default: 'item',
    _aten.nonzero.default: 'nonzero',
    _aten.argwhere.default: 'nonzero',
    _aten.masked_select.default: 'masked_select',
    _aten._unique2.default: 'unique',
    _aten.unique_dim.default: 'unique',
    _aten.unique_consecutive.default: 'unique',
    _aten.bincount.default: 'bincount',
}
_FROM_HOST = {'tensor', 'as_tensor', 'asarray', 'new_tensor', 'from_numpy'}
_TO_HOST = {'cpu'}
_PRINT = {'__format__', '__repr__', '__str__'}


def _is_bool_index(indices) -> bool:
    return any(
        isinstance(i, torch.Tensor) and i.dtype in (torch.bool, torch.uint8)
        for i in indices if i is not None)


def _has_host_index(index) -> bool:
    items = index if isinstance(index, tuple) else (index, )
    return any(
        isinstance(i, list) or type(i).__module__ == 'numpy'
        and hasattr(i, 'shape') and getattr(i, 'ndim', 0) > 0 for i in items)


class _DispatchCounter(TorchDispatchMode):

    def __init__(self, owner: 'HostSyncCounter') -> None:
        super().__init__()
        self.owner = owner

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        kind = _DISPATCH.get(func)
        if func in (_aten.index.Tensor, _aten.index_put.default,
                    _aten.index_put_.default, _aten._index_put_impl_.default):
            if _is_bool_index(args[1]):
                kind = 'bool_index'
        elif func is _aten.repeat_interleave.Tensor:
            if kwargs.get('output_size') is None:
                kind = 'repeat_interleave'
        elif func is _aten.repeat_interleave.self_Tensor:
            if kwargs.get('output_size') is None and len(args) < 4:
                kind = 'repeat_interleave'
        if kind is not None:
            self.owner._record(kind, func)
        return func(*args, **kwargs)


class HostSyncCounter(TorchFunctionMode):
    """Context manager counting host-device synchronisation points.

    Example::

        with HostSyncCounter() as syncs:
            model(inputs, data_samples, mode='loss')
        assert syncs.total == 0, syncs.report()

    Attributes:
        counts (Counter): Number of operations per kind (``'item'``,
            ``'tolist'``, ``'nonzero'``, ``'masked_select'``,
            ``'bool_index'``, ``'unique'``, ``'repeat_interleave'``,
            ``'bincount'``, ``'to_host'``, ``'from_host'``,
            ``'host_index'``, ``'print'``, ``'async_to_device'``).
        sites (dict[str, list[str]]): For each kind, where the operations
            happened (``file:line`` of the nearest frame outside torch).
    """

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter = Counter()
        self.sites: Dict[str, List[str]] = defaultdict(list)
        self._dispatch = _DispatchCounter(self)
        self._from_numpy = None

    @property
    def total(self) -> int:
        """Operations that make the host wait (all but
        ``'async_to_device'``)."""
        return sum(n for kind, n in self.counts.items()
                   if kind != 'async_to_device')

    def report(self) -> str:
        """Counts and sites, one kind a line."""
        return '\n'.join(f'{kind}: {n} at {sorted(set(self.sites[kind]))}'
                         for kind, n in sorted(self.counts.items()))

    def _record(self, kind: str, func) -> None:
        site = getattr(func, '__name__', str(func))
        for frame in reversed(traceback.extract_stack()[:-2]):
            name = frame.filename.replace('\\', '/')
            if '/torch/' not in name and not name.endswith('sync_counter.py'):
                site = f'{name.rsplit("/", 1)[-1]}:{frame.lineno}'
                if kind == 'from_host' and frame.name == 'host_to_device':
                    kind = 'async_to_device'
                break
        self.counts[kind] += 1
        self.sites[kind].append(site)

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, '__name__', '')
        if name == 'tolist':
            self._record('tolist', func)
        elif name in _TO_HOST:
            self._record('to_host', func)
        elif name == 'to' and _to_cpu(args, kwargs):
            self._record('to_host', func)
        elif name in _FROM_HOST and args and not isinstance(
                args[-1] if name == 'new_tensor' else args[0], torch.Tensor):
            self._record('from_host', func)
        elif name in ('__getitem__',
                      '__setitem__') and len(args) > 1 and _has_host_index(
                          args[1]):
            self._record('host_index', func)
        elif name in _PRINT:
            self._record('print', func)
        return func(*args, **kwargs)

    def __enter__(self):
        self._from_numpy = torch.from_numpy
        counter = self

        def from_numpy(array):
            counter._record('from_host', from_numpy)
            return counter._from_numpy(array)

        torch.from_numpy = from_numpy
        self._dispatch.__enter__()
        return super().__enter__()

    def __exit__(self, *exc):
        try:
            super().__exit__(*exc)
        finally:
            self._dispatch.__exit__(*exc)
            torch.from_numpy = self._from_numpy


def _to_cpu(args, kwargs) -> bool:
    """``.to('cpu')`` (a string). ``.to(t.device)`` moves data to where the
    computation runs (a no-op there) and is not counted."""
    values = list(args[1:]) + [kwargs.get('device')]
    return any(isinstance(v, str) and v.startswith('cpu') for v in values)
