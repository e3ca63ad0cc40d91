# Copyright (c) mmvb contributors. All rights reserved.
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.logging import MessageHub
from mmengine.registry import DefaultScope

from mmvb.engine import PCGradOptimWrapper
from mmvb.ops import crop_regions

TINY = dict(embed_dims=32, num_layers=2, num_heads=2, feedforward_channels=64)


@pytest.fixture(autouse=True)
def _mmaction_scope():
    with DefaultScope.overwrite_default_scope('mmaction'):
        yield


def _model(peft='ta_si', **kwargs):
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='SBCDPretrainer',
            backbone=dict(
                type='BCVEncoder', arch=TINY, img_size=56, peft=peft),
            crcd_head=dict(
                type='CRCDHead',
                embed_dims=32,
                region_dims=16,
                region_num_heads=2,
                num_heads=2),
            irdd_head=dict(type='IRDDHead'),
            data_preprocessor=dict(type='ImgDataPreprocessor'),
            **kwargs))
    model.init_weights()
    return model


def _batch(b=2):
    torch.manual_seed(1)
    samples = []
    for i in range(b):
        s = ActionDataSample()
        s.set_field(
            torch.tensor([[2.0, 1, 20, 22], [30, 28, 52, 50],
                          [4, 30, 25, 55]]), 'region_boxes')
        s.set_field(torch.randn(3, 16), 'region_tokens')
        s.set_field(torch.tensor([True, True, i == 0]), 'region_valid')
        samples.append(s)
    return torch.randn(b, 3, 56, 56), samples


def test_losses_and_task_loss_list():
    model = _model()
    inputs, samples = _batch()
    losses = model(inputs, samples, mode='loss')
    assert set(losses) == {'loss_crcd', 'loss_irdd'}
    assert all(torch.isfinite(v) and v.requires_grad for v in losses.values())
    parsed, log_vars = model.parse_losses(losses)
    assert isinstance(parsed, list) and len(parsed) == 2
    torch.testing.assert_close(log_vars['loss'],
                               losses['loss_crcd'] + losses['loss_irdd'])
    model.task_losses = False
    parsed, _ = model.parse_losses(losses)
    assert parsed.dim() == 0
    assert model(inputs, mode='tensor').shape == (2, 17, 32)
    with pytest.raises(RuntimeError, match='supports mode'):
        model(inputs, samples, mode='predict')


def test_teacher_is_the_unadapted_vit_on_batched_crops():
    model = _model()
    for p in model.backbone.adapter_parameters():
        torch.nn.init.normal_(p, std=0.05)
    inputs, samples = _batch()
    boxes = torch.stack([s.region_boxes for s in samples])
    targets = model.teacher_targets(inputs, boxes)
    assert targets.shape == (2, 3, 32) and not targets.requires_grad
    # One crop at a time through a plain (adapter-free) copy of the ViT.
    plain = MODELS.build(
        dict(
            type='BCVEncoder',
            arch=TINY,
            img_size=56,
            peft='none',
            out_type='raw'))
    plain.load_state_dict(model.backbone.state_dict(), strict=False)
    for b in range(2):
        for r in range(3):
            crop = crop_regions(inputs[b:b + 1], boxes[b:b + 1, r:r + 1],
                                (56, 56))
            torch.testing.assert_close(
                targets[b, r], plain(crop)[-1][0, 0], rtol=1e-4, atol=1e-5)
    # Invalid regions are not run through the teacher: zero targets.
    valid = torch.stack([s.region_valid for s in samples])
    masked = model.teacher_targets(inputs, boxes, valid)
    torch.testing.assert_close(masked[valid], targets[valid])
    assert (masked[~valid] == 0).all()
    # Adapters are switched back on afterwards.
    assert all(m.enabled for m in model.backbone.modules()
               if hasattr(m, 'enabled'))


def test_full_finetuning_keeps_a_frozen_teacher_copy():
    model = _model(peft='full')
    assert model.teacher is not None
    assert not any(p.requires_grad for p in model.teacher.parameters())
    for k, v in model.teacher.state_dict().items():
        assert torch.equal(v, model.backbone.state_dict()[k])
    model.train()
    assert not model.teacher.training


def test_train_step_updates_only_trainable_parts_with_pcgrad_and_bf16():
    model = _model()
    MessageHub.get_instance('sbcd_test')
    wrapper = PCGradOptimWrapper(
        optimizer=torch.optim.AdamW(
            [p for p in model.parameters() if p.requires_grad], lr=1e-2),
        dtype='bfloat16')
    before = {k: v.clone() for k, v in model.state_dict().items()}
    inputs, samples = _batch()
    log_vars = model.train_step(
        dict(
            inputs=list((inputs * 50 + 120).clamp(0, 255).byte()),
            data_samples=samples), wrapper)
    assert {'loss', 'loss_crcd', 'loss_irdd'} <= set(log_vars)
    assert wrapper.num_task_steps == 1
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    after = model.state_dict()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed and changed <= trainable
    assert any(k.startswith('crcd_head.') for k in changed)
    assert any('si_' in k or 'ta_adapter' in k for k in changed)
