# Copyright (c) mmvb contributors. All rights reserved.
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmaction.datasets.transforms import PackActionInputs
from mmaction.registry import METRICS, MODELS
from mmaction.structures import ActionDataSample
from mmengine.registry import DefaultScope

from mmvb.models import VerbNounHead

V, N, C = 4, 6, 8


def _samples(labels):
    return [ActionDataSample().set_gt_label(lab) for lab in labels]


def _head(**kwargs):
    cfg = dict(type='VerbNounHead', num_verbs=V, num_nouns=N, in_channels=C)
    cfg.update(kwargs)
    head = MODELS.build(cfg)
    assert isinstance(head, VerbNounHead)
    head.init_weights()
    return head


def test_forward_shapes_and_pooling():
    torch.manual_seed(0)
    head = _head(dropout_ratio=0.0)
    x = torch.randn(3, C)
    out = head(x)
    assert out.shape == (3, V + N)
    expected = torch.cat((head.fc_verb(x), head.fc_noun(x)), -1)
    torch.testing.assert_close(out, expected)
    # [N, C, H, W] is average-pooled; [N, C, T, H, W] too.
    fmap = torch.randn(3, C, 5, 7)
    torch.testing.assert_close(head(fmap), head(fmap.mean((2, 3))))
    vol = torch.randn(3, C, 2, 5, 7)
    torch.testing.assert_close(head(vol), head(vol.mean((2, 3, 4))))


def test_tsm_segment_consensus():
    torch.manual_seed(1)
    head = _head(num_segments=4, dropout_ratio=0.5)
    head.eval()
    x = torch.randn(2 * 4, C, 3, 3)
    out = head(x, num_segs=4)
    assert out.shape == (2, V + N)
    pooled = x.mean((2, 3))
    per_seg = torch.cat((head.fc_verb(pooled), head.fc_noun(pooled)), -1)
    torch.testing.assert_close(out, per_seg.view(2, 4, -1).mean(1))


def test_loss_is_weighted_sum_of_two_cross_entropies():
    torch.manual_seed(2)
    head = _head(dropout_ratio=0.0, loss_weights=(0.5, 2.0), topk=(1, 2))
    x = torch.randn(3, C)
    labels = [[0, 5], [3, 1], [1, 1]]
    losses = head.loss(x, _samples(labels))
    scores = head(x)
    lab = torch.tensor(labels)
    ce_verb = F.cross_entropy(scores[:, :V], lab[:, 0])
    ce_noun = F.cross_entropy(scores[:, V:], lab[:, 1])
    torch.testing.assert_close(losses['loss_verb'], 0.5 * ce_verb)
    torch.testing.assert_close(losses['loss_noun'], 2.0 * ce_noun)
    verb_top1 = (scores[:, :V].argmax(1) == lab[:, 0]).float().mean()
    assert losses['verb_top1_acc'].item() == pytest.approx(verb_top1.item())
    assert set(losses) == {
        'loss_verb', 'loss_noun', 'verb_top1_acc', 'verb_top2_acc',
        'noun_top1_acc', 'noun_top2_acc'
    }
    # Gradients reach both classifiers.
    (losses['loss_verb'] + losses['loss_noun']).backward()
    assert head.fc_verb.weight.grad.abs().sum() > 0
    assert head.fc_noun.weight.grad.abs().sum() > 0


def test_loss_by_hand_with_known_logits():
    head = _head(dropout_ratio=0.0)
    # Zero weights and bias -> uniform logits: CE = log(V) + log(N).
    for fc in (head.fc_verb, head.fc_noun):
        torch.nn.init.zeros_(fc.weight)
        torch.nn.init.zeros_(fc.bias)
    losses = head.loss(torch.randn(2, C), _samples([[1, 2], [3, 4]]))
    total = losses['loss_verb'] + losses['loss_noun']
    torch.testing.assert_close(total, torch.tensor(math.log(V) + math.log(N)))


def test_label_smoothing_per_task():
    torch.manual_seed(3)
    head = _head(dropout_ratio=0.0, label_smooth_eps=0.1)
    x = torch.randn(2, C)
    losses = head.loss(x, _samples([[0, 1], [2, 3]]))
    scores = head(x)
    soft = F.one_hot(torch.tensor([0, 2]), V) * 0.9 + 0.1 / V
    ref = -(soft * scores[:, :V].log_softmax(-1)).sum(-1).mean()
    torch.testing.assert_close(losses['loss_verb'], ref)


def test_bad_label_shape_raises():
    head = _head()
    with pytest.raises(ValueError, match='verb, noun'):
        head.loss(torch.randn(2, C), _samples([1, 2]))


def test_predict_layout_and_view_averaging():
    torch.manual_seed(4)
    head = _head(dropout_ratio=0.0, average_clips='prob')
    head.eval()
    views = 3
    x = torch.randn(2 * views, C)
    samples = head.predict(x, _samples([[0, 0], [1, 1]]))
    scores = head(x).view(2, views, -1)
    verb_prob = scores[..., :V].softmax(-1).mean(1)
    noun_prob = scores[..., V:].softmax(-1).mean(1)
    for i, ds in enumerate(samples):
        assert ds.pred_score.shape == (V + N, )
        torch.testing.assert_close(ds.pred_score[:V], verb_prob[i])
        torch.testing.assert_close(ds.pred_score[V:], noun_prob[i])
        # Each half is a distribution of its own task.
        torch.testing.assert_close(ds.pred_score[:V].sum(), torch.tensor(1.))
        torch.testing.assert_close(ds.pred_score[V:].sum(), torch.tensor(1.))
        assert ds.pred_label.tolist() == [
            int(verb_prob[i].argmax()),
            int(noun_prob[i].argmax())
        ]
    head.average_clips = 'score'
    samples = head.predict(x, _samples([[0, 0], [1, 1]]))
    torch.testing.assert_close(samples[1].pred_score, scores[1].mean(0))
    head.average_clips = None
    with pytest.raises(ValueError, match='views'):
        head.predict(x, _samples([[0, 0], [1, 1]]))
    out = head.predict(x[:2], _samples([[0, 0], [1, 1]]))
    torch.testing.assert_close(out[0].pred_score, head(x[:1])[0])


def test_pack_inputs_label_convention_end_to_end_with_metric():
    """PackActionInputs -> head.predict -> VerbNounActionMetric."""
    head = _head(dropout_ratio=0.0, average_clips='score')
    head.eval()
    # Hand-set classifiers: feature one-hot e_i -> verb i % V, noun i % N.
    with torch.no_grad():
        head.fc_verb.weight.zero_()
        head.fc_noun.weight.zero_()
        head.fc_verb.bias.zero_()
        head.fc_noun.bias.zero_()
        for i in range(C):
            head.fc_verb.weight[i % V, i] = 5.0
            head.fc_noun.weight[i % N, i] = 5.0
    pack = PackActionInputs()
    gts = [[0, 0], [1, 1], [2, 3], [3, 0]]  # sample 2: noun wrong (2 vs 3)
    packed = [
        pack(dict(imgs=np.zeros((1, 2, 2, 3), np.uint8), label=gt))
        for gt in gts
    ]
    samples = [p['data_samples'] for p in packed]
    assert samples[0].gt_label.tolist() == [0, 0]
    assert samples[0].gt_label.dtype == torch.long
    feats = F.one_hot(torch.tensor([0, 1, 2, 7]), C).float()
    # sample 3: feature 7 -> verb 3, noun 1 (gt noun 0): wrong noun.
    samples = head.predict(feats, samples)
    metric = METRICS.build(
        dict(
            type='VerbNounActionMetric', num_verbs=V, num_nouns=N, topk=(1, )))
    metric.dataset_meta = {}
    metric.process({}, [ds.to_dict() for ds in samples])
    res = metric.evaluate(len(samples))
    assert res == {
        'acc/verb_top1': 1.0,
        'acc/noun_top1': 0.5,
        'acc/action_top1': 0.5
    }


def _build_recognizer():
    return MODELS.build(
        dict(
            type='Recognizer2D',
            backbone=dict(
                type='ResNet', depth=18, pretrained=None, norm_eval=False),
            cls_head=dict(
                type='VerbNounHead',
                num_verbs=V,
                num_nouns=N,
                in_channels=512,
                num_segments=2,
                average_clips='prob')))


def test_in_mmaction_recognizer2d_tsm_style():
    """Loss and predict through MMAction2's Recognizer2D (2 segments)."""
    torch.manual_seed(5)
    with DefaultScope.overwrite_default_scope('mmaction'):
        model = _build_recognizer()
    model.init_weights()
    inputs = torch.randn(2, 2, 3, 32, 32)  # [B, num_segs, C, H, W]
    losses = model(inputs, _samples([[1, 2], [3, 4]]), mode='loss')
    assert {'loss_verb', 'loss_noun'} <= set(losses)
    total, _ = model.parse_losses(losses)
    torch.testing.assert_close(total,
                               losses['loss_verb'] + losses['loss_noun'])
    model.eval()
    with torch.no_grad():
        preds = model(inputs, _samples([[1, 2], [3, 4]]), mode='predict')
    assert len(preds) == 2
    assert preds[0].pred_score.shape == (V + N, )
    torch.testing.assert_close(preds[0].pred_score[:V].sum(),
                               torch.tensor(1.0))
    assert preds[0].pred_label.shape == (2, )
