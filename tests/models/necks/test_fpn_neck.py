# Copyright (c) mmvb contributors. All rights reserved.
import torch
import torch.nn.functional as F

from mmvb.models import FPNNeck


def test_fpn_shapes_and_names():
    neck = FPNNeck([8, 16, 32, 64], 12)
    neck.init_weights()
    feats = [
        torch.rand(3, c, 32 // 2**i, 48 // 2**i)
        for i, c in enumerate([8, 16, 32, 64])
    ]
    outs = neck(feats)
    assert [o.shape for o in outs] == [(3, 12, 32 // 2**i, 48 // 2**i)
                                       for i in range(4)]
    keys = set(neck.state_dict())
    # mmdet FPN parameter names (official checkpoints load unchanged)
    assert 'lateral_convs.0.conv.weight' in keys
    assert 'fpn_convs.3.conv.bias' in keys


def test_fpn_top_down_sum():
    neck = FPNNeck([2, 2], 2)
    with torch.no_grad():
        for conv in neck.lateral_convs:  # identity 1x1
            conv.conv.weight.copy_(torch.eye(2)[:, :, None, None])
            conv.conv.bias.zero_()
        for conv in neck.fpn_convs:  # identity 3x3
            conv.conv.weight.zero_()
            conv.conv.weight[:, :, 1, 1] = torch.eye(2)
            conv.conv.bias.zero_()
    fine, coarse = torch.rand(1, 2, 4, 6), torch.rand(1, 2, 2, 3)
    p2, p3 = neck([fine, coarse])
    torch.testing.assert_close(p3, coarse)
    torch.testing.assert_close(
        p2, fine + F.interpolate(coarse, size=(4, 6), mode='nearest'))
