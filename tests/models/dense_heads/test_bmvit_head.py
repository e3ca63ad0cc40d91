# Copyright (c) mmvb contributors. All rights reserved.
import math
from unittest import mock

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmaction.evaluation.metrics import AVAMetric
from mmaction.structures import ActionDataSample
from mmengine.structures import InstanceData
from torch import nn

from mmvb.models import BMViTHead, HungarianMatcher, owlvit_box_bias
from mmvb.models.task_modules import (ActorMatchCost, BoxL1MatchCost,
                                      GIoUMatchCost, MultiLabelMatchCost)
from mmvb.ops import (aligned_generalized_box_iou, box_cxcywh_to_xyxy,
                      box_xyxy_to_cxcywh)

C = 4  # classes including the background column


def _head(**kwargs):
    cfg = dict(num_classes=C, in_channels=8, embed_dims=8)
    cfg.update(kwargs)
    head = BMViTHead(**cfg)
    head.init_weights()
    return head


def _sample(boxes, labels, img_shape=(64, 64), **meta):
    sample = ActionDataSample()
    sample.set_metainfo(dict(img_shape=img_shape, **meta))
    onehot = torch.zeros(len(labels), C)
    for i, ls in enumerate(labels):
        onehot[i, ls] = 1
    sample.gt_instances = InstanceData(
        bboxes=torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
        labels=onehot)
    return sample


def test_owlvit_box_bias_corner_and_center():
    corner = owlvit_box_bias(2, 4).sigmoid()
    # row-major: token (i, j) -> ((j + 1) / 4, (i + 1) / 2), size (1/4, 1/2)
    expected = torch.tensor([[(j + 1) / 4, (i + 1) / 2, 0.25, 0.5]
                             for i in range(2) for j in range(4)])
    torch.testing.assert_close(corner, expected, atol=2e-4, rtol=0)
    center = owlvit_box_bias(2, 4, 'center').sigmoid()
    expected[:, 0] -= 0.125
    expected[:, 1] -= 0.25
    torch.testing.assert_close(center, expected, atol=2e-4, rtol=0)
    # OWL-ViT's logit of the last corner (1.0): log(1.0001) - log(1e-4)
    assert owlvit_box_bias(2, 4)[-1, 0].item() == pytest.approx(
        math.log(1.0001) - math.log(1e-4), rel=1e-4)


def _time_tokens(t=8, h=2, w=3, d=8):
    """Tokens whose every channel holds their frame index."""
    x = torch.arange(t, dtype=torch.float32).view(1, t, 1, 1, 1)
    return x.expand(2, t, h, w, d).clone()


@pytest.mark.parametrize('rule, box_frames, cls_values', [
    ('2(C+T)', [3, 4], [1.5, 5.5]),
    ('C+T', [4], [3.5]),
    ('singleton', list(range(8)), list(range(8))),
    ('tubelet', [3.5], [3.5]),
    ('max_pool', [4], list(range(8))),
])
def test_token_selection(rule, box_frames, cls_values):
    head = _head(token_selection=rule)
    box, cls, n = head.select_tokens(_time_tokens())
    assert n == len(box_frames)
    assert box.shape == (2, n, 2, 3, 8)
    assert box[0, :, 0, 0, 0].tolist() == box_frames
    assert cls[0, :, 0, 0, 0].tolist() == cls_values


@pytest.mark.parametrize('rule',
                         ['2(C+T)', 'C+T', 'singleton', 'tubelet', 'max_pool'])
def test_box_token_frames_name_the_selected_frames(rule):
    head = _head(token_selection=rule)
    x = torch.randn(1, 8, 2, 3, 8)
    box, _, n = head.select_tokens(x)
    frames = head.box_token_frames(8)
    assert len(frames) == n
    for i, f in enumerate(frames):
        torch.testing.assert_close(box[0, i], x[0, f].mean(0))


def _identity_head(rule, t_frames=8):
    """A head whose outputs expose the selected tokens: proj = identity,
    class MLP = identity (C - 1 == embed_dims), box MLP = 0."""
    head = _head(
        token_selection=rule,
        in_channels=C - 1,
        embed_dims=C - 1,
        cls_num_layers=1,
        box_num_layers=1)
    with torch.no_grad():
        head.proj.weight.copy_(torch.eye(C - 1))
        head.proj.bias.zero_()
        head.cls_mlp[0].weight.copy_(torch.eye(C - 1))
        head.cls_mlp[0].bias.zero_()
        head.box_mlp[0].weight.zero_()
        head.box_mlp[0].bias.zero_()
    return head


@pytest.mark.parametrize('rule, num_slices', [('2(C+T)', 2), ('C+T', 1),
                                              ('singleton', 8), ('tubelet', 1),
                                              ('max_pool', 1)])
def test_forward_shapes_bias_and_max_pool(rule, num_slices):
    torch.manual_seed(0)
    head = _identity_head(rule)
    feats = torch.randn(2, C - 1, 8, 2, 3)
    out = head(feats)
    L = num_slices * 6
    assert out['boxes'].shape == (2, L, 4)
    assert out['actor_logits'].shape == (2, L, 2)
    assert out['cls_logits'].shape == (2, L, C - 1)
    # zero box MLP: every token predicts its grid cell, slice after slice
    cells = owlvit_box_bias(2, 3).sigmoid().repeat(num_slices, 1)
    torch.testing.assert_close(out['boxes'][1], cells)
    tokens = feats.permute(0, 2, 3, 4, 1)  # [B, t, h, w, C-1]
    if rule == 'max_pool':
        torch.testing.assert_close(out['cls_logits'],
                                   tokens.amax(1).reshape(2, 6, -1))
    if rule == '2(C+T)':
        past = tokens[:, :4].mean(1).reshape(2, 6, -1)
        future = tokens[:, 4:].mean(1).reshape(2, 6, -1)
        torch.testing.assert_close(out['cls_logits'],
                                   torch.cat((past, future), 1))


def test_class_prior_init():
    head = _head(cls_prior_prob=0.01)
    torch.testing.assert_close(head.cls_mlp[-1].bias.sigmoid(),
                               torch.full((C - 1, ), 0.01))


def test_default_matcher_is_the_shared_hungarian_matcher():
    head = _head()
    assert isinstance(head.matcher, HungarianMatcher)
    costs = {type(c): c for c in head.matcher.costs}
    assert costs[BoxL1MatchCost].weight == 5.0
    assert costs[GIoUMatchCost].weight == 2.0
    assert costs[GIoUMatchCost].box_format == 'cxcywh'
    assert costs[ActorMatchCost].weight == 2.0
    assert costs[MultiLabelMatchCost].weight == 6.0
    assert costs[MultiLabelMatchCost].mode == 'nll_sum'


def test_targets_drop_degenerate_boxes_and_normalise():
    head = _head(min_box_size=1.0)
    sample = _sample(
        [[8, 16, 40, 48], [10, 10, 10, 30], [70, 10, 90, 20], [0, 0, 0.5, 10]],
        [[1], [2], [3], [1, 2]],
        img_shape=(64, 64))
    target, = head.get_targets([sample], input_size=(64, 128))
    # kept: the first box only (the 2nd has zero width, the 3rd is outside
    # the 64-pixel-wide image, the 4th is half a pixel wide)
    torch.testing.assert_close(
        target['boxes'],
        box_xyxy_to_cxcywh(
            torch.tensor([[8 / 128, 16 / 64, 40 / 128, 48 / 64]])))
    torch.testing.assert_close(target['labels'], torch.tensor([[1.0, 0.0,
                                                                0.0]]))


def test_loss_by_matching_matches_eq4():
    head = _head(
        loss_actor=dict(
            type='CrossEntropyLoss', loss_weight=2.0, class_weight=[0.5, 1.0]),
        cls_reduction='sum')
    torch.manual_seed(0)
    preds = dict(
        boxes=torch.rand(2, 5, 4) * 0.4 + 0.2,
        actor_logits=torch.randn(2, 5, 2),
        cls_logits=torch.randn(2, 5, C - 1))
    targets = [
        dict(
            boxes=torch.tensor([[0.5, 0.5, 0.2, 0.3]]),
            labels=torch.tensor([[1.0, 0.0, 1.0]])),
        dict(
            boxes=torch.tensor([[0.3, 0.4, 0.2, 0.2], [0.6, 0.6, 0.3, 0.3]]),
            labels=torch.tensor([[0.0, 1.0, 0.0], [1.0, 1.0, 0.0]])),
    ]
    indices = [(torch.tensor([2]), torch.tensor([0])),
               (torch.tensor([0, 4]), torch.tensor([1, 0]))]
    losses = head.loss_by_matching(preds, targets, indices)

    pairs = [(0, 2, 0, 0), (1, 0, 1, 1), (1, 4, 1, 0)]  # b, q, sample, g
    l1 = giou = bce = 0.0
    for b, q, s, g in pairs:
        pb, tb = preds['boxes'][b, q], targets[s]['boxes'][g]
        l1 += (pb - tb).abs().sum()
        giou += 1 - aligned_generalized_box_iou(
            box_cxcywh_to_xyxy(pb), box_cxcywh_to_xyxy(tb))
        bce += F.binary_cross_entropy_with_logits(
            preds['cls_logits'][b, q],
            targets[s]['labels'][g],
            reduction='sum')
    num_gt = 3
    torch.testing.assert_close(losses['loss_bbox'], 5.0 * l1 / num_gt)
    torch.testing.assert_close(losses['loss_giou'], 2.0 * giou / num_gt)
    torch.testing.assert_close(losses['loss_cls'], 6.0 * bce / num_gt)
    # actor: weighted mean CE over all 10 predictions, unmatched weigh 0.5
    matched = {(0, 2), (1, 0), (1, 4)}
    num, den = 0.0, 0.0
    for b in range(2):
        for q in range(5):
            pos = (b, q) in matched
            w = 1.0 if pos else 0.5
            logp = preds['actor_logits'][b, q].log_softmax(-1)[int(pos)]
            num += -w * logp
            den += w
    torch.testing.assert_close(losses['loss_actor'], 2.0 * num / den)
    assert losses['num_gt'].item() == 3


def test_cls_reduction_mean():
    head = _head(cls_reduction='mean')
    preds = dict(
        boxes=torch.full((1, 2, 4), 0.5),
        actor_logits=torch.zeros(1, 2, 2),
        cls_logits=torch.tensor([[[2.0, -1.0, 0.0], [0.0, 0.0, 0.0]]]))
    targets = [
        dict(
            boxes=torch.full((1, 4), 0.5),
            labels=torch.tensor([[1.0, 0.0, 1.0]]))
    ]
    losses = head.loss_by_matching(preds, targets,
                                   [(torch.tensor([0]), torch.tensor([0]))])
    expected = F.binary_cross_entropy_with_logits(preds['cls_logits'][0, 0],
                                                  targets[0]['labels'][0])
    torch.testing.assert_close(losses['loss_cls'], 6.0 * expected)


def test_num_gt_is_averaged_over_ranks():
    head = _head()
    preds = dict(
        boxes=torch.full((1, 2, 4), 0.4),
        actor_logits=torch.zeros(1, 2, 2),
        cls_logits=torch.zeros(1, 2, C - 1))
    targets = [
        dict(boxes=torch.full((1, 4), 0.5), labels=torch.ones(1, C - 1))
    ]
    indices = [(torch.tensor([0]), torch.tensor([0]))]
    single = head.loss_by_matching(preds, targets, indices)

    def fake_all_reduce(tensor, op='sum'):
        assert op == 'mean'
        tensor.add_(3.0).div_(2)  # the other rank has 3 boxes

    with mock.patch('mmvb.utils.dist_utils.all_reduce', fake_all_reduce), \
            mock.patch('mmvb.utils.dist_utils.get_world_size', lambda: 2):
        multi = head.loss_by_matching(preds, targets, indices)
    assert multi['num_gt'].item() == 2.0
    torch.testing.assert_close(multi['loss_bbox'], single['loss_bbox'] / 2)
    torch.testing.assert_close(multi['loss_giou'], single['loss_giou'] / 2)


def test_loss_matches_the_right_tokens_and_backpropagates():
    torch.manual_seed(0)
    head = _head(box_bias='center')
    feats = torch.randn(2, 8, 4, 4, 4, requires_grad=True)
    samples = [
        _sample([[0, 0, 16, 16], [48, 48, 64, 64]], [[1], [2, 3]]),
        _sample(np.zeros((0, 4)), []),  # no actor at all
    ]
    losses = head.loss(feats, samples, input_size=(64, 64))
    assert losses['num_gt'].item() == 2
    total = sum(v for k, v in losses.items() if k.startswith('loss'))
    assert torch.isfinite(total)
    total.backward()
    assert feats.grad.abs().sum() > 0

    # With no ground truth in the whole batch only the actor term remains.
    losses = head.loss(
        feats, [_sample(np.zeros((0, 4)), [])] * 2, input_size=(64, 64))
    assert losses['loss_bbox'].item() == 0
    assert losses['loss_actor'].item() > 0
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()


def test_matching_prefers_the_token_on_the_actor():
    """Zero box MLP: token boxes are the grid cells; the matcher must pick
    the cell that equals the ground-truth box."""
    head = _identity_head('C+T')
    head.box_bias = 'center'
    feats = torch.zeros(1, C - 1, 4, 2, 2)
    target = [
        dict(
            boxes=torch.tensor([[0.75, 0.25, 0.5, 0.5]]),
            labels=torch.tensor([[1.0, 0.0, 0.0]]))
    ]
    (q, g), = head.matcher(head(feats), target)
    assert q.tolist() == [1] and g.tolist() == [0]  # row 0, column 1


def test_predict_threshold_format_and_geometry():
    head = _head(actor_thr=0.2)
    preds = dict(
        boxes=torch.tensor([[[0.25, 0.5, 0.5, 0.5], [0.5, 0.5, 0.2, 0.2],
                             [0.75, 0.25, 0.5, 0.5]]]),
        actor_logits=torch.tensor([[[0.0, 2.0], [2.0, 0.0], [0.0, 0.0]]]),
        cls_logits=torch.tensor([[[0.0, 1.0, -1.0], [0.0, 0.0, 0.0],
                                  [2.0, 0.0, 0.0]]]))
    # the image fills the left half of a 64 x 128 padded input; flipped
    sample = ActionDataSample()
    sample.set_metainfo(dict(img_shape=(64, 64), flip=True))
    result, = head.predict_by_feat(preds, [sample], input_size=(64, 128))
    p_actor = torch.tensor([2.0, 0.0]).softmax(0)[0]
    torch.testing.assert_close(result.actor_scores,
                               torch.tensor([p_actor, 0.5]))
    # keep tokens 0 and 2; column 0 of the scores is the background
    assert result.scores.shape == (2, C)
    assert (result.scores[:, 0] == 0).all()
    torch.testing.assert_close(result.scores[0, 1:],
                               torch.tensor([0.0, 1.0, -1.0]).sigmoid())
    # token 0: xyxy (0, .25, .5, .75) of the input -> x * 2 of the image,
    # clamped to 1 -> (0, .25, 1, .75) -> flipped -> (0, .25, 1, .75)
    torch.testing.assert_close(result.bboxes[0],
                               torch.tensor([0.0, 0.25, 1.0, 0.75]))
    # token 2: (.5, 0, 1, .5) -> (1, 0, 1, .5) -> flipped (0, 0, 0, .5)
    torch.testing.assert_close(result.bboxes[1],
                               torch.tensor([0.0, 0.0, 0.0, 0.5]))

    head.score_mode = 'cls_x_actor'
    sample = ActionDataSample()
    sample.set_metainfo(
        dict(img_shape=(64, 128), crop_quadruple=np.array([0.5, 0, .5, 1])))
    result, = head.predict_by_feat(preds, [sample], input_size=(64, 128))
    torch.testing.assert_close(
        result.scores[0, 1:],
        torch.tensor([0.0, 1.0, -1.0]).sigmoid() * p_actor)
    # token 0 (0, .25, .5, .75) inside the right half of the frame
    torch.testing.assert_close(result.bboxes[0],
                               torch.tensor([0.5, 0.25, 0.75, 0.75]))


def test_predictions_feed_mmaction_ava_metric():
    torch.manual_seed(0)
    head = _head(actor_thr=0.0)
    feats = torch.randn(2, 8, 4, 2, 2)
    samples = [ActionDataSample() for _ in range(2)]
    for i, s in enumerate(samples):
        s.set_metainfo(dict(img_shape=(32, 32), video_id='v', timestamp=i))
    results = head.predict(feats, samples, input_size=(32, 32))
    metric = AVAMetric(
        ann_file='unused',
        exclude_file='unused',
        label_file='unused',
        num_classes=C)
    outputs = []
    for s, r in zip(samples, results):
        s.pred_instances = r
        outputs.append(s.to_dict())
    metric.process([], outputs)
    per_class = metric.results[0]['outputs']
    assert len(per_class) == C - 1
    assert all(a.shape[1] == 5 for a in per_class)


def test_mlp_layers():
    head = _head(box_num_layers=3, actor_num_layers=2, cls_num_layers=1)
    linears = [m for m in head.box_mlp if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == \
        [(8, 8), (8, 8), (8, 4)]
    assert sum(isinstance(m, nn.GELU) for m in head.box_mlp) == 2
    assert len(head.cls_mlp) == 1 and head.cls_mlp[0].out_features == C - 1
