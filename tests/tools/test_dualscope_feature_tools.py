# Copyright (c) mmvb contributors. All rights reserved.
"""tools/dualscope: feature caching (and training on the cache) and the
t-SNE plot, on a tiny synthetic driver set."""
import importlib.util
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmvb.apis import build_model_from_cfg, plot_embedding, tsne
from mmvb.datasets.synthetic import generate_driver_dataset
from mmvb.testing import get_config_path
from mmvb.utils import register_all_modules

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = ('dualscope/'
          'dualscope_r18-tiny_1xb16-16x1x1-20e_synthetic-driver-rgb.py')


def _tool(name):
    path = osp.join(ROOT, 'tools', 'dualscope', f'{name}.py')
    spec = importlib.util.spec_from_file_location(f'ds_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def tiny_set(tmp_path_factory):
    register_all_modules()
    root = str(tmp_path_factory.mktemp('driver'))
    generate_driver_dataset(
        root,
        num_train=16,
        num_val=8,
        num_frames=8,
        num_subjects=4,
        num_val_subjects=1,
        progress=False)
    return root


def _cfg(root, work_dir):
    cfg = Config.fromfile(get_config_path(CONFIG))
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg[key]
        loader.update(batch_size=4, num_workers=0, persistent_workers=False)
        loader.dataset.update(
            ann_file=f'{root}/annotations.json', data_prefix=dict(video=root))
        loader.dataset.pipeline[0].clip_len = 8
    cfg.feature_extraction.dataset.update(
        ann_file=f'{root}/annotations.json', data_prefix=dict(video=root))
    cfg.work_dir = work_dir
    cfg.train_cfg = dict(
        type='EpochBasedTrainLoop', max_epochs=1, val_interval=1)
    cfg.default_hooks.logger.interval = 1
    return cfg


def test_extract_features_and_train_on_them(tiny_set, tmp_path):
    cfg = _cfg(tiny_set, str(tmp_path / 'work'))
    torch.manual_seed(0)
    model = build_model_from_cfg(cfg)
    ckpt = str(tmp_path / 'model.pth')
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    feat_dir = str(tmp_path / 'features')
    tool = _tool('extract_features')
    summary = tool.extract(
        cfg,
        feat_dir,
        checkpoint=ckpt,
        frames_per_batch=5,
        num_workers=0,
        progress=False)
    assert summary['extracted'] == summary['num_samples'] == 24
    assert summary['feature_dims'] == 32 * 4 * 4
    files = sorted(f for f in os.listdir(feat_dir) if f.endswith('.npy'))
    assert len(files) == 24 and osp.isfile(osp.join(feat_dir, 'meta.json'))
    cached = np.load(osp.join(feat_dir, files[0]))
    assert cached.shape == (8, 512) and cached.dtype == np.float16

    # The cache holds what the encoder gives on every frame, in order.
    from mmaction.registry import DATASETS
    ds = DATASETS.build(cfg.feature_extraction.dataset)
    idx = next(
        i for i in range(len(ds))
        if ds.get_data_info(i)['sample_id'] + '.npy' == files[0])
    data = model.data_preprocessor(
        dict(inputs=[ds[idx]['inputs']], data_samples=None), False)
    with torch.no_grad():
        direct = model.extract_feat(data['inputs'], stage='backbone')[0][0]
    np.testing.assert_allclose(cached, direct.numpy(), rtol=2e-3, atol=2e-3)

    # A second run skips what exists.
    again = tool.extract(
        cfg, feat_dir, checkpoint=ckpt, num_workers=0, progress=False)
    assert again['extracted'] == 0

    # Train the temporal scope alone on the cache (no encoder built).
    feat_cfg = _cfg(tiny_set, str(tmp_path / 'feat_work'))
    feat_cfg.model.pop('backbone')
    feat_cfg.model.cls_head.in_channels = 512
    feat_pipeline = [
        dict(type='UniformSample', clip_len=8),
        dict(type='LoadClipFeatures'),
        dict(type='PackActionInputs')
    ]
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        feat_cfg[key].dataset.update(
            feature_root=feat_dir, pipeline=feat_pipeline)
    runner = Runner.from_cfg(feat_cfg)
    assert runner.model.backbone is None
    runner.train()
    metrics = runner.val_loop.run()
    assert 0.0 <= metrics['acc/top1'] <= 1.0


def test_tsne_separates_clusters():
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(4 * c, 1, (40, 10)) for c in range(3)])
    y = np.repeat(np.arange(3), 40)
    Y = tsne(X, perplexity=15, num_iters=400)
    assert Y.shape == (120, 2)
    d = ((Y[:, None] - Y[None])**2).sum(-1)
    np.fill_diagonal(d, np.inf)
    assert (y[d.argmin(1)] == y).mean() == 1.0  # 1-NN in the plot
    assert tsne(X[:2]).shape == (2, 2)


def test_plot_embedding_writes_image(tmp_path):
    out = str(tmp_path / 'plot.png')
    plot_embedding(
        np.random.rand(20, 2),
        np.arange(20) % 4,
        out, ['a', 'b', 'c', 'd'],
        title='t')
    with open(out, 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'


def test_tsne_tool_writes_plot(tiny_set, tmp_path):
    cfg = _cfg(tiny_set, str(tmp_path / 'work'))
    cfg_file = str(tmp_path / 'cfg.py')
    cfg.dump(cfg_file)
    model = build_model_from_cfg(cfg)
    ckpt = str(tmp_path / 'model.pth')
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    out = str(tmp_path / 'fig' / 'tsne.png')
    subprocess.run([
        sys.executable,
        osp.join(ROOT, 'tools', 'dualscope', 'tsne.py'), cfg_file, ckpt,
        '--out', out, '--split', 'val', '--iters', '250', '--no-progress'
    ],
                   check=True,
                   env=dict(os.environ, PYTHONPATH=ROOT))
    with open(out, 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'
    saved = np.load(osp.splitext(out)[0] + '.npz')
    assert saved['embeddings'].shape == (8, 64)
    assert saved['points'].shape == (8, 2) and len(saved['labels']) == 8
