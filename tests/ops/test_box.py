# Copyright (c) mmvb contributors. All rights reserved.
import torch

from mmvb.ops import (aligned_box_iou, aligned_generalized_box_iou, box_area,
                      box_cxcywh_to_xyxy, box_iou, box_xyxy_to_cxcywh,
                      generalized_box_iou, tube_iou)

UNIT = [0.0, 0.0, 1.0, 1.0]
SHIFTED = [0.5, 0.0, 1.5, 1.0]  # unit square moved right by 0.5
FAR = [2.0, 0.0, 3.0, 1.0]  # disjoint, gap of 1


def test_format_conversion_round_trip():
    xyxy = torch.tensor([[1.0, 2.0, 5.0, 4.0], [0.0, 0.0, 0.0, 0.0]])
    cxcywh = box_xyxy_to_cxcywh(xyxy)
    assert cxcywh.tolist() == [[3.0, 3.0, 4.0, 2.0], [0.0, 0.0, 0.0, 0.0]]
    assert torch.equal(box_cxcywh_to_xyxy(cxcywh), xyxy)
    batched = torch.rand(2, 3, 5, 4)
    torch.testing.assert_close(
        box_xyxy_to_cxcywh(box_cxcywh_to_xyxy(batched)), batched)
    assert box_area(xyxy).tolist() == [8.0, 0.0]


def test_box_iou_by_hand():
    a = torch.tensor([UNIT])
    b = torch.tensor([SHIFTED, FAR, UNIT, [0.0, 0.0, 2.0, 2.0]])
    # overlap 0.5, union 1.5 -> 1/3; disjoint 0; same 1; contained 1/4.
    torch.testing.assert_close(
        box_iou(a, b), torch.tensor([[1 / 3, 0.0, 1.0, 0.25]]))
    assert box_iou(b, a).shape == (4, 1)


def test_generalized_box_iou_by_hand():
    a = torch.tensor([UNIT])
    b = torch.tensor(
        [SHIFTED, FAR, [0.0, 2.0, 1.0, 3.0], [3.0, 3.0, 4.0, 4.0]])
    # Shifted: enclosing = union -> GIoU = IoU = 1/3.
    # Far: IoU 0, enclosing 3, union 2 -> -(3 - 2) / 3 = -1/3.
    # Far diagonally: enclosing 16, union 2 -> -14/16.
    torch.testing.assert_close(
        generalized_box_iou(a, b),
        torch.tensor([[1 / 3, -1 / 3, -1 / 3, -14 / 16]]))


def test_pairwise_ops_with_leading_batch_dims():
    torch.manual_seed(0)
    xy = torch.rand(2, 3, 5, 2)
    b1 = torch.cat((xy, xy + torch.rand(2, 3, 5, 2) + 0.1), -1)
    xy = torch.rand(2, 3, 4, 2)
    b2 = torch.cat((xy, xy + torch.rand(2, 3, 4, 2) + 0.1), -1)
    iou = box_iou(b1, b2)
    giou = generalized_box_iou(b1, b2)
    assert iou.shape == giou.shape == (2, 3, 5, 4)
    torch.testing.assert_close(iou[1, 2], box_iou(b1[1, 2], b2[1, 2]))
    torch.testing.assert_close(giou[0, 1],
                               generalized_box_iou(b1[0, 1], b2[0, 1]))
    assert torch.all(giou <= iou + 1e-6) and torch.all(giou >= -1)


def test_aligned_ious_match_pairwise_diagonal():
    a = torch.tensor([UNIT, UNIT, UNIT])
    b = torch.tensor([SHIFTED, FAR, UNIT])
    torch.testing.assert_close(
        aligned_box_iou(a, b), torch.tensor([1 / 3, 0.0, 1.0]))
    torch.testing.assert_close(
        aligned_generalized_box_iou(a, b), torch.tensor([1 / 3, -1 / 3, 1.0]))
    torch.testing.assert_close(
        aligned_generalized_box_iou(a, b),
        torch.diagonal(generalized_box_iou(a, b)))
    # eps keeps degenerate pairs finite.
    zero = torch.zeros(1, 4)
    assert torch.isfinite(aligned_generalized_box_iou(zero, zero, eps=1e-7))
    assert aligned_box_iou(zero, zero, eps=1e-7).item() == 0


def test_tube_iou_all_frames_present():
    # Two frames: (overlap 0.5, union 1.5) and (identical, area 1):
    # IoU_3d = (0.5 + 1) / (1.5 + 1) = 0.6 (not the mean 2/3).
    t1 = torch.tensor([[UNIT, UNIT]])
    t2 = torch.tensor([[SHIFTED, UNIT]])
    torch.testing.assert_close(tube_iou(t1, t2), torch.tensor([[0.6]]))


def test_tube_iou_with_missing_frames_mpeblink():
    # the official evaluator (mmdet/datasets/mpeblink_eval_api.py,
    # wenzhengzeng/MPEblink@ee9a44f): frames with both boxes add I and U;
    # frames with only one box add that box's area to U; frames with
    # neither add nothing.
    big = [0.0, 0.0, 2.0, 2.0]  # area 4
    t1 = torch.tensor([[UNIT, UNIT, big, UNIT]])  # pred
    v1 = torch.tensor([[True, True, False, False]])
    t2 = torch.tensor([[SHIFTED, UNIT, UNIT, [5.0, 5.0, 7.0, 7.0]]])  # gt
    v2 = torch.tensor([[True, False, True, False]])
    # frame 0: I 0.5, U 1.5; frame 1: only pred, U += 1;
    # frame 2: only gt, U += 1 (the pred's box there is ignored);
    # frame 3: neither. IoU = 0.5 / 3.5 = 1/7.
    torch.testing.assert_close(
        tube_iou(t1, t2, v1, v2), torch.tensor([[1 / 7]]))
    # Symmetric.
    torch.testing.assert_close(
        tube_iou(t2, t1, v2, v1), torch.tensor([[1 / 7]]))
    # Boxes of absent frames are ignored even when they are NaN.
    t1_nan, t2_nan = t1.clone(), t2.clone()
    t1_nan[0, 2:] = float('nan')
    t2_nan[0, 1] = float('nan')
    t2_nan[0, 3] = float('nan')
    torch.testing.assert_close(
        tube_iou(t1_nan, t2_nan, v1, v2), torch.tensor([[1 / 7]]))
    # Both empty -> 0, not NaN.
    none = torch.zeros(1, 4, dtype=torch.bool)
    assert tube_iou(t1, t2, none, none).item() == 0


def test_tube_iou_pairwise_shapes():
    torch.manual_seed(1)
    xy = torch.rand(3, 5, 2)
    t1 = torch.cat((xy, xy + 0.5), -1)  # [N=3, T=5, 4]
    xy = torch.rand(2, 5, 2)
    t2 = torch.cat((xy, xy + 0.5), -1)  # [M=2, T=5, 4]
    v1 = torch.rand(3, 5) > 0.3
    v2 = torch.rand(2, 5) > 0.3
    out = tube_iou(t1, t2, v1, v2)
    assert out.shape == (3, 2)
    # Reference by frame loop for one pair.
    n, m = 2, 1
    inter = union = 0.0
    for t in range(5):
        a, b = t1[n, t], t2[m, t]
        if v1[n, t] and v2[m, t]:
            lt = torch.maximum(a[:2], b[:2])
            rb = torch.minimum(a[2:], b[2:])
            i = (rb - lt).clamp(min=0).prod()
            inter += i
            union += box_area(a) + box_area(b) - i
        elif v1[n, t]:
            union += box_area(a)
        elif v2[m, t]:
            union += box_area(b)
    torch.testing.assert_close(out[n, m], torch.as_tensor(inter / union))
    # Batched leading dims.
    batched = tube_iou(t1[None].expand(4, -1, -1,
                                       -1), t2[None].expand(4, -1, -1, -1),
                       v1[None].expand(4, -1, -1), v2[None].expand(4, -1, -1))
    assert batched.shape == (4, 3, 2)
    torch.testing.assert_close(batched[2], out)
