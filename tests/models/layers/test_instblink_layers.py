# Copyright (c) mmvb contributors. All rights reserved.
import torch
import torch.nn.functional as F

from mmvb.models import DynamicConv, QueryInteraction


def test_dynamic_conv_matches_per_instance_reference():
    torch.manual_seed(0)
    conv = DynamicConv(in_channels=6, feat_channels=3, roi_size=2)
    q = torch.randn(4, 6)
    roi = torch.randn(4, 6, 2, 2)
    out = conv(q, roi)
    assert out.shape == (4, 6)
    for k in range(4):
        params = conv.dynamic_layer(q[k])
        w_in = params[:18].view(6, 3)
        w_out = params[-18:].view(3, 6)
        x = roi[k].flatten(1).t()  # [S, C] positions first
        x = F.relu(
            F.layer_norm(x @ w_in, (3, ), conv.norm_in.weight,
                         conv.norm_in.bias))
        x = F.relu(
            F.layer_norm(x @ w_out, (6, ), conv.norm_out.weight,
                         conv.norm_out.bias))
        ref = F.relu(conv.fc_norm(conv.fc_layer(x.flatten())))
        torch.testing.assert_close(out[k], ref)


def test_dynamic_conv_without_filter():
    conv = DynamicConv(
        in_channels=4, feat_channels=2, roi_size=3, with_filter=False)
    assert not hasattr(conv, 'dynamic_layer')
    roi = torch.randn(5, 4, 3, 3)
    out = conv(torch.randn(5, 4), roi)
    ref = F.relu(
        conv.fc_norm(conv.fc_layer(roi.flatten(2).transpose(1, 2).flatten(1))))
    torch.testing.assert_close(out, ref)


def test_qim_weight_sharing_and_ablations():
    shared = QueryInteraction(8, 2)
    assert not hasattr(shared, 'temporal_attn')
    separate = QueryInteraction(8, 2, share_weights=False)
    assert hasattr(separate, 'temporal_attn')
    assert sum(p.numel() for p in separate.parameters()) > sum(
        p.numel() for p in shared.parameters())
    none = QueryInteraction(8, 2, spatial=False, temporal=False)
    assert list(none.parameters()) == []
    x = torch.randn(2, 3, 4, 8)
    torch.testing.assert_close(none(x), x)


def test_qim_spatial_then_temporal_with_one_attention():
    torch.manual_seed(0)
    qim = QueryInteraction(8, 2).eval()
    x = torch.randn(2, 3, 4, 8)  # [B, T, Q, D]

    def attend(seq):
        return qim.norm(seq + qim.attn(seq, seq, seq)[0])

    ref = attend(x.reshape(6, 4, 8)).view(2, 3, 4, 8)
    ref = attend(ref.transpose(1, 2).reshape(8, 3, 8)).view(2, 4, 3,
                                                            8).transpose(1, 2)
    torch.testing.assert_close(qim(x), ref)


def test_qim_axes():
    torch.manual_seed(0)
    x = torch.randn(1, 3, 4, 8)
    y = x.clone()
    y[0, 1, 2] += 1.0  # change frame 1 of query 2
    spatial = QueryInteraction(8, 2, temporal=False).eval()
    changed = (spatial(x) - spatial(y)).abs().sum(-1) > 1e-6
    # spatial attention mixes the queries of frame 1 only
    assert changed[0, 1].all() and not changed[0, [0, 2]].any()
    temporal = QueryInteraction(8, 2, spatial=False).eval()
    changed = (temporal(x) - temporal(y)).abs().sum(-1) > 1e-6
    # temporal attention mixes the frames of query 2 only
    assert changed[0, :, 2].all()
    assert not changed[0, :, [0, 1, 3]].any()
