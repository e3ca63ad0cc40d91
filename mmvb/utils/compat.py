# Copyright (c) mmvb contributors. All rights reserved.
"""Shims for upstream breakages of the pinned OpenMMLab stack.

Everything here is applied once by :func:`apply_compat_patches`, which
``import mmvb`` calls. Each shim is narrow (it only acts where the upstream
code would fail) and says which upstream bug it covers and when it can go.
Nothing in ``site-packages`` is edited.

Shims:

1. ``mmaction2 1.2.0`` wheel lacks ``mmaction/models/localizers/drn`` while
   ``mmaction/models/localizers/__init__.py`` imports it, so
   ``import mmaction.models`` fails. A finder
   provides the missing package, with a ``DRN`` that raises a clear error if
   anyone builds it. *Remove when* a fixed mmaction2 wheel is the minimum.
2. ``torch >= 2.6`` loads with ``weights_only=True`` by default; mmengine's
   checkpoints (``message_hub`` with ``HistoryBuffer`` and numpy arrays)
   are refused, so ``--resume`` fails. The data globals those checkpoints
   hold (``HistoryBuffer``, numpy arrays, dtypes and scalars) are
   allow-listed with ``torch.serialization.add_safe_globals``;
   ``weights_only`` stays on. ``HistoryBuffer.__getstate__`` also pickled
   its class-level statistics functions (as ``builtins.getattr`` calls,
   which must not be allow-listed); they are restored by ``__setstate__``
   from the class anyway, so they are left out of the pickled state.
   *Remove when* mmengine passes its own allow-list (mmengine > 0.10.7).
3. mmengine's ``init_dist`` calls ``torch.cuda.set_device`` (and, for slurm,
   divides by the GPU count) even on CPU-only machines, and asks for
   ``nccl``; on a machine without CUDA mmvb skips the device selection and
   uses ``gloo``. mmengine's DDP wrapper passes ``device_ids`` for CPU
   modules, which ``DistributedDataParallel`` rejects; they are dropped for
   CPU modules. mmengine also never destroys the process group, and a gloo
   rank can then abort at interpreter exit after finishing its job; the
   patched launchers register a barrier + destroy at exit. *Remove when*
   mmengine's launchers and DDP wrapper handle CPU-only machines and it
   tears its process group down.
4. ``mmpretrain 1.2.0`` imports ``torchvision.ops.boxes`` at module level in
   two modules that ``import mmpretrain.models`` pulls in (box utils for
   visual grounding). mmvb must not need torchvision, so when torchvision
   cannot be imported those two modules are executed with mmvb's own
   pure-PyTorch box ops standing in for ``torchvision.ops.boxes``; the stand
   in is visible only while they execute. *Remove when* mmpretrain imports
   torchvision lazily.
5. mmengine 0.10.7 finds installed packages with ``pkg_resources``
   (``is_installed``, ``get_installed_path``: used for ``mmaction::`` config
   paths and ``mim``-style lookups), which setuptools >= 81 no longer ships.
   Where ``pkg_resources`` is missing, those helpers are replaced by
   ``importlib.metadata`` equivalents that also resolve editable installs
   (falling back to the import location when the distribution folder does
   not hold the package). *Remove when* mmengine drops ``pkg_resources``.
   mmvb's own configs do not use ``mmaction::`` paths, so MMAction2's
   ``tools/train.py`` (which reads the config before importing mmvb) works
   on them either way.
6. mmaction2's ``BaseHead.loss_by_feat`` computes its logged accuracies with
   numpy, which has no bfloat16, so every mmaction head crashes under
   bfloat16 autocast (``--amp`` on CPU, or ``AmpOptimWrapper(dtype=
   'bfloat16')`` on GPU). bfloat16 scores are cast to float32 before it;
   the loss itself is unchanged (``CrossEntropyLoss`` upcasts under
   autocast anyway). *Remove when* mmaction2 casts before ``.numpy()``.
7. mmaction2's video transforms read the file into memory and hand the
   decoder a buffer, so an unreadable video fails with e.g. "Error reading
   23 bytes..." and no file name. ``BaseActionDataset.prepare_data`` (the
   pipeline call of every mmaction2 and mmvb dataset) adds a note naming the
   sample's file, its index and the annotation file to any error; the
   exception type and traceback are unchanged. *Remove when* mmaction2's
   loading errors name the file.
8. ``mmaction2 1.2.0``'s ``ColorJitter.adjust_hue`` adds a possibly
   negative Python ``int`` to a ``uint8`` array; numpy >= 2 (NEP 50) raises
   ``OverflowError`` instead of promoting to a wider type as numpy 1 did.
   The hue channel is shifted in ``int16`` (numpy 1's result for negative
   offsets, and without numpy 1's ``uint8`` wrap-around for large positive
   ones). *Remove when* MMAction2 computes the hue shift in a wider type.
"""
import atexit
import functools
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import sys
import types
from contextlib import contextmanager
from typing import Callable, List, Optional

import torch

_APPLIED = False

# ---------------------------------------------------------------------------
# 1. mmaction2 1.2.0 wheel without ``localizers/drn``
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
# 2. torch >= 2.6 ``weights_only`` loading of mmengine checkpoints
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
    """Pickled state of a ``HistoryBuffer`` without its statistics methods.

    Those are functions registered on the class (``_statistics_methods`` is
    a class attribute that ``__setstate__`` refills); pickling them needs
    ``builtins.getattr``, which ``weights_only`` loading rightly refuses.
    """
    state = self.__dict__.copy()
    state.pop('statistics_methods', None)
    return state


def _allow_mmengine_checkpoints() -> None:
    from mmengine.logging import HistoryBuffer
    HistoryBuffer.__getstate__ = _history_buffer_getstate
    add_safe_globals = getattr(torch.serialization, 'add_safe_globals', None)
    if add_safe_globals is None:  # torch < 2.4 has no weights_only default
        return
    add_safe_globals(_checkpoint_safe_globals())


# ---------------------------------------------------------------------------
# 3. ``init_dist`` / DDP on CPU-only machines
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
    MMDistributedDataParallel.__init__ = __init__


# ---------------------------------------------------------------------------
# 4. mmpretrain's module-level ``torchvision.ops.boxes`` imports
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
# 5. ``pkg_resources`` missing (setuptools >= 81) in mmengine's package utils
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
    for mod in (package_utils, utils_mod, config_mod):
        mod.is_installed = is_installed
        mod.get_installed_path = get_installed_path
    try:
        import mmengine.hub.hub as hub_mod
        hub_mod.get_installed_path = get_installed_path
    except ImportError:
        pass


# ---------------------------------------------------------------------------
# 6. bfloat16 scores in mmaction2's ``BaseHead.loss_by_feat``
# ---------------------------------------------------------------------------
def _patch_head_bf16() -> None:
    from mmaction.models.heads.base import BaseHead
    loss_by_feat = BaseHead.loss_by_feat
    if getattr(loss_by_feat, '__mmvb_patched__', False):
        return

    @functools.wraps(loss_by_feat)
    def wrapper(self, cls_scores, *args, **kwargs):
        if isinstance(cls_scores, torch.Tensor) and \
                cls_scores.dtype == torch.bfloat16:
            cls_scores = cls_scores.float()
        return loss_by_feat(self, cls_scores, *args, **kwargs)

    wrapper.__mmvb_patched__ = True
    BaseHead.loss_by_feat = wrapper


# ---------------------------------------------------------------------------
# 7. loading errors that do not name the file
# ---------------------------------------------------------------------------
_FILE_KEYS = ('filename', 'frame_dir', 'audio_path', 'img_path')


def add_error_context(error: BaseException, context: str) -> None:
    """Attach ``context`` to ``error`` (shown under its message)."""
    if hasattr(error, 'add_note'):  # Python >= 3.11
        error.add_note(context)
    elif error.args and isinstance(error.args[0], str):
        error.args = (f'{error.args[0]}\n{context}', ) + error.args[1:]


def _patch_dataset_errors() -> None:
    from mmaction.datasets.base import BaseActionDataset
    prepare_data = BaseActionDataset.prepare_data
    if getattr(prepare_data, '__mmvb_patched__', False):
        return

    @functools.wraps(prepare_data)
    def wrapper(self, idx):
        try:
            return prepare_data(self, idx)
        except Exception as error:
            try:
                info = self.get_data_info(idx)
                files = [str(info[k]) for k in _FILE_KEYS if k in info]
            except Exception:
                files = []
            what = f' ({", ".join(files)})' if files else ''
            add_error_context(
                error, f'while loading sample {idx}{what} of '
                f'{type(self).__name__} from {self.ann_file}')
            raise

    wrapper.__mmvb_patched__ = True
    BaseActionDataset.prepare_data = wrapper


# ---------------------------------------------------------------------------
# 8. ``ColorJitter.adjust_hue`` under numpy >= 2
# ---------------------------------------------------------------------------
def _adjust_hue(img, factor: float):
    """MMAction2's ``ColorJitter.adjust_hue`` with the shift in int16."""
    import cv2
    import numpy as np
    img = np.clip(img, 0, 255).astype(np.uint8)
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    offset = int(factor * 255)
    hsv[..., 0] = (hsv[..., 0].astype(np.int16) + offset) % 180
    img = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
    return img.astype(np.float32)


def _patch_color_jitter() -> None:
    from mmaction.datasets.transforms.processing import ColorJitter
    ColorJitter.adjust_hue = staticmethod(_adjust_hue)


# ---------------------------------------------------------------------------
def _install_finder(finder_cls: type) -> None:
    if not any(isinstance(f, finder_cls) for f in sys.meta_path):
        sys.meta_path.insert(0, finder_cls())


def apply_compat_patches() -> None:
    """Apply every shim once (idempotent)."""
    global _APPLIED
    if _APPLIED:
        return
    _install_finder(_DRNFinder)
    _install_finder(_TorchvisionFreeFinder)
    _allow_mmengine_checkpoints()
    _patch_init_dist()
    _patch_cpu_ddp()
    _patch_package_utils()
    _patch_head_bf16()
    _patch_dataset_errors()
    _patch_color_jitter()
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
