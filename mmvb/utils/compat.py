# Copyright (c) mmvb contributors. All rights reserved.
"""Global shims for upstream breakages of the pinned OpenMMLab stack.

:func:`apply_compat_patches` (called by ``import mmvb``) applies the shims
of :data:`SHIMS`. Each one

* is **version-guarded**: it applies only while every installed package it
  names lies in its :class:`VersionRange` (from mmvb's minimum up to the
  last release checked to still have the bug), and a test in
  ``tests/utils/test_compat.py`` fails once the installed version leaves
  that range or the upstream bug no longer reproduces, so that the shim can
  be dropped;
* is **global only where it must be**: it acts on import machinery, on
  mmengine's checkpoint loading, process-group launchers or package lookup,
  all of which run before or outside anything a config can choose.
  Upstream bugs that an mmvb-registered class can carry are fixed there
  instead and used by mmvb's configs, so configs that do not use mmvb keep
  upstream's behaviour: :class:`~mmvb.models.heads.AutocastHeadMixin`
  (bfloat16 scores in ``BaseHead.loss_by_feat``),
  :class:`~mmvb.datasets.LoadErrorContextMixin` (loading errors that name
  the file) and :class:`~mmvb.datasets.transforms.HueSafeColorJitter`
  (``ColorJitter.adjust_hue`` under numpy >= 2).

Nothing in ``site-packages`` is edited. The shims:

``mmaction-drn``
    The ``mmaction2 1.2.0`` wheel lacks ``mmaction/models/localizers/drn``
    while ``mmaction/models/localizers/__init__.py`` imports it, so
    ``import mmaction.models`` fails. A finder provides the missing package
    (only while the real one is absent), with a ``DRN`` that raises a clear
    error if anyone builds it. Global: the failing import is mmaction2's
    own. *Remove when* a fixed mmaction2 wheel is the minimum.
``mmengine-weights-only``
    ``torch >= 2.6`` loads with ``weights_only=True`` by default, and
    mmengine's ``load_checkpoint`` passes no allow-list, so mmengine's own
    checkpoints (``message_hub`` with ``HistoryBuffer`` and numpy arrays)
    are refused and ``--resume`` fails. The data globals those checkpoints
    hold (``HistoryBuffer``, numpy arrays, dtypes and scalars) are
    allow-listed with ``torch.serialization.add_safe_globals``;
    ``weights_only`` stays on. ``HistoryBuffer.__getstate__`` also pickled
    the built-in statistics functions (``min``, ``max``, ``current``,
    ``mean``, as ``builtins.getattr`` calls, which must not be
    allow-listed); ``__setstate__`` re-registers those anyway, so they are
    left out of the pickled state (custom statistics are still pickled).
    Global: ``torch.load`` runs inside mmengine's ``Runner.resume`` and
    ``load_checkpoint`` before any hook, and torch's allow-list is
    per-process. *Remove when* mmengine passes its own allow-list.
``cpu-init-dist``
    mmengine's ``init_dist`` calls ``torch.cuda.set_device`` (and, for
    slurm, divides by the GPU count) even on CPU-only machines, and asks
    for ``nccl``; on a machine without CUDA mmvb skips the device selection
    and uses ``gloo``. mmengine also never destroys the process group, and
    a gloo rank can then abort at interpreter exit after finishing its job;
    the patched launchers register :func:`~mmvb.utils.release_process_group`
    at exit. Global: the launcher runs in ``Runner.setup_env``, before any
    config-built component exists. Acts only without CUDA, where upstream
    raises. *Remove when* mmengine's launchers handle CPU-only machines and
    tear their process group down.
``cpu-ddp``
    mmengine's ``Runner.wrap_model`` passes ``device_ids=[LOCAL_RANK]`` to
    ``MMDistributedDataParallel`` for CPU modules too, which
    ``DistributedDataParallel`` rejects; they are dropped for CPU modules.
    Global: part of the same CPU-only launch path as ``cpu-init-dist``
    (where only upstream's error is replaced). *Remove when* mmengine's
    runner passes ``device_ids`` for CUDA modules only.
``mmpretrain-torchvision``
    ``mmpretrain 1.2.0`` imports ``torchvision.ops.boxes`` at module level
    in two modules that ``import mmpretrain.models`` pulls in (box utils
    for visual grounding). mmvb must not need torchvision, so when
    torchvision cannot be imported those two modules are executed with
    mmvb's own pure-PyTorch box ops standing in for
    ``torchvision.ops.boxes``; the stand-in is visible only while they
    execute. Global: the failing import is mmpretrain's own. *Remove when*
    mmpretrain imports torchvision lazily.
``mmengine-pkg-resources``
    mmengine finds installed packages with ``pkg_resources``
    (``is_installed``, ``get_installed_path``: used for ``mmaction::``
    config paths and ``mim``-style lookups), which setuptools >= 81 no
    longer ships. Where ``pkg_resources`` is missing, those helpers are
    replaced by ``importlib.metadata`` equivalents that also resolve
    editable installs. Global: mmengine calls them while reading configs.
    *Remove when* mmengine drops ``pkg_resources``. mmvb's own configs do
    not use ``mmaction::`` paths, so MMAction2's ``tools/train.py`` (which
    reads the config before importing mmvb) works on them either way.
"""
import atexit
import functools
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import sys
import types
from contextlib import contextmanager
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

import torch

_APPLIED = False
#: Upstream callables replaced by the shims (``'module:qualname'`` ->
#: original), so that tests can show that the upstream bug still exists.
UPSTREAM: Dict[str, Callable] = {}

# ---------------------------------------------------------------------------
# mmaction-drn: mmaction2 1.2.0 wheel without ``localizers/drn``
# ---------------------------------------------------------------------------
_DRN_PKG = 'mmaction.models.localizers.drn'
_DRN_MOD = _DRN_PKG + '.drn'


class _MissingDRN:
    """Stands in for ``mmaction.models.localizers.drn.drn.DRN``.

    It is not registered, so configs naming ``DRN`` get mmengine's usual
    "not in the registry" error; direct use raises this clear message.
    """

    def __init__(self, *args, **kwargs) -> None:
        raise ImportError(
            'DRN is missing from the mmaction2 1.2.0 wheel '
            '(mmaction/models/localizers/drn is not packaged). Install '
            'mmaction2 from source to use DRN.')


class _DRNLoader(importlib.abc.Loader):
    """Creates the missing ``drn`` package and ``drn.drn`` module."""

    def create_module(self, spec):
        return None  # default module creation

    def exec_module(self, module: types.ModuleType) -> None:
        module.__doc__ = ('Placeholder created by mmvb.utils.compat: the '
                          'mmaction2 1.2.0 wheel lacks this package.')
        if module.__name__ == _DRN_MOD:
            module.DRN = _MissingDRN
        else:
            module.__path__ = []


class _DRNFinder(importlib.abc.MetaPathFinder):
    """Provides ``localizers.drn`` only when the real one is absent."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in (_DRN_PKG, _DRN_MOD):
            return None
        if fullname == _DRN_PKG:
            real = importlib.machinery.PathFinder.find_spec(fullname, path)
            if real is not None:
                return None
        else:
            parent = getattr(sys.modules.get(_DRN_PKG), '__spec__', None)
            if not isinstance(getattr(parent, 'loader', None), _DRNLoader):
                return None  # the real drn package is in use
        return importlib.machinery.ModuleSpec(
            fullname, _DRNLoader(), is_package=(fullname == _DRN_PKG))


# ---------------------------------------------------------------------------
# mmengine-weights-only: torch >= 2.6 loading mmengine checkpoints
# ---------------------------------------------------------------------------
def _checkpoint_safe_globals() -> List[object]:
    """Globals that mmengine checkpoints hold besides tensors.

    Found by saving checkpoints with mmengine's ``CheckpointHook`` and
    listing ``torch.serialization.get_unsafe_globals_in_checkpoint``:
    ``message_hub`` stores :class:`HistoryBuffer` objects whose logs are
    numpy arrays (and numpy scalars for some values).
    """
    import numpy as np
    from mmengine.logging import HistoryBuffer

    try:  # numpy >= 2
        from numpy._core.multiarray import _reconstruct, scalar
    except ImportError:  # numpy < 2
        from numpy.core.multiarray import _reconstruct, scalar
    dtype_classes = [
        type(np.dtype(t)) for t in ('float64', 'float32', 'float16', 'int64',
                                    'int32', 'int8', 'uint8', 'bool')
    ]
    return [HistoryBuffer, _reconstruct, scalar, np.ndarray, np.dtype
            ] + dtype_classes


def _history_buffer_getstate(self) -> dict:
    """Pickled state of a ``HistoryBuffer`` without its built-in statistics.

    Upstream's ``__getstate__`` stores the class-level
    ``_statistics_methods`` in the instance state (and in ``__dict__``).
    Its built-in entries are ``HistoryBuffer``'s own methods, which pickle
    as ``builtins.getattr`` calls that ``weights_only`` loading rightly
    refuses, and which ``__setstate__`` re-registers anyway; only those are
    left out. Custom statistics (``HistoryBuffer.register_statistics``) are
    kept, as upstream does.
    """
    from mmengine.logging import HistoryBuffer
    state = self.__dict__.copy()
    state['statistics_methods'] = {
        name: method
        for name, method in self._statistics_methods.items()
        if getattr(HistoryBuffer, name, None) is not method
    }
    return state


def _allow_mmengine_checkpoints() -> None:
    from mmengine.logging import HistoryBuffer
    if HistoryBuffer.__getstate__ is not _history_buffer_getstate:
        UPSTREAM['mmengine.logging:HistoryBuffer.__getstate__'] = \
            HistoryBuffer.__getstate__
        HistoryBuffer.__getstate__ = _history_buffer_getstate
    add_safe_globals = getattr(torch.serialization, 'add_safe_globals', None)
    if add_safe_globals is None:  # torch < 2.4 has no weights_only default
        return
    add_safe_globals(_checkpoint_safe_globals())


# ---------------------------------------------------------------------------
# cpu-init-dist, cpu-ddp: mmengine's launchers and DDP without CUDA
# ---------------------------------------------------------------------------
@contextmanager
def _cpu_device_selection():
    """Make the CUDA device selection of mmengine's launchers a no-op."""
    set_device, device_count = torch.cuda.set_device, torch.cuda.device_count
    torch.cuda.set_device = lambda *args, **kwargs: None
    # ``_init_dist_slurm`` computes ``proc_id % torch.cuda.device_count()``.
    torch.cuda.device_count = lambda: 1
    try:
        yield
    finally:
        torch.cuda.set_device = set_device
        torch.cuda.device_count = device_count


def _release_process_group_at_exit() -> None:
    from .dist_utils import release_process_group
    try:
        release_process_group()
    except Exception as error:  # never mask how the program ended
        from mmengine.logging import print_log
        print_log(
            f'Process group teardown at exit failed: {error!r}',
            logger='current',
            level=logging.WARNING)


def _cpu_safe_init(init_fn: Callable) -> Callable:
    """Wrap an mmengine ``_init_dist_*`` function for CPU-only machines."""

    @functools.wraps(init_fn)
    def wrapper(backend, *args, **kwargs):
        # mmengine never destroys the group it creates; a gloo group left
        # to the interpreter's teardown can abort a rank at exit
        # ("terminate called without an active exception") after the job
        # has finished, so all ranks meet and destroy it before the
        # interpreter exits.
        atexit.register(_release_process_group_at_exit)
        if torch.cuda.is_available() or os.environ.get(
                'MMVB_KEEP_DIST_BACKEND'):
            return init_fn(backend, *args, **kwargs)
        if backend == 'nccl':
            from mmengine.logging import print_log
            print_log(
                'No CUDA device: using the gloo backend instead of nccl.',
                logger='current')
            backend = 'gloo'
        with _cpu_device_selection():
            return init_fn(backend, *args, **kwargs)

    wrapper.__mmvb_patched__ = True
    return wrapper


def _patch_init_dist() -> None:
    from mmengine.dist import utils as dist_utils
    for name in ('_init_dist_pytorch', '_init_dist_slurm'):
        fn = getattr(dist_utils, name)
        if not getattr(fn, '__mmvb_patched__', False):
            UPSTREAM[f'mmengine.dist.utils:{name}'] = fn
            setattr(dist_utils, name, _cpu_safe_init(fn))


def _patch_cpu_ddp() -> None:
    from mmengine.model.wrappers import MMDistributedDataParallel
    init = MMDistributedDataParallel.__init__
    if getattr(init, '__mmvb_patched__', False):
        return

    @functools.wraps(init)
    def __init__(self, module, *args, **kwargs):
        device = next(module.parameters(), torch.empty(0)).device
        if device.type == 'cpu' and kwargs.get('device_ids') is not None:
            kwargs['device_ids'] = None
            kwargs.pop('output_device', None)
        init(self, module, *args, **kwargs)

    __init__.__mmvb_patched__ = True
    UPSTREAM['mmengine.model:MMDistributedDataParallel.__init__'] = init
    MMDistributedDataParallel.__init__ = __init__


# ---------------------------------------------------------------------------
# mmpretrain-torchvision: module-level ``torchvision.ops.boxes`` imports
# ---------------------------------------------------------------------------
_TV_BOX_USERS = ('mmpretrain.models.utils.box_utils',
                 'mmpretrain.evaluation.metrics.visual_grounding_eval')


def torchvision_available() -> bool:
    """Whether ``import torchvision`` works (any failure counts as no).

    A torchvision built for another torch raises at import time (not only
    ``ImportError``), hence the broad ``except``.
    """
    try:
        import torchvision  # noqa: F401
    except Exception:
        return False
    return True


class _TorchvisionBoxesLoader(importlib.abc.Loader):
    """Executes a module with mmvb's box ops as ``torchvision.ops.boxes``."""

    def __init__(self, real_loader: importlib.abc.Loader) -> None:
        self.real_loader = real_loader

    def create_module(self, spec):
        return self.real_loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        from mmvb.ops import box
        tv = types.ModuleType('torchvision')
        ops = types.ModuleType('torchvision.ops')
        tv.ops, ops.boxes = ops, box
        stand_ins = {
            'torchvision': tv,
            'torchvision.ops': ops,
            'torchvision.ops.boxes': box
        }
        saved = {k: sys.modules.get(k) for k in stand_ins}
        sys.modules.update(stand_ins)
        try:
            self.real_loader.exec_module(module)
        finally:
            for k, v in saved.items():
                if v is None:
                    sys.modules.pop(k, None)
                else:
                    sys.modules[k] = v


class _TorchvisionFreeFinder(importlib.abc.MetaPathFinder):
    """Finds the listed mmpretrain modules and swaps in the loader above."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in _TV_BOX_USERS or torchvision_available():
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _TorchvisionBoxesLoader(spec.loader)
        return spec


# ---------------------------------------------------------------------------
# mmengine-pkg-resources: no ``pkg_resources`` (setuptools >= 81)
# ---------------------------------------------------------------------------
def _module_dir(module: str) -> Optional[str]:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return None
    return os.path.dirname(spec.origin)


def is_installed(package: str) -> bool:
    """``importlib.metadata`` version of mmengine's ``is_installed``."""
    import importlib.metadata
    try:
        importlib.metadata.distribution(package)
        return True
    except importlib.metadata.PackageNotFoundError:
        return _module_dir(package) is not None


def get_installed_path(package: str) -> str:
    """``importlib.metadata`` version of mmengine's ``get_installed_path``.

    Args:
        package (str): Distribution or module name (``'mmaction2'`` or
            ``'mmaction'``).

    Returns:
        str: The folder of the package's top-level module.
    """
    import importlib.metadata
    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        path = _module_dir(package)
        if path is None:
            raise
        return path
    location = str(dist.locate_file(''))
    module = package
    if not os.path.exists(os.path.join(location, package)):
        top_level = (dist.read_text('top_level.txt') or '').split()
        module = top_level[0] if top_level else package
    path = os.path.join(location, module)
    if os.path.exists(path):
        return path
    # Editable installs: the distribution lives in site-packages while the
    # module is imported from the source tree.
    return _module_dir(module) or path


def _patch_package_utils() -> None:
    try:
        import pkg_resources  # noqa: F401
        return
    except ImportError:
        pass
    import mmengine.config.config as config_mod
    import mmengine.utils as utils_mod
    import mmengine.utils.package_utils as package_utils
    if package_utils.is_installed is is_installed:
        return
    UPSTREAM['mmengine.utils:is_installed'] = package_utils.is_installed
    UPSTREAM['mmengine.utils:get_installed_path'] = \
        package_utils.get_installed_path
    for mod in (package_utils, utils_mod, config_mod):
        mod.is_installed = is_installed
        mod.get_installed_path = get_installed_path
    try:
        import mmengine.hub.hub as hub_mod
        hub_mod.get_installed_path = get_installed_path
    except ImportError:
        pass


# ---------------------------------------------------------------------------
# Version guards and the shim table
# ---------------------------------------------------------------------------
class VersionRange(NamedTuple):
    """Installed versions of a distribution that a shim applies to.

    Args:
        package (str): Distribution name (``'mmengine'``, ``'torch'``).
        first (str): First version with the bug (inclusive; usually mmvb's
            minimum).
        last (str, optional): Last release checked to still have the bug
            (inclusive); None when the bug is another package's and any
            later version needs the shim.
    """
    package: str
    first: str
    last: Optional[str] = None

    def contains(self, version: str) -> bool:
        """Whether ``version`` lies in ``[first, last]`` (local version
        labels such as ``+cpu`` are ignored)."""
        from mmengine.utils import digit_version
        v = digit_version(version)
        if v < digit_version(self.first):
            return False
        return self.last is None or v <= digit_version(self.last)


class Shim(NamedTuple):
    """A global shim: its name, version guards and how to apply it."""
    name: str
    guards: Tuple[VersionRange, ...]
    apply: Callable[[], None]


# Import names of distributions whose name differs from their module's.
_MODULE_OF = {'mmaction2': 'mmaction'}


def installed_version(package: str) -> Optional[str]:
    """The installed version of a distribution, or None if it is absent.

    Falls back to the module's ``__version__`` when no distribution of that
    name is installed (e.g. ``mmengine`` provided by ``mmengine-lite``).
    """
    import importlib.metadata
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        pass
    module = _MODULE_OF.get(package, package)
    if importlib.util.find_spec(module) is None:
        return None
    return getattr(importlib.import_module(module), '__version__', None)


def shim_applies(shim: Shim) -> bool:
    """Whether every package ``shim`` guards on is installed in range."""
    for guard in shim.guards:
        version = installed_version(guard.package)
        if version is None or not guard.contains(version):
            return False
    return True


def _install_finder(finder_cls: type) -> Callable[[], None]:

    def install() -> None:
        if not any(isinstance(f, finder_cls) for f in sys.meta_path):
            sys.meta_path.insert(0, finder_cls())

    return install


#: Every global shim, in the order they are applied. ``last`` is the
#: newest release checked to still have the bug.
SHIMS: Tuple[Shim, ...] = (
    Shim('mmaction-drn', (VersionRange('mmaction2', '1.2.0', '1.2.0'), ),
         _install_finder(_DRNFinder)),
    Shim('mmpretrain-torchvision',
         (VersionRange('mmpretrain', '1.2.0', '1.2.0'), ),
         _install_finder(_TorchvisionFreeFinder)),
    Shim('mmengine-weights-only', (VersionRange(
        'mmengine', '0.7.1', '0.10.7'), VersionRange('torch', '2.6.0')),
         _allow_mmengine_checkpoints),
    Shim('cpu-init-dist', (VersionRange('mmengine', '0.7.1', '0.10.7'), ),
         _patch_init_dist),
    Shim('cpu-ddp', (VersionRange('mmengine', '0.7.1', '0.10.7'), ),
         _patch_cpu_ddp),
    Shim('mmengine-pkg-resources',
         (VersionRange('mmengine', '0.7.1', '0.10.7'), ),
         _patch_package_utils),
)

_ACTIVE: List[str] = []


def active_shims() -> List[str]:
    """Names of the shims :func:`apply_compat_patches` applied."""
    return list(_ACTIVE)


def apply_compat_patches() -> None:
    """Apply every shim whose version guards hold, once (idempotent)."""
    global _APPLIED
    if _APPLIED:
        return
    for shim in SHIMS:
        if shim_applies(shim):
            shim.apply()
            _ACTIVE.append(shim.name)
    _APPLIED = True


def import_mmpretrain_models() -> Optional[types.ModuleType]:
    """Import ``mmpretrain.models`` (registering its modules) if installed.

    Returns:
        module or None: ``mmpretrain.models``, or None when mmpretrain is not
        installed.
    """
    apply_compat_patches()
    if importlib.util.find_spec('mmpretrain') is None:
        return None
    import mmpretrain.models
    return mmpretrain.models
