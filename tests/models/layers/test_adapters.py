# Copyright (c) mmvb contributors. All rights reserved.
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmvb.models.layers import (AdaptFormerAdapter, LoRAQKV,
                                SpatialInductiveAdapter, TaskAwareAdapter)


def test_task_aware_adapter_formula_and_zero_init():
    torch.manual_seed(0)
    ta = TaskAwareAdapter(6, hidden_dims=3)
    x = torch.randn(2, 5, 6)
    # W_up starts at zero: the adapter is the identity.
    assert torch.equal(ta(x), x)
    nn.init.normal_(ta.up.weight)
    nn.init.normal_(ta.up.bias)
    expected = x + F.relu(x @ ta.down.weight.t() + ta.down.bias) @ \
        ta.up.weight.t() + ta.up.bias
    torch.testing.assert_close(ta(x), expected)
    ta.enabled = False
    assert torch.equal(ta(x), x)
    assert sum(p.numel() for p in ta.parameters()) == 6 * 3 + 3 + 3 * 6 + 6


def test_spatial_inductive_adapter_grid_and_cls_as_1x1_map():
    torch.manual_seed(0)
    si = SpatialInductiveAdapter(4, hidden_dims=2)
    for conv in (si.conv_down, si.conv_mid, si.conv_up):
        nn.init.normal_(conv.weight)
        nn.init.normal_(conv.bias)
    b, h, w, d = 2, 3, 5, 4
    x = torch.randn(b, 1 + h * w, d)
    out = si(x, (h, w))
    assert out.shape == x.shape

    def convs(m):
        return si.conv_up(F.gelu(si.conv_mid(F.gelu(si.conv_down(m)))))

    # Patch tokens: the convolutions on the H x W map, flattened row-major.
    grid = x[:, 1:].reshape(b, h, w, d).permute(0, 3, 1, 2)
    torch.testing.assert_close(out[:, 1:],
                               convs(grid).flatten(2).transpose(1, 2))
    # [CLS]: a 1x1 map, on which the 3x3 convolution is its centre tap.
    cls = x[:, 0]
    hid = F.gelu(cls @ si.conv_down.weight[:, :, 0, 0].t() + si.conv_down.bias)
    hid = F.gelu(hid @ si.conv_mid.weight[:, :, 1, 1].t() + si.conv_mid.bias)
    torch.testing.assert_close(
        out[:, 0], hid @ si.conv_up.weight[:, :, 0, 0].t() + si.conv_up.bias)
    # The [CLS] token does not leak into the patch map and vice versa.
    x2 = x.clone()
    x2[:, 0] += 1
    out2 = si(x2, (h, w))
    torch.testing.assert_close(out2[:, 1:], out[:, 1:])
    assert not torch.allclose(out2[:, 0], out[:, 0])
    # Zero init of the last convolution: no contribution at first.
    assert SpatialInductiveAdapter(4, 2)(x, (h, w)).abs().max() == 0
    # h = 8 at D = 1024: 18,000 parameters per adapter.
    assert sum(p.numel()
               for p in SpatialInductiveAdapter(1024, 8).parameters()) == \
        18000


def test_adaptformer_branch():
    torch.manual_seed(0)
    af = AdaptFormerAdapter(6, hidden_dims=2, scale=0.5)
    x = torch.randn(3, 6)
    assert af(x).abs().max() == 0
    nn.init.normal_(af.up.weight)
    expected = 0.5 * (F.relu(af.down(x)) @ af.up.weight.t() + af.up.bias)
    torch.testing.assert_close(af(x), expected)


def test_lora_qkv_changes_only_queries_and_values():
    torch.manual_seed(0)
    d, r = 4, 2
    base = nn.Linear(d, 3 * d)
    ref = nn.Linear(d, 3 * d)
    ref.load_state_dict(base.state_dict())
    lora = LoRAQKV(base, rank=r, alpha=4.0)
    x = torch.randn(5, d)
    torch.testing.assert_close(lora(x), ref(x))  # B = 0 at init
    for m in (lora.lora_b_q, lora.lora_b_v):
        nn.init.normal_(m.weight)
    out, plain = lora(x), ref(x)
    scale = 4.0 / r
    dq = x @ lora.lora_a_q.weight.t() @ lora.lora_b_q.weight.t() * scale
    dv = x @ lora.lora_a_v.weight.t() @ lora.lora_b_v.weight.t() * scale
    torch.testing.assert_close(out[:, :d], plain[:, :d] + dq)
    torch.testing.assert_close(out[:, d:2 * d], plain[:, d:2 * d])  # keys
    torch.testing.assert_close(out[:, 2 * d:], plain[:, 2 * d:] + dv)
    lora.enabled = False
    torch.testing.assert_close(lora(x), plain)
    # An unadapted checkpoint (weight / bias keys) loads into the wrapper.
    fresh = LoRAQKV(nn.Linear(d, 3 * d), rank=r)
    missing, unexpected = fresh.load_state_dict(ref.state_dict(), strict=False)
    assert not unexpected
    assert sorted(missing) == sorted([
        'lora_a_q.weight', 'lora_b_q.weight', 'lora_a_v.weight',
        'lora_b_v.weight'
    ])
    torch.testing.assert_close(fresh.weight, ref.weight)
    assert set(lora.state_dict()) == {
        'weight', 'bias', 'lora_a_q.weight', 'lora_b_q.weight',
        'lora_a_v.weight', 'lora_b_v.weight'
    }
