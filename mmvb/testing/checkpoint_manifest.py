# Copyright (c) mmvb contributors. All rights reserved.
"""Key -> shape manifests of published checkpoints.

No pretrained weights can be downloaded in tests, but the *layout* of a
published checkpoint (its key names, shapes, dtypes and the dict that wraps
them) decides whether mmvb's converters and loaders work on it. A manifest
records that layout, produced by instantiating the official model definition
from its public repository (the scripts in ``tools/model_converters/
manifests/`` name repository and commit); :func:`state_dict_from_manifest`
then builds a random state dict with exactly that layout, which tests feed
through mmvb's converters and loaders.

A manifest is a JSON file::

    {
      "format": "mmvb-checkpoint-manifest/1",
      "name": "dat_base_in1k_224",
      "source": {"repository": "LeapLabTHU/DAT", "commit": "797f187...",
                 "definition": "models/dat.py::DAT(...)",
                 "script": "tools/model_converters/manifests/dat.py",
                 "checkpoint": "dat_base_in1k_224.pth (release page)"},
      "wrapper": "model",          # the file holds {"model": state_dict};
                                   # null: the file is the state dict
      "keys": {"patch_proj.0.weight": [[128, 3, 4, 4], "float32"], ...}
    }
"""
import json
import math
import os.path as osp
import re
from collections import OrderedDict
from typing import Dict, Mapping, Optional, Sequence, Tuple, Union

import torch
from torch import Tensor, nn

FORMAT = 'mmvb-checkpoint-manifest/1'

__all__ = [
    'FORMAT', 'make_manifest', 'write_manifest', 'load_manifest',
    'state_dict_from_manifest', 'checkpoint_from_manifest'
]


def make_manifest(model_or_state_dict: Union[nn.Module, Mapping[str, Tensor]],
                  name: str,
                  source: Dict[str, str],
                  wrapper: Optional[str] = None) -> Dict:
    """The manifest of a model's state dict (or of a state dict).

    Args:
        model_or_state_dict (nn.Module | Mapping[str, Tensor]): The official
            model, instantiated from its definition, or its state dict.
        name (str): Name of the published checkpoint file (without suffix).
        source (dict): ``repository``, ``commit``, ``definition`` (file and
            constructor call), ``script`` (the script that made the
            manifest) and optionally ``checkpoint`` (where the weights are
            published).
        wrapper (str, optional): Key under which the published file holds
            the state dict (``'model'``, ``'state_dict'``), or None when the
            file is the state dict itself. Defaults to None.

    Returns:
        dict: The manifest.
    """
    for field in ('repository', 'commit', 'definition', 'script'):
        if field not in source:
            raise KeyError(f'manifest source of {name!r} lacks {field!r}')
    state_dict = (
        model_or_state_dict.state_dict()
        if isinstance(model_or_state_dict, nn.Module) else model_or_state_dict)
    keys = OrderedDict(
        (key, [list(value.shape),
               str(value.dtype).replace('torch.', '')])
        for key, value in state_dict.items())
    return dict(
        format=FORMAT,
        name=name,
        source=dict(source),
        wrapper=wrapper,
        keys=keys)


def write_manifest(manifest: Dict, path: str) -> None:
    """Write a manifest as JSON, one key per line (diff-friendly)."""
    head = {k: v for k, v in manifest.items() if k != 'keys'}
    lines = [json.dumps(head, indent=2)[:-2] + ',', '  "keys": {']
    items = list(manifest['keys'].items())
    for i, (key, value) in enumerate(items):
        comma = ',' if i < len(items) - 1 else ''
        lines.append(f'    {json.dumps(key)}: {json.dumps(value)}{comma}')
    lines += ['  }', '}']
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def load_manifest(path: str) -> Dict:
    """Read and check a manifest.

    Raises:
        ValueError: The file is not a manifest (names the file and field).
    """
    with open(path) as f:
        manifest = json.load(f, object_pairs_hook=OrderedDict)
    if manifest.get('format') != FORMAT:
        raise ValueError(f'{path}: "format" is {manifest.get("format")!r}, '
                         f'expected {FORMAT!r}')
    for field in ('name', 'source', 'keys'):
        if field not in manifest:
            raise ValueError(f'{path}: missing field {field!r}')
    for key, value in manifest['keys'].items():
        if (not isinstance(value, list) or len(value) != 2
                or not isinstance(value[0], list)):
            raise ValueError(f'{path}: key {key!r}: expected '
                             f'[shape, dtype], got {value!r}')
    return manifest


def state_dict_from_manifest(
    manifest: Union[str, Dict],
    seed: int = 0,
    std: float = 0.02,
    overrides: Optional[Sequence[Tuple[str, float, float]]] = None
) -> 'OrderedDict[str, Tensor]':
    """A random state dict with the manifest's keys, shapes and dtypes.

    Floating tensors are ``N(0, std^2)``, integer and boolean ones zeros
    (they are index buffers or counters, which loaders keep or recompute).

    ``overrides`` give chosen tensors another distribution, e.g. LayerNorm
    weights near 1 so that a network on random weights is not degenerate
    (output parity tests): the first ``(pattern, mean, std)`` whose regular
    expression ``re.search``-es a key makes it ``N(mean, std^2)``. The same
    random numbers are drawn with or without overrides, so keys no pattern
    matches get the same values either way.

    Args:
        manifest (str | dict): Manifest or its path.
        seed (int): Seed of the values. Defaults to 0.
        std (float): Standard deviation of the floating values.
            Defaults to 0.02.
        overrides (Sequence[tuple[str, float, float]], optional):
            ``(pattern, mean, std)`` rules. Defaults to None.

    Returns:
        OrderedDict[str, Tensor]: The state dict.
    """
    if isinstance(manifest, str):
        manifest = load_manifest(manifest)
    rules = [(re.compile(p), float(m), float(s))
             for p, m, s in (overrides or ())]
    generator = torch.Generator().manual_seed(seed)
    state_dict = OrderedDict()
    for key, (shape, dtype) in manifest['keys'].items():
        dtype = getattr(torch, dtype)
        if dtype.is_floating_point:
            mean, scale = 0.0, std
            for pattern, rule_mean, rule_std in rules:
                if pattern.search(key):
                    mean, scale = rule_mean, rule_std
                    break
            value = torch.randn(shape, generator=generator) * scale + mean
            state_dict[key] = value.to(dtype)
        else:
            state_dict[key] = torch.zeros(shape, dtype=dtype)
    return state_dict


def checkpoint_from_manifest(manifest: Union[str, Dict],
                             seed: int = 0) -> Dict:
    """A random checkpoint laid out as the published file.

    The state dict of :func:`state_dict_from_manifest`, wrapped under the
    manifest's ``wrapper`` key when it has one.
    """
    if isinstance(manifest, str):
        manifest = load_manifest(manifest)
    state_dict = state_dict_from_manifest(manifest, seed)
    wrapper = manifest.get('wrapper')
    return {wrapper: state_dict} if wrapper else state_dict


def weights_checksum(state_dict: Mapping[str, Tensor]) -> float:
    """Sum of ``|value|`` over the floating tensors (float64): a fingerprint
    of the random weights a parity fixture was made with."""
    return float(
        sum(v.double().abs().sum() for v in state_dict.values()
            if v.is_floating_point()))


def load_parity_fixture(path: str, data_root: str,
                        script: str) -> Tuple[Dict, Dict, Dict, Tensor]:
    """Load a parity fixture and rebuild the weights and input it used.

    A parity fixture (written by a script in
    ``tools/model_converters/manifests``) stores the official code's
    outputs for random weights drawn from a manifest (``manifest``,
    ``seed``, ``overrides``) and a seeded input (``input``: ``shape``,
    ``seed``, ``checksum``), with ``weights_checksum``.

    Args:
        path (str): The fixture (``torch.save`` of a dict).
        data_root (str): Folder the fixture's ``manifest`` path is
            relative to.
        script (str): The script that writes the fixture (named when the
            weights no longer match, e.g. after torch changed its random
            generator).

    Returns:
        tuple: the fixture, the manifest, the state dict and the input.

    Raises:
        ValueError: The rebuilt weights or input differ from the fixture's.
    """
    fixture = torch.load(path)
    manifest = load_manifest(osp.join(data_root, fixture['manifest']))
    state = state_dict_from_manifest(
        manifest, seed=fixture['seed'], overrides=fixture['overrides'])
    if not math.isclose(
            weights_checksum(state), fixture['weights_checksum'],
            rel_tol=1e-12):
        raise ValueError(
            f'{path}: the random weights differ from those the fixture was '
            f'made with (torch changed its random generator?): rerun '
            f'{script}')
    spec = fixture['input']
    inputs = torch.randn(
        *spec['shape'], generator=torch.Generator().manual_seed(spec['seed']))
    if not math.isclose(
            float(inputs.double().abs().sum()), spec['checksum'],
            rel_tol=1e-12):
        raise ValueError(f'{path}: the seeded input differs from the '
                         f'fixture\'s: rerun {script}')
    return fixture, manifest, state, inputs
