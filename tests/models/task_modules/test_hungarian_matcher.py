# Copyright (c) mmvb contributors. All rights reserved.
import itertools

import pytest
import torch
from mmaction.registry import TASK_UTILS

from mmvb.models.task_modules import (BoxL1MatchCost, FocalMatchCost,
                                      GIoUMatchCost, HungarianMatcher,
                                      pad_targets)
from mmvb.ops import box_cxcywh_to_xyxy, generalized_box_iou
from mmvb.testing import HostSyncCounter


def _boxes_at(xs, w=0.1):
    """cxcywh boxes with centres (x, 0.5) and size w x w: [len(xs), 4]."""
    return torch.tensor([[x, 0.5, w, w] for x in xs])


def _brute_force(cost):
    """Optimal assignment by enumeration (cost [Q, G], Q >= G)."""
    q, g = len(cost), len(cost[0])
    best = min(
        itertools.permutations(range(q), g),
        key=lambda rows: sum(cost[r][c] for c, r in enumerate(rows)))
    pairs = sorted(zip(best, range(g)))
    return [p[0] for p in pairs], [p[1] for p in pairs]


def test_obvious_matching_three_preds_two_gts():
    matcher = HungarianMatcher(costs=[dict(type='BoxL1MatchCost')])
    preds = dict(boxes=_boxes_at([0.2, 0.5, 0.8])[None])
    targets = [dict(boxes=_boxes_at([0.81, 0.21]))]
    (q_idx, g_idx), = matcher(preds, targets)
    assert q_idx.tolist() == [0, 2]
    assert g_idx.tolist() == [1, 0]
    assert q_idx.dtype == torch.long


def test_optimal_not_greedy():
    # Greedy takes the cheapest pair q0-g0 (0.04) then q1-g1 (0.15) = 0.19;
    # the optimum is q0-g1 (0.06) + q1-g0 (0.05) = 0.11.
    matcher = HungarianMatcher(costs=[BoxL1MatchCost()])
    preds = dict(boxes=_boxes_at([0.54, 0.45])[None])
    targets = [dict(boxes=_boxes_at([0.5, 0.6]))]
    (q_idx, g_idx), = matcher(preds, targets)
    assert list(zip(q_idx.tolist(), g_idx.tolist())) == [(0, 1), (1, 0)]


def test_weighted_sum_of_costs_and_zero_weight_skipped():
    torch.manual_seed(0)
    boxes = torch.rand(2, 5, 4) * 0.3 + 0.2
    logits = torch.randn(2, 5, 3)
    preds = dict(boxes=boxes, cls_logits=logits)
    tgt = dict(
        boxes=torch.rand(2, 3, 4) * 0.3 + 0.2,
        labels=torch.randint(0, 3, (2, 3)))
    mask = torch.ones(2, 3, dtype=torch.bool)
    costs = [
        BoxL1MatchCost(5.0),
        GIoUMatchCost(2.0, box_format='cxcywh'),
        FocalMatchCost(2.0),
        GIoUMatchCost(0.0)  # skipped: would be the same as weight 0 anyway
    ]
    total = HungarianMatcher(costs).compute_cost(preds, tgt, mask)
    ref = (5 * torch.cdist(boxes, tgt['boxes'], p=1) - 2 * generalized_box_iou(
        box_cxcywh_to_xyxy(boxes), box_cxcywh_to_xyxy(tgt['boxes'])) +
           2 * FocalMatchCost().compute(logits, tgt['labels']))
    torch.testing.assert_close(total, ref)
    assert total.dtype == torch.float32


def test_random_costs_match_brute_force():
    torch.manual_seed(3)
    matcher = HungarianMatcher([BoxL1MatchCost(), GIoUMatchCost()])
    for _ in range(5):
        xy = torch.rand(1, 5, 2)
        preds = dict(boxes=torch.cat((xy, xy + 0.3), -1))
        xy = torch.rand(3, 2)
        targets = [dict(boxes=torch.cat((xy, xy + 0.2), -1))]
        (q_idx, g_idx), = matcher(preds, targets)
        mask = torch.ones(1, 3, dtype=torch.bool)
        cost = matcher.compute_cost(preds, pad_targets(targets)[0], mask)[0]
        rows, cols = _brute_force(cost.tolist())
        assert q_idx.tolist() == rows and g_idx.tolist() == cols


def test_tube_cost_is_averaged_over_present_frames():
    # One gt tube over T = 3 frames, absent in frame 1. Query 0 follows the
    # gt in frames 0 and 2 but is far away in frame 1; query 1 is close
    # in all frames but a bit off in 0 and 2. With the masked mean query 0
    # is perfect (cost 0); a plain mean over all frames would prefer q1.
    gt = torch.tensor([[[0.2, 0.2, 0.4, 0.4], [0.0, 0.0, 0.0, 0.0],
                        [0.3, 0.3, 0.5, 0.5]]])  # [G=1, T=3, 4]
    valid = torch.tensor([[True, False, True]])
    q0 = gt[0].clone()
    q0[1] = torch.tensor([0.9, 0.9, 1.0, 1.0])
    q1 = gt[0] + 0.05
    q1[1] = torch.tensor([0.0, 0.0, 0.0, 0.0]) + 0.05
    preds = dict(boxes=torch.stack((q0, q1))[None])  # [1, 2, 3, 4]
    matcher = HungarianMatcher([BoxL1MatchCost()])
    cost = matcher.compute_cost(preds, dict(boxes=gt[None], valid=valid[None]),
                                torch.ones(1, 1, dtype=torch.bool))
    torch.testing.assert_close(cost, torch.tensor([[[0.0], [0.2]]]))
    (q_idx, _), = matcher(preds, [dict(boxes=gt, valid=valid)])
    assert q_idx.tolist() == [0]
    # Without the presence mask: plain mean over T -> query 1 wins.
    (q_idx, _), = matcher(preds, [dict(boxes=gt)])
    assert q_idx.tolist() == [1]


def test_instblink_official_cost_formula():
    """Masked frame mean of 2 focal + 5 L1(norm xyxy) - 2 GIoU(pixels)."""
    torch.manual_seed(0)
    b, q, g, t = 2, 6, 3, 4
    scale = torch.tensor([640.0, 360.0, 640.0, 360.0])
    xy = torch.rand(b, q, t, 2) * 0.5
    pred = torch.cat((xy, xy + torch.rand(b, q, t, 2) * 0.4 + 0.05), -1)
    xy = torch.rand(b, g, t, 2) * 0.5
    gt = torch.cat((xy, xy + torch.rand(b, g, t, 2) * 0.4 + 0.05), -1)
    valid = torch.rand(b, g, t) > 0.4
    valid[0, 0] = False  # a gt present nowhere -> cost 0
    logits = torch.randn(b, q, t, 1)
    labels = torch.zeros(b, g, dtype=torch.long)
    matcher = TASK_UTILS.build(
        dict(
            type='HungarianMatcher',
            costs=[
                dict(type='FocalMatchCost', weight=2.0),
                dict(type='BoxL1MatchCost', weight=5.0),
                dict(type='GIoUMatchCost', weight=2.0),
            ]))
    cost = matcher.compute_cost(
        dict(cls_logits=logits, boxes=pred),
        dict(labels=labels, boxes=gt, valid=valid),
        torch.ones(b, g, dtype=torch.bool))
    focal = FocalMatchCost()
    ref = torch.zeros(b, q, g)
    for bi in range(b):
        for gi in range(g):
            frames = valid[bi, gi].nonzero().flatten().tolist()
            for ti in frames:
                c_t = (2 * focal.compute(logits[bi:bi + 1, :, ti],
                                         labels[bi:bi + 1])[0, :, gi] + 5 *
                       (pred[bi, :, ti] - gt[bi, gi, ti]).abs().sum(-1) - 2 *
                       generalized_box_iou(pred[bi, :, ti] * scale,
                                           gt[bi, gi, ti][None] * scale)[:, 0])
                ref[bi, :, gi] += c_t / len(frames)
    torch.testing.assert_close(cost, ref, rtol=1e-5, atol=1e-5)
    assert torch.all(cost[0, :, 0] == 0)


def test_padding_gives_same_result_as_one_by_one():
    torch.manual_seed(1)
    sizes = [3, 0, 1, 4]
    q, t = 7, 3
    matcher = HungarianMatcher(
        [FocalMatchCost(2.0),
         BoxL1MatchCost(5.0),
         GIoUMatchCost(2.0)])

    def rand_boxes(*shape):
        xy = torch.rand(*shape, 2) * 0.6
        return torch.cat((xy, xy + torch.rand(*shape, 2) * 0.3 + 0.05), -1)

    preds = dict(
        boxes=rand_boxes(len(sizes), q, t),
        cls_logits=torch.randn(len(sizes), q, t, 2))
    targets = [
        dict(
            boxes=rand_boxes(n, t),
            labels=torch.randint(0, 2, (n, )),
            valid=torch.rand(n, t) > 0.3) for n in sizes
    ]
    batched = matcher(preds, targets)
    assert len(batched) == len(sizes)
    for i, (target, (q_idx, g_idx)) in enumerate(zip(targets, batched)):
        single = matcher({k: v[i:i + 1]
                          for k, v in preds.items()}, [target])[0]
        assert torch.equal(q_idx, single[0]) and torch.equal(g_idx, single[1])
        assert len(q_idx) == sizes[i]
        assert sorted(g_idx.tolist()) == list(range(sizes[i]))
    # Pre-padded input with an explicit mask gives the same matches.
    padded, mask = pad_targets(targets)
    assert mask.tolist() == [[True] * n + [False] * (4 - n) for n in sizes]
    assert padded['boxes'].shape == (4, 4, t, 4)
    assert padded['valid'].dtype == torch.bool
    again = matcher(preds, padded, mask)
    for (a, b), (c, d) in zip(batched, again):
        assert torch.equal(a, c) and torch.equal(b, d)


def test_empty_targets():
    matcher = HungarianMatcher([BoxL1MatchCost()])
    preds = dict(boxes=torch.rand(2, 4, 4))
    empty = dict(boxes=torch.zeros(0, 4))
    out = matcher(preds, [empty, empty])
    assert len(out) == 2
    for q_idx, g_idx in out:
        assert q_idx.numel() == 0 and g_idx.numel() == 0
        assert q_idx.dtype == torch.long
    out = matcher(preds, [empty, dict(boxes=torch.rand(2, 4))])
    assert out[0][0].numel() == 0
    assert len(out[1][0]) == 2


def test_fewer_queries_than_targets_and_assignment():
    matcher = HungarianMatcher([BoxL1MatchCost()])
    preds = dict(boxes=_boxes_at([0.3, 0.7])[None])
    targets = [dict(boxes=_boxes_at([0.1, 0.69, 0.31]))]
    indices = matcher(preds, targets)
    assert indices[0][0].tolist() == [0, 1]
    assert indices[0][1].tolist() == [2, 1]
    assign = HungarianMatcher.to_assignment(indices, num_queries=3)
    assert assign.tolist() == [[2, 1, -1]]


def test_non_finite_cost_raises():
    matcher = HungarianMatcher([BoxL1MatchCost()])
    preds = dict(boxes=torch.full((1, 2, 4), float('nan')))
    with pytest.raises(ValueError, match='NaN'):
        matcher(preds, [dict(boxes=torch.rand(1, 4))])


def test_padded_degenerate_targets_do_not_poison_costs():
    # Padding boxes are all-zero; with degenerate predictions their GIoU
    # is NaN, but padded columns are never used.
    matcher = HungarianMatcher([GIoUMatchCost()])
    preds = dict(boxes=torch.zeros(2, 3, 4))
    preds['boxes'][0] = torch.tensor([0.1, 0.1, 0.3, 0.3])
    targets = [
        dict(boxes=torch.tensor([[0.1, 0.1, 0.3, 0.3], [0.5, 0.5, 0.6, 0.6]])),
        dict(boxes=torch.zeros(0, 4))
    ]
    out = matcher(preds, targets)
    assert len(out[0][0]) == 2 and out[1][0].numel() == 0


def test_mixed_clip_and_frame_costs():
    # A clip-level cost [B, Q, G] plus a per-frame cost [B, Q, G, T].
    torch.manual_seed(4)
    preds = dict(boxes=torch.rand(1, 3, 4, 4), cls_logits=torch.randn(1, 3, 2))
    targets = [
        dict(
            boxes=torch.rand(2, 4, 4),
            labels=torch.tensor([0, 1]),
            valid=torch.tensor([[1, 1, 0, 0], [0, 1, 1, 1]]).bool())
    ]
    matcher = HungarianMatcher([BoxL1MatchCost(), FocalMatchCost()])
    padded, mask = pad_targets(targets)
    cost = matcher.compute_cost(preds, padded, mask)
    l1 = BoxL1MatchCost().compute(preds['boxes'], padded['boxes'])
    valid = padded['valid'][:, None]
    l1 = (l1 * valid).sum(-1) / valid.sum(-1)
    focal = FocalMatchCost().compute(preds['cls_logits'], padded['labels'])
    torch.testing.assert_close(cost, l1 + focal)


def test_assign_a_stack_with_one_host_copy():
    """``assign`` solves the costs of several stages and samples after one
    copy to the host and equals the per-stage ``__call__``."""
    torch.manual_seed(7)
    sizes = [3, 0, 5, 1]
    q, t, stages = 6, 4, 3
    matcher = HungarianMatcher(
        [FocalMatchCost(2.0),
         BoxL1MatchCost(5.0),
         GIoUMatchCost(2.0)])
    targets = [
        dict(
            boxes=torch.rand(n, t, 2).repeat(1, 1, 2) +
            torch.tensor([0, 0, .2, .3]),
            labels=torch.zeros(n, dtype=torch.long),
            valid=torch.rand(n, t) > 0.2) for n in sizes
    ]
    padded, mask = pad_targets(targets)
    preds = [
        dict(
            boxes=torch.rand(len(sizes), q, t, 2).repeat(1, 1, 1, 2) +
            torch.tensor([0, 0, .2, .3]),
            cls_logits=torch.randn(len(sizes), q, t, 1)) for _ in range(stages)
    ]
    costs = torch.stack([matcher.compute_cost(p, padded, mask) for p in preds])
    with HostSyncCounter() as syncs:
        assign = matcher.assign(costs, sizes)
    assert dict(syncs.counts) == {'to_host': 1, 'async_to_device': 1}
    assert assign.shape == (stages, len(sizes), q)
    assert assign.dtype == torch.long
    for s in range(stages):
        expected = HungarianMatcher.to_assignment(
            matcher(preds[s], padded, mask), q)
        assert torch.equal(assign[s], expected)
    # every target of a sample is taken by one query; no target, no match
    for s in range(stages):
        for b, n in enumerate(sizes):
            taken = assign[s, b][assign[s, b] >= 0]
            assert sorted(taken.tolist()) == list(range(n))

    # no target anywhere: no copy at all
    with HostSyncCounter() as syncs:
        none = matcher.assign(costs[..., :0], [0, 0, 0, 0])
    assert syncs.total == 0 and (none == -1).all()
    assert none.shape == (stages, 4, q)

    bad = costs.clone()
    bad[1, 2, 0, 4] = float('inf')
    with pytest.raises(ValueError, match='NaN/inf'):
        matcher.assign(bad, sizes)
    bad[1, 2, 0, 4] = costs[1, 2, 0, 4]
    bad[1, 0, 0, 4] = float('nan')  # a padded column: never read
    assert torch.equal(matcher.assign(bad, sizes), assign)
    with pytest.raises(AssertionError, match='4 sizes for a batch of 3'):
        matcher.assign(costs[:, :3], sizes)
