# Copyright (c) mmvb contributors. All rights reserved.
"""Collect the spatial attention maps that attention modules produce.

Attention modules (:class:`~mmvb.models.layers.W3Attention`,
:class:`~mmvb.models.layers.CBAM`) call :func:`record_attention_map` with
their spatial mask; code that wants the masks opens
:func:`collect_attention_maps` around a forward pass and receives
``(module, mask)`` pairs in call order. Nothing is stored on the modules, so
models stay stateless between forward passes (safe to deep-copy, to
checkpoint activations and to run in several threads), and collectors nest:
a backbone that collects its own masks (the W3 feature refinement) and a
visualisation tool that wraps the whole model both see every mask.

Example::

    with collect_attention_maps() as maps:
        model(inputs, mode='tensor')
    for module, mask in maps:
        ...  # mask: [N * T, 1, H, W]
"""
import contextvars
from contextlib import contextmanager
from typing import Iterator, List, Tuple

from torch import Tensor, nn

AttentionMaps = List[Tuple[nn.Module, Tensor]]

_COLLECTORS: contextvars.ContextVar = contextvars.ContextVar(
    'mmvb_attention_map_collectors', default=())


@contextmanager
def collect_attention_maps() -> Iterator[AttentionMaps]:
    """Collect ``(module, mask)`` pairs recorded inside the ``with`` block.

    Yields:
        list[tuple[nn.Module, Tensor]]: Filled while the block runs.
    """
    maps: AttentionMaps = []
    token = _COLLECTORS.set(_COLLECTORS.get() + (maps, ))
    try:
        yield maps
    finally:
        _COLLECTORS.reset(token)


def record_attention_map(module: nn.Module, mask: Tensor) -> None:
    """Hand ``mask`` (produced by ``module``) to every open collector; a
    no-op when none is open."""
    for maps in _COLLECTORS.get():
        maps.append((module, mask))
