# Copyright (c) mmvb contributors. All rights reserved.
import pytest
import torch
from torch import nn

from mmvb.models import MLP


def test_detr_style_mlp():
    mlp = MLP(8, 16, 4, num_layers=3)
    assert [type(m) for m in mlp
            ] == [nn.Linear, nn.GELU, nn.Linear, nn.GELU, nn.Linear]
    assert mlp[0].in_features == 8 and mlp[4].out_features == 4
    assert mlp(torch.randn(2, 5, 8)).shape == (2, 5, 4)
    assert len(MLP(8, 16, 4, num_layers=1)) == 1


def test_dii_head_style_keys_match_a_module_list():
    """The layout of mmdet's ``DIIHead.cls_fcs`` (an ``nn.ModuleList``)."""
    mlp = MLP(
        8,
        8,
        num_layers=2,
        act_cfg=dict(type='ReLU', inplace=True),
        norm_cfg=dict(type='LN'),
        hidden_bias=False)
    reference = nn.ModuleList()
    for _ in range(2):
        reference.extend([
            nn.Linear(8, 8, bias=False),
            nn.LayerNorm(8),
            nn.ReLU(inplace=True)
        ])
    assert list(mlp.state_dict()) == list(reference.state_dict())
    mlp.load_state_dict(reference.state_dict())
    x = torch.randn(3, 8)
    expected = x
    for layer in reference:
        expected = layer(expected)
    torch.testing.assert_close(mlp(x), expected)


def test_needs_a_layer():
    with pytest.raises(AssertionError, match='at least one layer'):
        MLP(8, 8, num_layers=0)
