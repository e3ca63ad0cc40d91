# Copyright (c) mmvb contributors. All rights reserved.
import os.path as osp

import pytest
import torch

from mmvb.testing import (demo_inputs, disable_pretrained, get_config_path,
                          get_config_root, list_configs)


def test_config_lookup():
    root = get_config_root()
    assert osp.isdir(root)
    configs = list_configs()
    assert 'synthetic/tsm_r18_1xb16-1x1x8-15e_synthetic-motion-rgb.py' in \
        configs
    assert not any('_base_' in c for c in configs)
    assert osp.isfile(get_config_path(configs[0]))
    with pytest.raises(FileNotFoundError, match='not found'):
        get_config_path('nope/missing.py')


def test_disable_pretrained():
    cfg = dict(
        type='Recognizer2D',
        backbone=dict(
            type='ResNetTSM', depth=50, pretrained='torchvision://resnet50'),
        teacher_checkpoint='work_dirs/stage1/epoch_50.pth',
        neck=dict(
            type='X',
            init_cfg=[
                dict(type='Pretrained', checkpoint='a.pth'),
                dict(type='Constant', val=0)
            ]),
        cls_head=dict(
            type='TSMHead',
            init_cfg=dict(type='Pretrained', checkpoint='b.pth')),
        num_ckpt=3)
    out = disable_pretrained(cfg)
    assert out['backbone']['pretrained'] is None
    # ResNetTSM takes pretrained2d (default True): switched off as well
    assert out['backbone']['pretrained2d'] is False
    assert out['teacher_checkpoint'] is None
    assert out['neck']['init_cfg'] == [dict(type='Constant', val=0)]
    assert out['cls_head']['init_cfg'] is None
    assert out['num_ckpt'] == 3  # not a path
    assert cfg['backbone']['pretrained'] == 'torchvision://resnet50'


def test_demo_inputs():
    cfg = dict(
        type='Recognizer2D',
        backbone=dict(type='ResNetTSM', num_segments=8),
        cls_head=dict(num_classes=5))
    inputs, samples = demo_inputs(cfg, batch_size=3)
    assert inputs.shape == (3, 8, 3, 64, 64)
    assert [int(s.gt_label) for s in samples] == [0, 1, 2]
    inputs, _ = demo_inputs(cfg, 2, input_shape=(1, 8, 3, 224, 224))
    assert inputs.shape == (2, 8, 3, 224, 224)
    with pytest.raises(KeyError, match='no demo inputs registered'):
        demo_inputs(dict(type='NoSuchModel'))
    assert isinstance(inputs, torch.Tensor)
