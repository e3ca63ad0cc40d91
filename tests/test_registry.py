# Copyright (c) mmvb contributors. All rights reserved.
"""mmvb registers into mmaction's registries without name clashes."""
import glob
import os.path as osp
import re
from importlib.util import find_spec

import mmaction.registry as mmaction_registry
import pytest
from mmengine.registry import Registry

import mmvb
from mmvb.utils import register_all_modules

UPSTREAM = ('mmaction', 'mmengine', 'mmcv', 'mmpretrain', 'mmdet', 'mmpose')
CLASS_RE = re.compile(r'^class\s+(\w+)', re.MULTILINE)


def _upstream_class_names() -> set:
    """Names of every class defined in the upstream packages' sources
    (scanned as text, so modules that fail to import count too)."""
    names = set()
    for pkg in UPSTREAM:
        spec = find_spec(pkg)
        if spec is None or spec.origin is None:
            continue
        root = osp.dirname(spec.origin)
        for path in glob.glob(osp.join(root, '**', '*.py'), recursive=True):
            if f'{osp.sep}.mim{osp.sep}' in path:
                continue
            with open(path, encoding='utf-8', errors='ignore') as f:
                names.update(CLASS_RE.findall(f.read()))
    return names


def _mmvb_entries():
    for attr in dir(mmaction_registry):
        registry = getattr(mmaction_registry, attr)
        if not isinstance(registry, Registry):
            continue
        for name, obj in registry.module_dict.items():
            if getattr(obj, '__module__', '').startswith('mmvb'):
                yield attr, name, obj


def test_register_all_modules_after_mmvb():
    register_all_modules()  # imports all of mmaction2: no duplicate names
    entries = list(_mmvb_entries())
    registries = {attr for attr, _, _ in entries}
    assert {'MODELS', 'METRICS', 'TASK_UTILS'} <= registries
    assert mmvb.__version__


def test_no_name_clashes_with_upstream():
    upstream = _upstream_class_names()
    assert 'TSMHead' in upstream and 'VisionTransformer' in upstream
    clashes = sorted(f'{attr}.{name}' for attr, name, _ in _mmvb_entries()
                     if name in upstream)
    assert not clashes, (
        f'mmvb registers names that upstream packages define: {clashes}; '
        'rename them (a later upstream import would raise KeyError, or '
        'configs would silently pick the wrong class)')


@pytest.mark.parametrize('attr', ['MODELS', 'METRICS', 'TRANSFORMS'])
def test_mmvb_names_resolve_with_default_scope(attr):
    from mmengine.registry import DefaultScope
    registry = getattr(mmaction_registry, attr)
    with DefaultScope.overwrite_default_scope('mmaction'):
        for reg_attr, name, obj in _mmvb_entries():
            if reg_attr == attr:
                assert registry.get(name) is obj
