# Copyright (c) mmvb contributors. All rights reserved.
"""The compatibility shims of :mod:`mmvb.utils.compat`."""
import io
import os.path as osp
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

import mmvb  # noqa: F401
from mmvb.utils import compat


def test_mmaction_models_import_and_missing_drn():
    import mmaction.models  # noqa: F401  (fails without the shim)
    from mmaction.models.localizers.drn.drn import DRN
    with pytest.raises(ImportError, match='DRN is missing'):
        DRN()
    from mmaction.registry import MODELS
    assert MODELS.get('BMN') is not None


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


def test_weights_only_still_refuses_other_globals():
    import argparse
    f = io.BytesIO()
    torch.save({'x': argparse.Namespace(a=1)}, f)
    f.seek(0)
    with pytest.raises(Exception, match='Weights only load failed'):
        torch.load(f, weights_only=True)


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
    try:
        import pkg_resources  # noqa: F401
        pytest.skip('pkg_resources present: the shim is inactive')
    except ImportError:
        pass
    import mmengine.config.config as config_mod
    assert config_mod.get_installed_path is compat.get_installed_path
    from mmengine.config import Config
    cfg = Config.fromfile(
        osp.join(repo_root, 'tests', 'data', 'configs', 'mmaction_base.py'))
    assert cfg.default_scope == 'mmaction'
