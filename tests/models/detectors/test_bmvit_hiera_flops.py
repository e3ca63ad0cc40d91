# Copyright (c) mmvb contributors. All rights reserved.
"""Table 3 of BMViT: GFLOPs of BMViT on Hiera-L (650 G at 16x256^2) and
of Hiera-L itself (413 G at 16x224^2, the two-stage row's backbone).

Building and tracing Hiera-L (214 M parameters, ~0.7 T multiply-adds) takes
minutes on a CPU, so the backbone is counted analytically, per block:
``qkv``, the attention products ``q k^T`` and ``attn v`` (within mask
units or global), the output projection, the pooled shortcut projection
and the MLP, plus the patch embedding; one multiply-add is one FLOP (the
paper's and MMEngine's convention). The count is checked to be *exactly*
``mmvb.apis.model_complexity(counting='layers+attention')`` on a
reduced-depth Hiera-L (every block kind, all four stages), and the
head's FLOPs come from the same counter.

Results: Hiera-L at 16x224^2 with its three poolings: 412.1 G (paper:
413). BMViT's Hiera-L at 16x256^2 without the last pooling: 705.1 G
backbone + 1.8 G head = 706.8 G, 8.7 % over the paper's 650 G; the paper
does not say how it counted (MMEngine's counter reproduces its MViTv2-S
numbers within 1.4 %, ``test_bmvit_flops.py``, and this count Hiera-L's
413 G). With
``tools/analysis/get_flops.py`` (default counting, which adds the layer
norms) the whole config measures 707.6 G and 214.3 M parameters.
"""
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from torch import nn

from mmvb.apis import model_complexity
from mmvb.models import Hiera
from mmvb.testing import get_cfg

HIERA_CFG = ('bmvit/bmvit_kinetics400-mae-pretrained-hiera-large-nopool_'
             '8xb2-16x4x1-25e_ava22-rgb-256px.py')
LARGE = dict(embed_dims=144, num_heads=2, stages=(2, 6, 36, 4))


def hiera_macs(arch, clip, remove_last_pool):
    """Multiply-adds of video Hiera's layers and attention products."""
    t, h, w = clip[0] // 2, clip[1] // 4, clip[2] // 4  # 2x4x4 patches
    n, dims = t * h * w, arch['embed_dims']
    total = n * 3 * (3 * 7 * 7) * dims  # patch embedding
    stages = arch['stages']
    ends = [sum(stages[:i + 1]) - 1 for i in range(len(stages))]
    pools = [e + 1 for e in ends[:2 if remove_last_pool else 3]]
    unit, stage = 64, 0  # 1x8x8 mask units
    for i in range(sum(stages)):
        out = dims
        mask_unit_attn = stage < 2  # lags one block behind the stage
        if i - 1 in ends:
            out, stage = 2 * dims, stage + 1
            if i in pools:
                unit //= 4
        stride = 4 if i in pools else 1
        n_out = n // stride
        units = n // (stride * unit) if mask_unit_attn else 1
        total += n * dims * 3 * out  # qkv
        total += 2 * n_out * (n // units) * out  # q k^T and attn v
        total += n_out * out * out + n_out * 8 * out * out  # proj, MLP
        if dims != out:
            total += n * dims * out  # shortcut projection
        n, dims = n_out, out
    return total


class _Tensor(nn.Module):
    """``model(x, mode='tensor')`` for the counter."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x, mode='tensor'):
        return self.net(x)


@pytest.mark.parametrize('remove_last_pool', [False, True])
def test_analytic_count_equals_the_counter(remove_last_pool):
    arch = dict(LARGE, stages=(1, 2, 2, 1))
    clip = (4, 128, 128)  # 2x32x32 tokens: 16 mask units of 8x8
    net = Hiera(
        arch=arch,
        input_size=clip,
        remove_last_pool=remove_last_pool,
        out_norm=False).eval()
    counted = model_complexity(
        _Tensor(net), (1, 3) + clip, counting='layers+attention')['flops']
    assert counted == hiera_macs(arch, clip, remove_last_pool)


def test_hiera_large_matches_table_3():
    # two-stage row: Hiera-L at 16x224^2 (backbone only): 413 G
    g224 = hiera_macs(LARGE, (16, 224, 224), False) / 1e9
    assert g224 == pytest.approx(413, rel=0.01)

    # BMViT on Hiera-L: the config's model at 16x256^2, 650 G in the paper
    cfg = get_cfg(HIERA_CFG)
    backbone = cfg.model.backbone
    assert backbone.arch == 'large' and backbone.remove_last_pool
    init_default_scope('mmaction')
    head = MODELS.build(cfg.model.head).eval()
    t, h, w = 8, 16, 16  # 16x256^2 without the last pooling
    head_macs = model_complexity(_Tensor(head), (1, 1152, t, h, w))['flops']
    assert head_macs == pytest.approx(1.77e9, rel=0.01)
    total = hiera_macs(LARGE, (16, 256, 256), True) + head_macs
    assert total / 1e9 == pytest.approx(706.8, abs=0.1)
    # the paper's 650 G is not reproduced: this reading (which reproduces
    # the paper's 413 G for Hiera-L) is 8.7 % over it (module docstring)
    assert (total / 1e9 - 650) / 650 == pytest.approx(0.087, abs=0.001)


def test_output_grid_of_the_config():
    cfg = get_cfg(HIERA_CFG)
    init_default_scope('mmaction')
    with torch.device('meta'):
        net = MODELS.build(dict(cfg.model.backbone, pretrained=None))
    assert net.token_grid((16, 256, 256)) == [8, 64, 64]
    assert net.q_pool == 2 and net.out_channels == 1152
