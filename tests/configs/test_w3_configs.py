# Copyright (c) mmvb contributors. All rights reserved.
"""configs/w3 recipes are consistent (frames, protocols, stage-1/stage-2
pairs, baselines, ablation switches); the metafile lists every config.
Building every config and running a loss/predict step is the shared sweep
of ``tests/test_configs.py``."""
import os.path as osp

import pytest
import yaml
from mmengine.config import Config

from mmvb.testing import get_config_path, get_config_root, list_configs

W3_CONFIGS = [c for c in list_configs() if c.startswith('w3' + osp.sep)]
PAPER_CONFIGS = [c for c in W3_CONFIGS if 'synthetic' not in c]


def _cfg(rel):
    return Config.fromfile(get_config_path(rel))


def _name(rel):
    return osp.splitext(osp.basename(rel))[0]


pytestmark = pytest.mark.usefixtures('quiet_mmaction_scope')


def test_configs_found():
    assert len(PAPER_CONFIGS) >= 24


def _pipelines(cfg):
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        yield loader, cfg[loader].dataset.pipeline


def _step(pipeline, kind):
    return next((s for s in pipeline if s['type'] == kind), None)


@pytest.mark.parametrize('rel', PAPER_CONFIGS)
def test_recipe_consistency(rel):
    cfg = _cfg(rel)
    t = cfg.model.backbone.num_segments
    assert cfg.model.cls_head.num_segments == t
    assert f'1x1x{t}' in rel
    for loader, pipeline in _pipelines(cfg):
        assert _step(pipeline, 'SampleFrames').num_clips == t, loader
    batch = cfg.train_dataloader.batch_size
    assert f'8xb{batch}' in rel
    assert cfg.auto_scale_lr.base_batch_size == 8 * batch
    # lr 0.01 per 64 clips (TSM's recipe)
    assert cfg.optim_wrapper.optimizer.lr == pytest.approx(0.01 * 8 * batch /
                                                           64)
    assert cfg.train_cfg.max_epochs == 50
    val = cfg.val_dataloader.dataset.pipeline
    # 1 clip x center crop 224 validation (Table 1's protocol)
    assert not _step(val, 'SampleFrames').get('twice_sample', False)
    assert _step(val, 'CenterCrop').crop_size == 224
    if 'sthv1' in rel:
        assert cfg.test_dataloader.dataset.pipeline == val
        assert cfg.train_dataloader.dataset.filename_tmpl == '{:05}.jpg'
        assert cfg.model.cls_head.num_classes == 174
    if 'sthv2' in rel:
        test = cfg.test_dataloader.dataset.pipeline
        assert _step(test, 'SampleFrames').twice_sample  # 16 x 2 clips
    if 'egogesture' in rel:
        assert cfg.model.cls_head.num_classes == 83
        assert _step(cfg.train_dataloader.dataset.pipeline, 'Flip') is None
    if 'epic-kitchens' in rel:
        head = cfg.model.cls_head
        assert (head.type, head.num_verbs, head.num_nouns) == \
            ('VerbNounHead', 125, 352)
        assert cfg.val_evaluator.type == 'VerbNounActionMetric'
        assert cfg.optim_wrapper.constructor == \
            'TSMHeadsOptimWrapperConstructor'
        test = cfg.test_dataloader.dataset.pipeline
        assert _step(test, 'TenCrop') and _step(test,
                                                'SampleFrames').twice_sample


def _stage1_of(rel):
    name = _name(rel)
    algo, rest = name.split('_', 1)
    assert algo.endswith('-mfr')
    return osp.join('w3', algo[:-len('-mfr')] + '_' + rest + '.py')


MFR_CONFIGS = [
    c for c in PAPER_CONFIGS if _name(c).split('_')[0].endswith('-mfr')
]


@pytest.mark.parametrize('rel', MFR_CONFIGS)
def test_stage2_matches_stage1(rel):
    """Stage 2 = stage 1's model, data and schedule + a teacher loaded from
    stage 1's default work dir (same backbone config)."""
    stage1_rel = _stage1_of(rel)
    stage1, stage2 = _cfg(stage1_rel), _cfg(rel)
    assert stage2.model.type == 'MFRRecognizer2D'
    assert stage1.model.type in ('Recognizer2D', 'W3Recognizer2D')
    # stage 2 keeps stage 1's objective (the AFR loss where it is on)
    assert stage2.model.get('afr_loss_weight', 0) == \
        stage1.model.get('afr_loss_weight', 0)
    # Eq. 9 per element, weight 0.01 on a 512-d feature's L2 norm
    assert stage2.model.mfr_loss == dict(
        type='FeatureMimicLoss', mode='rms', loss_weight=0.01 * 512**0.5)
    assert stage2.model.teacher_checkpoint == \
        f'work_dirs/{_name(stage1_rel)}/epoch_50.pth'
    assert stage2.model.backbone == stage1.model.backbone
    assert stage2.model.cls_head == stage1.model.cls_head
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader',
                'optim_wrapper', 'param_scheduler', 'train_cfg'):
        assert stage2[key] == stage1[key], key


@pytest.mark.parametrize(
    'rel', [c for c in PAPER_CONFIGS if _name(c).startswith('tsm_')])
def test_tsm_baselines_match_w3(rel):
    cfg = _cfg(rel)
    assert cfg.model.backbone.type == 'ResNetTSM'
    w3 = _cfg(osp.join('w3', 'w3_' + _name(rel).split('_', 1)[1] + '.py')) \
        if '-nl-' not in rel else None
    if w3 is not None:
        for key in ('train_dataloader', 'val_dataloader', 'test_dataloader',
                    'optim_wrapper', 'param_scheduler', 'train_cfg'):
            assert cfg[key] == w3[key], key
        assert cfg.model.cls_head == w3.model.cls_head
        tsm_keys = {
            k: v
            for k, v in w3.model.backbone.items()
            if k not in ('type', 'attention_cfg', 'attention_position',
                         'with_afr', 'afr_maps')
        }
        assert {k: v
                for k, v in cfg.model.backbone.items()
                if k != 'type'} == tsm_keys


def test_ablation_switches():
    base = 'imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py'
    get = {
        k: _cfg(osp.join('w3', f'{k}_{base}')).model
        for k in ('w3', 'w3-wo-afr', 'w3-wo-sa', 'w3-wo-ta', 'tsm-cbam')
    }
    assert get['w3'].backbone.with_afr
    assert not get['w3-wo-afr'].backbone.with_afr
    assert not get['w3-wo-sa'].backbone.attention_cfg.with_spatial
    assert not get['w3-wo-sa'].backbone.with_afr
    assert not get['w3-wo-ta'].backbone.attention_cfg.with_temporal
    assert get['tsm-cbam'].backbone.attention_cfg.type == 'CBAM'
    # Table 6 "+CBAM": image attention alone, no W3 feature refinement
    assert not get['tsm-cbam'].backbone.with_afr
    nl = _cfg(
        osp.join(
            'w3',
            'tsm_imagenet-pretrained-r50-nl-embedded-gaussian_8xb6-1x1x16-'
            '50e_sthv1-rgb.py')).model.backbone
    assert nl.type == 'ResNetTSM' and sum(map(sum, nl.non_local)) == 5


def test_readings_of_the_paper():
    """The switches of README's "Readings of the paper": depthwise temporal
    convolutions by default with dense variants of every main-table config,
    the CBAM baseline with and without W3's refinement, the AFR loss."""
    for rel in PAPER_CONFIGS:
        cfg = _cfg(rel)
        attention = cfg.model.backbone.get('attention_cfg') or {}
        if attention.get('type') != 'W3Attention':
            continue
        expected = 'dense' if '-dense-tconv_' in rel else 'depthwise'
        assert attention.temporal_conv == expected, rel
    dense = [c for c in PAPER_CONFIGS if '-dense-tconv_' in c]
    assert len(dense) == 10  # stage 1 + 2 of Tables 1 (8f, 16f), 2, 3, 4
    for rel in dense:
        twin = _cfg(rel.replace('-dense-tconv_', '_'))
        cfg = _cfg(rel)
        cfg.model.backbone.attention_cfg.temporal_conv = 'depthwise'
        if cfg.model.type == 'MFRRecognizer2D':
            cfg.model.teacher_checkpoint = twin.model.teacher_checkpoint
        assert cfg.model == twin.model, rel
        for key in ('train_dataloader', 'val_dataloader', 'test_dataloader',
                    'optim_wrapper', 'param_scheduler', 'train_cfg'):
            assert cfg[key] == twin[key], (rel, key)
    base = 'imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py'
    cbam_afr = _cfg(osp.join('w3', f'tsm-cbam-afr_{base}')).model
    assert cbam_afr.backbone.with_afr
    assert cbam_afr.backbone.attention_cfg.type == 'CBAM'
    afr_loss = _cfg(osp.join('w3', f'w3-afrloss_{base}')).model
    w3 = _cfg(osp.join('w3', f'w3_{base}')).model
    assert (afr_loss.type, afr_loss.afr_loss_weight) == ('W3Recognizer2D', 1.0)
    assert afr_loss.backbone == w3.backbone
    assert w3.get('afr_loss_weight', 0) == 0


def test_metafile_lists_every_config():
    root = get_config_root()
    with open(osp.join(root, 'w3', 'metafile.yml')) as f:
        meta = yaml.safe_load(f)
    listed = [m['Config'] for m in meta['Models']]
    assert len(listed) == len(set(listed))
    assert sorted(listed) == sorted(osp.join('configs', c) for c in W3_CONFIGS)
    for model in meta['Models']:
        assert model['Name'] == _name(model['Config'])
        assert model['In Collection'] == 'W3'
    repo = osp.dirname(root)
    with open(osp.join(repo, 'model-index.yml')) as f:
        index = yaml.safe_load(f)
    assert 'configs/w3/metafile.yml' in index['Import']
    with open(osp.join(root, 'w3', 'README.md')) as f:
        readme = f.read()
    for rel in W3_CONFIGS:
        assert osp.basename(rel) in readme, rel


def test_benchmark_preset():
    import sys
    repo = osp.dirname(get_config_root())
    sys.path.insert(0, osp.join(repo, 'tools', 'analysis'))
    try:
        from benchmark_presets import PRESETS
    finally:
        sys.path.pop(0)
    entries = PRESETS['w3']
    assert [e['name'] for e in entries] == [
        'TSM-R50 8x224x224', 'TSM-R50+W3 8x224x224',
        'TSM-R50+W3 dense 8x224x224', 'TSM-R50 16x224x224',
        'TSM-R50+W3 16x224x224', 'TSM-R50+W3 dense 16x224x224'
    ]
    for entry in entries:
        cfg = Config.fromfile(osp.join(repo, entry['config']))
        assert entry['shape'][1] == cfg.model.backbone.num_segments
        assert entry['batch'] == cfg.train_dataloader.batch_size
        assert (cfg.model.backbone.type == 'ResNetTSMW3') == \
            ('W3' in entry['name'])
        if 'W3' in entry['name']:
            assert cfg.model.backbone.attention_cfg.temporal_conv == (
                'dense' if 'dense' in entry['name'] else 'depthwise')
