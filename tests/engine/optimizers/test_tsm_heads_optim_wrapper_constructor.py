# Copyright (c) mmvb contributors. All rights reserved.
"""Parameter groups of W3 models under TSM's optimizer constructors."""

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.optim import build_optim_wrapper
from torch import nn

LR, WD = 0.01, 1e-4

pytestmark = pytest.mark.usefixtures('quiet_mmaction_scope')


def _model(head):
    model = MODELS.build(
        dict(
            type='Recognizer2D',
            backbone=dict(
                type='ResNetTSMW3',
                depth=18,
                num_segments=4,
                pretrained=None,
                pretrained2d=False),
            cls_head=head))
    model.init_weights()
    return model


TSM_HEAD = dict(type='TSMHead', num_classes=5, in_channels=512, num_segments=4)
VERB_NOUN_HEAD = dict(
    type='VerbNounHead',
    num_verbs=3,
    num_nouns=4,
    in_channels=512,
    num_segments=4)


def _groups(model, constructor):
    wrapper = build_optim_wrapper(
        model,
        dict(
            constructor=constructor,
            paramwise_cfg=dict(fc_lr5=True),
            optimizer=dict(type='SGD', lr=LR, momentum=0.9, weight_decay=WD)))
    where = {}
    for group in wrapper.optimizer.param_groups:
        for p in group['params']:
            assert id(p) not in where, 'a parameter is in two groups'
            where[id(p)] = (group['lr'] / LR, group['weight_decay'] / WD)
    assert set(where) == {id(p) for p in model.parameters()}
    return where


@pytest.mark.parametrize(
    'constructor',
    ['TSMOptimWrapperConstructor', 'TSMHeadsOptimWrapperConstructor'])
def test_w3_parameters_get_tsm_groups(constructor):
    model = _model(TSM_HEAD)
    where = _groups(model, constructor)
    backbone = model.backbone
    assert where[id(backbone.conv1.conv.weight)] == (1, 1)  # first conv
    attention = backbone.layer3[1].attention
    for m in attention.modules():
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            assert where[id(m.weight)] == (1, 1)  # lr, weight decay
            assert where[id(m.bias)] == (2, 0)  # 2x lr, no decay
    assert where[id(backbone.afr.conv.weight)] == (1, 1)
    assert where[id(backbone.afr.conv.bias)] == (2, 0)
    assert where[id(backbone.layer1[0].conv1.bn.weight)] == (1, 0)
    assert where[id(model.cls_head.fc_cls.weight)] == (5, 1)
    assert where[id(model.cls_head.fc_cls.bias)] == (10, 0)


def test_every_classifier_of_the_head_gets_fc_lr5():
    model = _model(VERB_NOUN_HEAD)
    upstream = _groups(model, 'TSMOptimWrapperConstructor')
    # the upstream trap: only the last classifier gets the 5x rate
    assert upstream[id(model.cls_head.fc_verb.weight)] == (1, 1)
    assert upstream[id(model.cls_head.fc_noun.weight)] == (5, 1)
    ours = _groups(model, 'TSMHeadsOptimWrapperConstructor')
    for fc in (model.cls_head.fc_verb, model.cls_head.fc_noun):
        assert ours[id(fc.weight)] == (5, 1)
        assert ours[id(fc.bias)] == (10, 0)
    # everything else as upstream
    head_ids = {id(p) for p in model.cls_head.parameters()}
    assert {k: v for k, v in ours.items() if k not in head_ids} == \
        {k: v for k, v in upstream.items() if k not in head_ids}


def test_without_fc_lr5_groups_are_upstream():
    model = _model(VERB_NOUN_HEAD)
    cfgs = [
        dict(
            constructor=c,
            paramwise_cfg=dict(fc_lr5=False),
            optimizer=dict(type='SGD', lr=LR, weight_decay=WD))
        for c in ('TSMOptimWrapperConstructor',
                  'TSMHeadsOptimWrapperConstructor')
    ]
    a, b = (build_optim_wrapper(model, c).optimizer.param_groups for c in cfgs)
    assert [[id(p) for p in g['params']] for g in a] == \
        [[id(p) for p in g['params']] for g in b]
    assert torch.is_tensor(model.cls_head.fc_verb.weight)
