# Copyright (c) mmvb contributors. All rights reserved.
"""DualScope BCVE configs: the sweep, the synthetic "it learns" run (both
SBCD losses decrease, PCGrad resolves conflicts) and a 2-process CPU run
through ``tools/dist_train.sh``."""
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from mmvb.datasets.synthetic import generate_driver_regions_dataset
from mmvb.models.backbones import count_parameters
from mmvb.testing import disable_pretrained, get_config_path, list_configs

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SYNTHETIC = (
    'dualscope/'
    'bcve-sbcd_vit-tiny-p14_1xb8-300i_synthetic-driver-regions-rgb.py')
# Heads of the ViT-L/14 pre-trainer: KRCE (LayerNorm 512, self-attention
# 4*256*256 + 4*256, linear 256*1024 + 1024) + cross-attention
# (4*1024*1024 + 4*1024).
HEADS = 512 + 263_168 + 263_168 + 4_198_400
PAPER_CONFIGS = {
    'bcve-sbcd_': ('ta_si', True, 930_592),
    'bcve-sbcd-wo-gs_': ('ta_si', False, 930_592),
    'bcve-sbcd-full-ft_': ('full', True, 303_179_776),
    'bcve-sbcd-lora_': ('lora', True, 1_572_864),
    'bcve-sbcd-adaptformer_': ('adaptformer', True, 3_171_840),
    'bcve-sbcd-ta-only_': ('ta', True, 66_592),
    'bcve-sbcd-si-only_': ('si', True, 864_000),
}


def _bcve_configs():
    return [
        c for c in list_configs()
        if c.startswith('dualscope/bcve-') and 'synthetic' not in c
    ]


def test_every_paper_config_is_listed():
    names = [osp.basename(c) for c in _bcve_configs()]
    assert len(names) == len(PAPER_CONFIGS)
    for prefix in PAPER_CONFIGS:
        assert sum(n.startswith(prefix) for n in names) == 1, prefix


@pytest.mark.parametrize('rel', _bcve_configs())
def test_paper_configs_build_at_full_size(rel):
    cfg = Config.fromfile(get_config_path(rel))
    name = osp.basename(rel)
    prefix = next(p for p in PAPER_CONFIGS if name.startswith(p))
    peft, surgery, adapter_params = PAPER_CONFIGS[prefix]
    assert cfg.optim_wrapper.type == 'PCGradOptimWrapper'
    assert cfg.optim_wrapper.surgery is surgery
    assert cfg.optim_wrapper.optimizer.lr == 1e-4
    assert cfg.param_scheduler[0].type == 'CosineAnnealingLR'
    assert cfg.model.backbone.ta_dims == 32 and cfg.model.backbone.si_dims == 8
    with DefaultScope.overwrite_default_scope('mmaction'), \
            torch.device('meta'):
        model = MODELS.build(disable_pretrained(cfg.model))
    assert model.backbone.peft == peft
    assert count_parameters(model.backbone) == adapter_params
    assert count_parameters(model.crcd_head) == HEADS
    assert count_parameters(model) == adapter_params + HEADS
    assert (model.teacher is not None) == (peft == 'full')


def test_bcve_encoder_base_config_fills_the_frame_encoder_slot(tmp_path):
    """``configs/_base_/models/bcve_vit-large-p14.py``: frozen, [CLS] out
    ([N, 1024] as the tuple's last element), usable as
    ``{{_base_.bcve_encoder}}`` in a DDAR config."""
    base = osp.join(REPO, 'configs/_base_/models/bcve_vit-large-p14.py')
    ddar = tmp_path / 'ddar_bcve.py'
    ddar.write_text(f"_base_ = ['{base}']\n"
                    "model = dict(type='DualScopeRecognizer', "
                    'backbone={{_base_.bcve_encoder}}, '
                    'freeze_backbone=True)\n')
    cfg = Config.fromfile(str(ddar))
    assert cfg.model.backbone.type == 'BCVEncoder'
    enc = dict(cfg.model.backbone)
    assert enc['init_cfg']['prefix'] == 'backbone.'
    enc.pop('init_cfg')
    with DefaultScope.overwrite_default_scope('mmaction'), \
            torch.device('meta'):
        model = MODELS.build(enc)
        out = model(torch.empty(2, 3, 224, 224))
    assert count_parameters(model) == 0
    assert isinstance(out, tuple) and tuple(out[-1].shape) == (2, 1024)


@pytest.fixture(scope='module')
def synthetic_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('driver_regions')
    generate_driver_regions_dataset(
        str(root), num_train=96, seed=0, progress=False)
    return str(root)


def _synthetic_cfg(root, work_dir, monkeypatch, **overrides):
    monkeypatch.setenv('MMVB_DATA_ROOT', root)
    cfg = Config.fromfile(get_config_path(SYNTHETIC))
    cfg.work_dir = work_dir
    cfg.merge_from_dict(overrides)
    return cfg


@pytest.mark.slow
def test_synthetic_sbcd_losses_decrease_with_pcgrad(synthetic_root, tmp_path,
                                                    monkeypatch):
    iters = 200
    cfg = _synthetic_cfg(
        synthetic_root, str(tmp_path), monkeypatch, **{
            'train_cfg.max_iters': iters,
            'param_scheduler.0.T_max': iters,
            'param_scheduler.0.end': iters,
            'default_hooks.checkpoint.interval': iters,
            'randomness': dict(seed=0),
        })
    torch.set_num_threads(1)
    runner = Runner.from_cfg(cfg)
    runner.train()
    hub = runner.message_hub
    for key in ('train/loss_crcd', 'train/loss_irdd'):
        values = np.asarray(hub.get_scalar(key).data[0], dtype=np.float64)
        assert len(values) == iters
        first, last = values[:20].mean(), values[-20:].mean()
        assert last < 0.5 * first, (key, first, last)
    wrapper = runner.optim_wrapper
    assert wrapper.num_task_steps == iters
    # Gradient Surgery was needed (conflicting CRCD/IRDD gradients).
    assert wrapper.num_conflicts > 0
    conflicts = hub.get_scalar('train/pcgrad_conflict').data[0]
    assert len(conflicts) == iters and max(conflicts) == 1.0


def test_synthetic_config_trains_on_two_cpu_processes(synthetic_root, tmp_path,
                                                      free_port):
    env = dict(
        os.environ,
        MMVB_DATA_ROOT=synthetic_root,
        PYTHON=sys.executable,
        PORT=str(free_port),
        OMP_NUM_THREADS='1',
        CUDA_VISIBLE_DEVICES='')
    work = tmp_path / 'dist'
    cmd = [
        'bash',
        osp.join(REPO, 'tools/dist_train.sh'),
        get_config_path(SYNTHETIC), '2', '--work-dir',
        str(work), '--cfg-options', 'train_cfg.max_iters=4',
        'default_hooks.checkpoint.interval=4',
        'default_hooks.logger.interval=1'
    ]
    proc = subprocess.run(
        cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (work / 'iter_4.pth').exists()
    log = (proc.stdout + proc.stderr)
    assert 'pcgrad_cos' in log and 'loss_irdd' in log


def test_metafile_lists_the_bcve_configs():
    import yaml
    with open(osp.join(REPO, 'configs/dualscope/metafile.yml')) as f:
        meta = yaml.safe_load(f)
    models = {
        m['Config']: m
        for m in meta['Models']
        if osp.basename(m['Config']).startswith('bcve-')
    }
    expected = {f'configs/{c}' for c in _bcve_configs() + [SYNTHETIC]}
    assert set(models) == expected
    for config, m in models.items():
        assert osp.isfile(osp.join(REPO, config))
        assert m['Name'] == osp.splitext(osp.basename(config))[0]
        if 'synthetic' in config:
            continue
        prefix = next(p for p in PAPER_CONFIGS if m['Name'].startswith(p))
        assert m['Metadata']['Parameters'] == PAPER_CONFIGS[prefix][2]


def _ddar_bcve_configs():
    return [
        c for c in list_configs()
        if c.startswith('dualscope/dualscope_sbcd-pretrained-bcve-')
    ]


def test_ddar_configs_switched_to_bcve():
    """The seven DDAR datasets (and AIDE end to end) with BCVE as the frame
    encoder: everything but the encoder and the feature cache equals the
    frozen-CLIP configs they inherit."""
    configs = _ddar_bcve_configs()
    assert len(configs) == 8
    for rel in configs:
        cfg = Config.fromfile(get_config_path(rel))
        clip = Config.fromfile(
            get_config_path(
                rel.replace('dualscope_sbcd-pretrained-bcve-vit-large-p14',
                            'dualscope_clip-pretrained-vit-large-p14')))
        if '-feat_' in rel:
            encoder, clip_encoder = cfg.frame_encoder, clip.frame_encoder
            root = cfg.train_dataloader.dataset.feature_root
            assert root != clip.train_dataloader.dataset.feature_root
            assert 'bcve' in root
            assert cfg.model.to_dict() == clip.model.to_dict()
        else:
            encoder, clip_encoder = cfg.model.backbone, clip.model.backbone
            assert cfg.model.cls_head == clip.model.cls_head
        assert encoder.type == 'BCVEncoder' and encoder.frozen
        assert encoder.peft == 'ta_si' and '_delete_' not in encoder
        assert clip_encoder.type == 'mmpretrain.VisionTransformer'
        assert cfg.optim_wrapper == clip.optim_wrapper
