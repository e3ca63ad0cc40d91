# Copyright (c) mmvb contributors. All rights reserved.
"""Import an mmdet 2.x fork (TeViT, MPEblink) on a machine without mmcv-full.

hustvl/TeViT and wenzhengzeng/MPEblink are forks of MMDetection 2.23 that
need mmcv-full 1.4.x. Building their models on a CPU only needs mmcv's
pure-Python parts; this module puts on ``sys.path`` (first):

* a checkout of ``open-mmlab/mmcv`` at tag ``v1.4.8`` (commit
  ``25602c68441d18430d649711a4f3bec576ce327e``; the version MPEblink's
  README names), used as is, without building its extension;
* the fork's checkout (its ``mmdet`` package);
* optionally a folder holding the fork's pure-Python requirements that
  mmvb does not have (``terminaltables``, ``six``) and ``pycocotools``
  (imported by ``mmdet.core``), e.g. ``pip install --no-deps --target SITE
  terminaltables six pycocotools``.

Stubbed, because they cannot be imported here (and nothing the scripts run
calls them):

* ``mmcv._ext``, mmcv-full's compiled CUDA/C++ operators (RoIAlign, NMS,
  ...): a module whose every public attribute is a function raising
  ``RuntimeError`` when called, so ``mmcv.ops`` imports and its layers can
  be *constructed* (they have no parameters);
* ``torchvision`` (imported by ``mmcv.runner.checkpoint`` for its model-zoo
  URLs), when it is not installed: empty modules.

mmvb itself is never imported in the same process (it needs mmcv 2.x under
the same name); :func:`load_manifest_module` loads
``mmvb/testing/checkpoint_manifest.py`` by path instead.
"""
import importlib.util
import os.path as osp
import sys
import types
from typing import Optional

ROOT = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
MMCV_REPOSITORY = 'open-mmlab/mmcv'
MMCV_COMMIT = '25602c68441d18430d649711a4f3bec576ce327e'  # v1.4.8


def _missing_op(name: str):
    if name.startswith('__'):
        raise AttributeError(name)

    def op(*args, **kwargs):
        raise RuntimeError(f'mmcv._ext.{name} is a stub: compiled mmcv-full '
                           'ops are not available')

    return op


def setup(mmcv_checkout: str,
          fork_checkout: str,
          site: Optional[str] = None) -> None:
    """Make ``import mmcv`` / ``import mmdet`` load the given checkouts."""
    for path in (mmcv_checkout, fork_checkout, site):
        if path is not None and not osp.isdir(path):
            raise FileNotFoundError(f'{path} is not a folder')
    for name in list(sys.modules):
        if name.split('.')[0] in ('mmcv', 'mmdet', 'mmvb', 'mmengine'):
            raise RuntimeError(f'{name} is already imported; run the manifest '
                               'scripts in a fresh process')
    sys.path[:0] = [p for p in (mmcv_checkout, fork_checkout, site) if p]
    ext = types.ModuleType('mmcv._ext')
    ext.__getattr__ = _missing_op
    sys.modules['mmcv._ext'] = ext
    if importlib.util.find_spec('torchvision') is None:
        for name in ('torchvision', 'torchvision.models',
                     'torchvision.transforms', 'torchvision.ops'):
            sys.modules[name] = types.ModuleType(name)
    import mmcv
    import mmdet
    assert mmcv.__version__ == '1.4.8', mmcv.__file__
    assert osp.abspath(mmdet.__file__).startswith(
        osp.abspath(fork_checkout)), mmdet.__file__


def build_detector(config: str):
    """The fork's detector of ``config`` (backbone weights not loaded)."""
    from mmcv import Config
    from mmdet.models import build_detector as build
    cfg = Config.fromfile(config)
    cfg.model.backbone.init_cfg = None  # no download
    return build(cfg.model).eval()


def load_manifest_module():
    """``mmvb/testing/checkpoint_manifest.py`` without importing mmvb."""
    path = osp.join(ROOT, 'mmvb', 'testing', 'checkpoint_manifest.py')
    spec = importlib.util.spec_from_file_location('checkpoint_manifest', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
