# Copyright (c) mmvb contributors. All rights reserved.
"""The global shims of :mod:`mmvb.utils.compat`.

Each shim has two kinds of test: what it fixes works, and the upstream bug
still reproduces without it on the installed versions (with the guard
covering those versions). When upstream fixes a bug, its ``*_still_*``
test fails: drop the shim (or narrow its :class:`VersionRange`).
"""
import importlib.machinery
import importlib.util
import io
import os.path as osp
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

import mmvb  # noqa: F401
from mmvb.utils import compat

SHIM_NAMES = [shim.name for shim in compat.SHIMS]


def _upstream(key):
    assert key in compat.UPSTREAM, f'{key} was not patched'
    return compat.UPSTREAM[key]


# ---------------------------------------------------------------------------
# Version guards
# ---------------------------------------------------------------------------
def test_version_range():
    guard = compat.VersionRange('mmengine', '0.7.1', '0.10.7')
    assert guard.contains('0.7.1') and guard.contains('0.10.7')
    assert guard.contains('0.10.7+local')
    assert not guard.contains('0.10.8') and not guard.contains('0.7.0')
    assert not guard.contains('1.0.0rc0')
    open_ended = compat.VersionRange('torch', '2.6.0')
    assert open_ended.contains('2.13.0+cpu') and open_ended.contains('9.0')
    assert not open_ended.contains('2.5.1')


def test_shim_not_applied_outside_its_range(monkeypatch):
    calls = []
    shim = compat.Shim('probe',
                       (compat.VersionRange('mmengine', '0.0.1', '0.0.2'), ),
                       lambda: calls.append(1))
    assert not compat.shim_applies(shim)
    missing = compat.Shim(
        'probe', (compat.VersionRange('surely-not-a-package-mmvb', '0'), ),
        lambda: calls.append(1))
    assert not compat.shim_applies(missing)
    monkeypatch.setattr(compat, 'SHIMS', (shim, missing))
    monkeypatch.setattr(compat, '_APPLIED', False)
    monkeypatch.setattr(compat, '_ACTIVE', [])
    compat.apply_compat_patches()
    assert calls == [] and compat.active_shims() == []


@pytest.mark.parametrize('name', SHIM_NAMES)
def test_guard_covers_the_installed_versions(name):
    """Fails once a package leaves the range checked to have the bug:
    check whether the bug is still there, then widen the range or drop
    the shim."""
    shim = next(s for s in compat.SHIMS if s.name == name)
    for guard in shim.guards:
        version = compat.installed_version(guard.package)
        assert version is not None, guard.package
        assert guard.contains(version), (
            f'{name}: {guard.package} {version} is outside '
            f'[{guard.first}, {guard.last}]')
    assert name in compat.active_shims()


def test_scoped_fixes_leave_upstream_untouched():
    """Bugs that an mmvb class can carry are not patched globally: configs
    without mmvb keep MMAction2's behaviour after ``import mmvb``."""
    from mmaction.datasets import BaseActionDataset
    from mmaction.datasets.transforms import ColorJitter
    from mmaction.models.heads.base import BaseHead
    for owner, attr in ((BaseHead, 'loss_by_feat'),
                        (BaseActionDataset, 'prepare_data'), (ColorJitter,
                                                              'adjust_hue')):
        fn = getattr(owner, attr)
        assert not hasattr(fn, '__wrapped__'), f'{owner.__name__}.{attr}'
        assert fn.__module__.startswith(('mmaction', 'mmengine')), \
            f'{owner.__name__}.{attr} comes from {fn.__module__}'


# ---------------------------------------------------------------------------
# mmaction-drn
# ---------------------------------------------------------------------------
def test_mmaction_models_import_and_missing_drn():
    import mmaction.models  # noqa: F401  (fails without the shim)
    from mmaction.models.localizers.drn.drn import DRN
    with pytest.raises(ImportError, match='DRN is missing'):
        DRN()
    from mmaction.registry import MODELS
    assert MODELS.get('BMN') is not None


def test_mmaction_wheel_still_lacks_drn():
    import mmaction.models.localizers as localizers
    real = importlib.machinery.PathFinder.find_spec(
        'mmaction.models.localizers.drn', localizers.__path__)
    assert real is None, 'the mmaction2 wheel ships drn: drop mmaction-drn'
    with open(localizers.__file__, encoding='utf-8') as f:
        assert 'from .drn' in f.read()


# ---------------------------------------------------------------------------
# mmpretrain-torchvision
# ---------------------------------------------------------------------------
def test_mmpretrain_models_without_torchvision():
    if compat.torchvision_available():
        pytest.skip('torchvision is installed: the shim is inactive')
    models = compat.import_mmpretrain_models()
    assert models is not None and hasattr(models, 'VisionTransformer')
    # The stand-in is not left behind: torchvision stays unimportable.
    assert 'torchvision' not in sys.modules
    assert not compat.torchvision_available()
    from mmpretrain.models.utils import box_utils
    a = torch.tensor([[0., 0., 2., 2.]])
    b = torch.tensor([[1., 1., 3., 3.]])
    assert torch.allclose(box_utils.box_iou(a, b), torch.tensor([[1 / 7]]))


@pytest.mark.parametrize('module', compat._TV_BOX_USERS)
def test_mmpretrain_still_imports_torchvision_at_module_level(module):
    if compat.torchvision_available():
        pytest.skip('torchvision is installed: the shim is inactive')
    origin = importlib.util.find_spec(module).origin
    # Executed under another name, so the shim's finder does not see it.
    spec = importlib.util.spec_from_file_location('mmvb_probe', origin)
    with pytest.raises(ModuleNotFoundError, match='torchvision'):
        spec.loader.exec_module(importlib.util.module_from_spec(spec))


# ---------------------------------------------------------------------------
# mmengine-weights-only
# ---------------------------------------------------------------------------
def _history_checkpoint() -> bytes:
    from mmengine.logging import HistoryBuffer, MessageHub
    hub = MessageHub.get_instance('mmvb-test-compat')
    hub.update_scalar('train/loss', 1.5)
    hub.update_scalar('train/loss', np.float64(0.5))
    hub.update_info('iter', 3)
    buf = HistoryBuffer([1.0, 2.0], [1, 1])
    ckpt = dict(
        meta=dict(epoch=1, seed=np.int64(3)),
        message_hub=hub.state_dict(),
        buffer=buf,
        state_dict={'w': torch.ones(2)})
    f = io.BytesIO()
    torch.save(ckpt, f)
    return f.getvalue()


def test_weights_only_loads_mmengine_checkpoints():
    data = _history_checkpoint()
    ckpt = torch.load(io.BytesIO(data), weights_only=True)
    assert torch.equal(ckpt['state_dict']['w'], torch.ones(2))
    assert ckpt['buffer'].mean() == 1.5
    # statistics still work after loading (restored from the class)
    assert ckpt['buffer'].statistics('max') == 2.0
    # No builtins.getattr is needed any more.
    unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(
        io.BytesIO(data))
    assert not any('getattr' in g for g in unsafe)


def test_history_buffer_keeps_custom_statistics(monkeypatch):
    from mmengine.logging import HistoryBuffer
    buf = HistoryBuffer([1.0, 3.0], [1, 1])
    monkeypatch.setitem(HistoryBuffer._statistics_methods, 'mmvb_probe',
                        _probe_statistic)
    state = buf.__getstate__()
    assert state['statistics_methods'] == {'mmvb_probe': _probe_statistic}
    assert 'statistics_methods' not in buf.__dict__  # no side effect
    loaded = pickle.loads(pickle.dumps(buf))
    assert loaded.statistics('mmvb_probe') == 4.0
    assert loaded.statistics('mean') == 2.0


def _probe_statistic(buffer):
    return float(buffer._log_history.sum())


def test_weights_only_still_refuses_other_globals():
    import argparse
    f = io.BytesIO()
    torch.save({'x': argparse.Namespace(a=1)}, f)
    f.seek(0)
    with pytest.raises(Exception, match='Weights only load failed'):
        torch.load(f, weights_only=True)


def test_mmengine_still_loads_without_an_allow_list(tmp_path, monkeypatch):
    """Without the shim, mmengine's own checkpoints are refused: its
    HistoryBuffer pickles ``builtins.getattr`` and its loader passes no
    allow-list for numpy data."""
    from mmengine.logging import HistoryBuffer
    from mmengine.runner.checkpoint import load_from_local
    monkeypatch.setattr(
        HistoryBuffer, '__getstate__',
        _upstream('mmengine.logging:HistoryBuffer.__getstate__'))
    data = _history_checkpoint()
    unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(
        io.BytesIO(data))
    assert 'builtins.getattr' in unsafe
    monkeypatch.undo()
    path = tmp_path / 'epoch_1.pth'
    torch.save({'meta': {'seed': np.int64(3)}, 'log': np.ones(2)}, path)
    allowed = torch.serialization.get_safe_globals()
    torch.serialization.clear_safe_globals()
    try:
        with pytest.raises(
                pickle.UnpicklingError, match='Weights only load failed'):
            load_from_local(str(path), map_location='cpu')
    finally:
        torch.serialization.add_safe_globals(allowed)
    assert load_from_local(str(path), map_location='cpu')['log'].sum() == 2


# ---------------------------------------------------------------------------
# cpu-init-dist, cpu-ddp
# ---------------------------------------------------------------------------
@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU-only behaviour')
def test_init_dist_and_ddp_on_cpu(tmp_path, tool_env, free_port):
    script = textwrap.dedent("""
        import os, torch
        import mmvb
        from mmengine.dist import init_dist, get_world_size, all_reduce
        from mmengine.model import MMDistributedDataParallel
        init_dist('pytorch')  # nccl requested; gloo used on CPU
        assert torch.distributed.get_backend() == 'gloo'
        model = MMDistributedDataParallel(
            module=torch.nn.Linear(2, 2), device_ids=[0])
        t = torch.ones(1) * (torch.distributed.get_rank() + 1)
        all_reduce(t)
        rank = torch.distributed.get_rank()
        out = os.path.join(os.environ['OUT_DIR'], f'rank{rank}')
        with open(out, 'w') as f:
            f.write(f'{get_world_size()} {float(t)}')
    """)
    path = tmp_path / 'dist_check.py'
    path.write_text(script)
    out = subprocess.run([
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
        f'--master_port={free_port}',
        str(path)
    ],
                         env=tool_env(OUT_DIR=tmp_path),
                         capture_output=True,
                         text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    for rank in range(2):
        assert (tmp_path / f'rank{rank}').read_text() == '2 3.0'


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU-only behaviour')
def test_mmengine_init_dist_still_needs_cuda(monkeypatch, free_port):
    init = _upstream('mmengine.dist.utils:_init_dist_pytorch')
    for key, value in dict(
            RANK=0,
            LOCAL_RANK=0,
            WORLD_SIZE=1,
            MASTER_ADDR='127.0.0.1',
            MASTER_PORT=free_port).items():
        monkeypatch.setenv(key, str(value))
    with pytest.raises((AttributeError, AssertionError, RuntimeError)):
        init('gloo')
    assert not torch.distributed.is_initialized()


def test_mmengine_ddp_still_passes_device_ids_for_cpu(free_port):
    """Upstream's wrapper with ``device_ids`` (as ``Runner.wrap_model``
    passes them) rejects a CPU module."""
    from mmengine.model import MMDistributedDataParallel

    from mmvb.utils import release_process_group
    init = _upstream('mmengine.model:MMDistributedDataParallel.__init__')
    torch.distributed.init_process_group(
        'gloo',
        init_method=f'tcp://127.0.0.1:{free_port}',
        rank=0,
        world_size=1)
    try:
        wrapper = MMDistributedDataParallel.__new__(MMDistributedDataParallel)
        with pytest.raises(ValueError, match='device_ids'):
            init(wrapper, module=torch.nn.Linear(2, 2), device_ids=[0])
        # with the shim, the same call works
        ddp = MMDistributedDataParallel(
            module=torch.nn.Linear(2, 2), device_ids=[0])
        assert ddp.device_ids is None
    finally:
        release_process_group()


# ---------------------------------------------------------------------------
# mmengine-pkg-resources
# ---------------------------------------------------------------------------
def _pkg_resources_missing() -> bool:
    return importlib.util.find_spec('pkg_resources') is None


def test_installed_path_without_pkg_resources():
    path = compat.get_installed_path('mmaction2')
    assert osp.isfile(osp.join(path, '__init__.py'))
    assert path.endswith('mmaction')
    assert compat.is_installed('mmaction2')
    assert not compat.is_installed('surely-not-a-package-mmvb')
    # mmvb itself (editable or wheel install) resolves to its import folder
    mmvb_path = compat.get_installed_path('mmvb')
    assert osp.isfile(osp.join(mmvb_path, '__init__.py'))


def test_mmengine_helpers_are_patched_where_pkg_resources_is_missing(
        repo_root):
    if not _pkg_resources_missing():
        pytest.skip('pkg_resources present: the shim is inactive')
    import mmengine.config.config as config_mod
    assert config_mod.get_installed_path is compat.get_installed_path
    from mmengine.config import Config
    cfg = Config.fromfile(
        osp.join(repo_root, 'tests', 'data', 'configs', 'mmaction_base.py'))
    assert cfg.default_scope == 'mmaction'


def test_mmengine_still_needs_pkg_resources():
    if not _pkg_resources_missing():
        pytest.skip('pkg_resources present: the shim is inactive')
    with pytest.raises(ModuleNotFoundError, match='pkg_resources'):
        _upstream('mmengine.utils:is_installed')('mmaction2')
    with pytest.raises(ModuleNotFoundError, match='pkg_resources'):
        _upstream('mmengine.utils:get_installed_path')('mmaction2')
