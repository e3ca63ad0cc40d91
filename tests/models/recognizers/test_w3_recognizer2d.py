# Copyright (c) mmvb contributors. All rights reserved.
"""W3's stage-1 objective (Sec. 3.4): cross-entropy plus the AFR loss."""
import math

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

from mmvb.models import MFRRecognizer2D, W3Recognizer2D

T = 2
pytestmark = pytest.mark.usefixtures('quiet_mmaction_scope')


def _cfg(**kwargs):
    cfg = dict(
        type='W3Recognizer2D',
        backbone=dict(
            type='ResNetTSMW3',
            depth=18,
            num_segments=T,
            pretrained=None,
            pretrained2d=False,
            with_afr=True),
        cls_head=dict(
            type='TSMHead',
            num_classes=3,
            in_channels=512,
            num_segments=T,
            spatial_type='avg',
            consensus=dict(type='AvgConsensus', dim=1),
            dropout_ratio=0.0,
            is_shift=True))
    cfg.update(kwargs)
    return cfg


def _build(**kwargs):
    torch.manual_seed(0)
    model = MODELS.build(_cfg(**kwargs))
    model.init_weights()
    return model


def _batch(labels=(0, 2)):
    inputs = torch.randn(len(labels), T, 3, 32, 32)
    samples = [ActionDataSample().set_gt_label(y) for y in labels]
    return inputs, samples


def test_afr_loss_hand_checked():
    """Refinement conv: zero weights, bias e_0, so f_ref(M^ms) = relu(e_0)
    at every position and frame; classifier column 0 = (2, 0, -1), all
    else zero. The refinement alone scores (2, 0, -1) in every frame, so
    for labels 0 and 2 the cross-entropies are log(1 + e^-2 + e^-3) and
    that + 3."""
    model = _build(afr_loss_weight=0.5)
    assert isinstance(model, W3Recognizer2D)
    with torch.no_grad():
        model.backbone.afr.conv.weight.zero_()
        model.backbone.afr.conv.bias.zero_()
        model.backbone.afr.conv.bias[0] = 1.0
        model.cls_head.fc_cls.weight.zero_()
        model.cls_head.fc_cls.weight[:, 0] = torch.tensor([2.0, 0.0, -1.0])
        model.cls_head.fc_cls.bias.zero_()
    inputs, samples = _batch()
    losses = model.loss(inputs, samples)
    ce0 = math.log(1 + math.exp(-2) + math.exp(-3))
    assert losses['loss_afr_cls'].item() == pytest.approx(
        0.5 * (ce0 + ce0 + 3) / 2, rel=1e-5)
    assert {'loss_cls', 'loss_afr_cls'} <= set(losses)
    assert not any(k.startswith('loss_afr') and 'acc' in k for k in losses)


def test_afr_loss_is_the_head_loss_of_the_refining_map():
    """Random weights: loss_afr_cls = w * CE(head(f_ref(M^ms))), where the
    refining map is Eq. 8's ``y - x`` (refined minus plain last stage)."""
    model = _build(afr_loss_weight=2.0)
    model.eval()  # no BN updates between the passes below
    inputs, samples = _batch()
    frames = inputs.view(-1, 3, 32, 32)
    with torch.no_grad():
        refined = model.backbone(frames)
        model.backbone.with_afr = False
        plain = model.backbone(frames)
        model.backbone.with_afr = True
        expected = 2.0 * model.cls_head.loss(
            refined - plain, samples, num_segs=T)['loss_cls']
        losses = model.loss(inputs, samples)
    torch.testing.assert_close(losses['loss_afr_cls'], expected)
    torch.testing.assert_close(
        losses['loss_cls'],
        model.cls_head.loss(refined, samples, num_segs=T)['loss_cls'])


def test_afr_loss_reaches_every_attention_module():
    model = _build(afr_loss_weight=1.0)
    model.train()
    losses = model.loss(*_batch())
    losses['loss_afr_cls'].backward()
    # the masks of the stages' last blocks feed the refinement
    for name in model.backbone.afr_sources:
        conv = model.backbone.get_submodule(name).spatial_conv
        assert conv.weight.grad is not None
        assert conv.weight.grad.abs().sum() > 0, name
    assert model.backbone.afr.conv.weight.grad.abs().sum() > 0


def test_off_is_recognizer2d():
    model = _build()  # afr_loss_weight = 0
    plain = MODELS.build(_cfg(type='Recognizer2D'))
    plain.load_state_dict(model.state_dict())
    model.eval()
    plain.eval()
    inputs, samples = _batch()
    with torch.no_grad():
        losses = model.loss(inputs, samples)
        expected = plain.loss(inputs, samples)
    assert set(losses) == set(expected)
    for key in expected:
        torch.testing.assert_close(losses[key], expected[key])
    with torch.no_grad():
        a = model(inputs, samples, mode='predict')[0].pred_score
        b = plain(inputs, samples, mode='predict')[0].pred_score
    torch.testing.assert_close(a, b)


def test_mfr_keeps_the_afr_loss():
    cfg = _cfg(type='MFRRecognizer2D', afr_loss_weight=1.0)
    model = MODELS.build(cfg)
    assert isinstance(model, MFRRecognizer2D)
    model.init_weights()  # no teacher checkpoint: random teacher
    losses = model.loss(*_batch())
    assert {'loss_cls', 'loss_afr_cls', 'loss_mfr'} <= set(losses)


def test_bad_settings():
    with pytest.raises(ValueError, match='ResNetTSMW3'):
        MODELS.build(
            _cfg(
                afr_loss_weight=1.0,
                backbone=dict(
                    type='ResNetTSM',
                    depth=18,
                    num_segments=T,
                    pretrained=None)))
    with pytest.raises(ValueError, match='with_afr=False'):
        cfg = _cfg(afr_loss_weight=1.0)
        cfg['backbone']['with_afr'] = False
        MODELS.build(cfg)
    with pytest.raises(ValueError, match='>= 0'):
        MODELS.build(_cfg(afr_loss_weight=-1.0))
