# Copyright (c) mmvb contributors. All rights reserved.
import pytest
import torch
from mmaction.models.backbones import MViT
from mmengine.runner.checkpoint import _load_checkpoint_with_prefix

from mmvb.models import BMViTBackbone

TINY = dict(embed_dims=8, num_layers=3, num_heads=1, downscale_indices=[1, 2])


def test_kinetics_checkpoint_loads_without_missing_or_unexpected_keys(
        tmp_path):
    """A recognizer checkpoint of mmaction2's MViT(arch='small') (what the
    Kinetics-400 weights are) fills every backbone parameter."""
    torch.manual_seed(0)
    source = MViT(arch='small')
    source.init_weights()
    state = {f'backbone.{k}': v for k, v in source.state_dict().items()}
    state['cls_head.fc_cls.weight'] = torch.zeros(400, 768)
    state['cls_head.fc_cls.bias'] = torch.zeros(400)
    ckpt = tmp_path / 'mvit-small-k400.pth'
    torch.save(dict(state_dict=state, meta=dict()), ckpt)

    loaded = _load_checkpoint_with_prefix('backbone.', str(ckpt))
    net = BMViTBackbone(arch='small')
    missing, unexpected = net.load_state_dict(loaded, strict=False)
    assert missing == [] and unexpected == []
    assert set(net.state_dict()) == set(source.state_dict())

    # The same through the config path (init_cfg Pretrained + prefix).
    net = BMViTBackbone(
        arch='small',
        init_cfg=dict(
            type='Pretrained', checkpoint=str(ckpt), prefix='backbone.'))
    net.init_weights()
    for key, value in source.state_dict().items():
        assert torch.equal(net.state_dict()[key], value), key


@pytest.mark.parametrize('remove, grid', [(True, 4), (False, 2)])
def test_small_output_grid(remove, grid):
    # 16 x 64 x 64: patch embed 8 x 16 x 16, three 2x poolings (or two).
    net = BMViTBackbone(arch='small', remove_last_pool=remove).eval()
    with torch.no_grad():
        out, = net(torch.rand(1, 3, 16, 64, 64))
    assert out.shape == (1, 768, 8, grid, grid)


def test_keep_pooling_equals_mmaction_mvit():
    torch.manual_seed(0)
    ref = MViT(
        arch=TINY, spatial_size=64, temporal_size=4,
        output_cls_token=False).eval()
    net = BMViTBackbone(
        arch=TINY, spatial_size=64, temporal_size=4,
        remove_last_pool=False).eval()
    net.load_state_dict(ref.state_dict())
    x = torch.rand(2, 3, 4, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(net(x)[0], ref(x)[0])


def test_removed_pooling_keeps_parameters_and_doubles_grid():
    ref = MViT(arch=TINY, spatial_size=64, temporal_size=4)
    net = BMViTBackbone(arch=TINY, spatial_size=64, temporal_size=4)
    assert {k: v.shape for k, v in net.state_dict().items()} == \
        {k: v.shape for k, v in ref.state_dict().items()}
    last = net.blocks[TINY['downscale_indices'][-1]]
    assert tuple(last.attn.pool_q.stride) == (1, 1, 1)
    assert last.pool_skip is None
    with torch.no_grad():
        out, = net(torch.rand(1, 3, 4, 64, 64))
    # 64 / 4 (patches) / 2 (first downscale only)
    assert out.shape == (1, 32, 2, 8, 8)
