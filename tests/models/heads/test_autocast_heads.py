# Copyright (c) mmvb contributors. All rights reserved.
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.registry import init_default_scope

import mmvb  # noqa: F401

HEADS = {
    'AutocastTSMHead': dict(num_segments=2),
    'AutocastTSNHead': dict(),
    'AutocastTSNAudioHead': dict(),
}


def _samples(labels):
    return [ActionDataSample().set_gt_label(label) for label in labels]


@pytest.mark.parametrize('name', sorted(HEADS))
def test_same_head_as_mmaction(name):
    init_default_scope('mmaction')
    cfg = dict(type=name, num_classes=4, in_channels=8, **HEADS[name])
    ours = MODELS.build(cfg)
    upstream = MODELS.build(dict(cfg, type=name[len('Autocast'):]))
    assert isinstance(ours, type(upstream))
    assert ours.state_dict().keys() == upstream.state_dict().keys()
    upstream.load_state_dict(ours.state_dict())
    scores = torch.tensor([[2., 1., 0., -1.], [0., 3., 1., 0.]])
    samples = _samples([0, 2])
    a = ours.loss_by_feat(scores, samples)
    b = upstream.loss_by_feat(scores, samples)
    assert a.keys() == b.keys()
    for key in a:
        torch.testing.assert_close(a[key], b[key])
    # sample 0 right (top-1), sample 1 wrong
    assert float(a['top1_acc']) == 0.5


def test_bf16_scores_under_autocast():
    """The logged accuracy works on bfloat16 scores, and the loss equals
    the float32 loss of the same (bf16-rounded) scores."""
    init_default_scope('mmaction')
    head = MODELS.build(
        dict(type='AutocastTSNHead', num_classes=4, in_channels=8))
    scores = torch.tensor([[2., 1., 0., -1.], [0., 3., 1., 0.]])
    samples = _samples([0, 2])
    with torch.autocast('cpu', dtype=torch.bfloat16):
        losses = head.loss_by_feat(scores.bfloat16(), samples)
    reference = head.loss_by_feat(scores, samples)
    assert float(losses['top1_acc']) == 0.5
    torch.testing.assert_close(losses['loss_cls'].float(),
                               reference['loss_cls'])


def test_mmaction_head_still_fails_on_bf16():
    """MMAction2 1.2.0 calls ``.numpy()`` on bfloat16 scores. Fails once
    MMAction2 casts first: then ``AutocastHeadMixin`` can go."""
    init_default_scope('mmaction')
    head = MODELS.build(dict(type='TSNHead', num_classes=4, in_channels=8))
    scores = torch.zeros(2, 4, dtype=torch.bfloat16)
    with pytest.raises(TypeError, match='BFloat16'):
        head.loss_by_feat(scores, _samples([0, 2]))


def test_mmvb_heads_have_the_mixin():
    from mmaction.models.heads import BaseHead

    from mmvb.models.heads import AutocastHeadMixin
    for name, cls in MODELS.module_dict.items():
        if cls.__module__.startswith('mmvb') and issubclass(cls, BaseHead) \
                and 'loss_by_feat' not in vars(cls):
            assert issubclass(cls, AutocastHeadMixin), name
