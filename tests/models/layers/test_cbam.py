# Copyright (c) mmvb contributors. All rights reserved.
import torch
from mmaction.registry import MODELS

from mmvb.models.layers import CBAM, collect_attention_maps

B, C, H, W = 6, 8, 5, 7


def test_cbam_equations():
    torch.manual_seed(0)
    module = MODELS.build(
        dict(type='CBAM', in_channels=C, num_segments=3, reduction=2))
    assert isinstance(module, CBAM)
    module.init_weights()
    with torch.no_grad():  # non-trivial BN statistics
        module.spatial_norm.running_mean.fill_(0.2)
        module.spatial_norm.running_var.fill_(2.0)
        module.spatial_norm.weight.fill_(1.5)
        module.spatial_norm.bias.fill_(-0.1)
    module.eval()
    x = torch.randn(B, C, H, W)

    def mlp(d):
        return module.channel_mlp(d)

    mc = torch.sigmoid(
        mlp(x.mean((2, 3), keepdim=True)) + mlp(x.amax((2, 3), keepdim=True)))
    fc = x * mc
    desc = torch.cat((fc.mean(1, keepdim=True), fc.amax(1, keepdim=True)), 1)
    conv = module.spatial_conv(desc)
    assert module.spatial_conv.bias is None
    bn = module.spatial_norm
    ms = torch.sigmoid((conv - 0.2) / torch.sqrt(torch.tensor(2.0) + bn.eps) *
                       1.5 - 0.1)
    with collect_attention_maps() as maps:
        y = module(x)
    torch.testing.assert_close(y, fc * ms)
    assert len(maps) == 1 and maps[0][0] is module
    torch.testing.assert_close(maps[0][1], ms)


def test_cbam_attends_frames_independently():
    torch.manual_seed(0)
    module = MODELS.build(dict(type='CBAM', in_channels=C)).eval()
    x = torch.randn(B, C, H, W)
    x2 = x.clone()
    x2[2] += 3.0
    diff = (module(x) - module(x2)).abs().flatten(1).amax(1)
    assert (diff > 0).tolist() == [i == 2 for i in range(B)]


def test_cbam_without_spatial_and_norm():
    module = CBAM(C, with_spatial=False)
    x = torch.randn(B, C, H, W)
    with collect_attention_maps() as maps:
        assert module(x).shape == x.shape
    assert maps == []
    plain = CBAM(C, norm_cfg=None)
    assert plain.spatial_conv.bias is not None
    assert isinstance(plain.spatial_norm, torch.nn.Identity)
