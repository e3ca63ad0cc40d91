# Copyright (c) mmvb contributors. All rights reserved.
from unittest.mock import MagicMock

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.registry import DefaultScope

from mmvb.testing import demo_inputs

TINY_CFG = dict(
    type='BMViTLocalizer',
    backbone=dict(
        type='BMViTBackbone',
        arch=dict(
            embed_dims=8, num_layers=3, num_heads=1, downscale_indices=[1, 2]),
        spatial_size=64,
        temporal_size=8),
    head=dict(type='BMViTHead', num_classes=5, in_channels=32, embed_dims=16),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[127.5] * 3,
        std=[64.0] * 3,
        format_shape='NCTHW'))


@pytest.fixture
def model():
    with DefaultScope.overwrite_default_scope('mmaction'):
        torch.manual_seed(0)
        net = MODELS.build(TINY_CFG)
        net.init_weights()
    return net


def _batch(batch_size=2):
    inputs, samples = demo_inputs(TINY_CFG, batch_size)
    return dict(inputs=list(inputs * 255), data_samples=samples)


def test_train_step(model):
    optim_wrapper = MagicMock()
    log_vars = model.train_step(_batch(), optim_wrapper)
    assert {
        'loss', 'loss_actor', 'loss_cls', 'loss_bbox', 'loss_giou', 'num_gt'
    } <= set(log_vars)
    optim_wrapper.update_params.assert_called_once()


def test_test_step_writes_ava_predictions(model):
    model.head.actor_thr = 0.0  # keep every token of the random model
    samples = model.test_step(_batch())
    assert len(samples) == 2
    pred = samples[0].pred_instances
    # 2(C+T): 2 x (64 / 4 / 2)^2 = 128 tokens
    assert pred.bboxes.shape == (128, 4)
    assert pred.scores.shape == (128, 5)
    assert (pred.bboxes >= 0).all() and (pred.bboxes <= 1).all()
    assert (pred.scores[:, 0] == 0).all()


def test_tensor_mode_and_clip_dim(model):
    inputs, _ = demo_inputs(TINY_CFG, 2)
    boxes, actor, cls = model(inputs)
    assert boxes.shape == (2, 128, 4)
    assert actor.shape == (2, 128, 2)
    assert cls.shape == (2, 128, 4)
    boxes6, _, _ = model(inputs[:, None])  # [B, 1, 3, T, H, W]
    torch.testing.assert_close(boxes6, boxes)
    with pytest.raises(RuntimeError, match='Invalid mode'):
        model(inputs, mode='bad')
