# Copyright (c) mmvb contributors. All rights reserved.
import pytest
import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmengine.registry import DefaultScope
from mmengine.runner import load_checkpoint

from mmvb.models.backbones import BCVEncoder, count_parameters
from mmvb.utils import import_mmpretrain_models

import_mmpretrain_models()
from mmpretrain.models.backbones.vision_transformer import \
    VisionTransformer  # noqa: E402

TINY = dict(embed_dims=32, num_layers=2, num_heads=2, feedforward_channels=64)
CLIP_LAYER = dict(act_cfg=dict(type='mmpretrain.QuickGELU'))


def _plain_vit(arch=TINY, img_size=56, **kwargs):
    """mmpretrain's ViT with BCVE's CLIP settings (the parity reference)."""
    return VisionTransformer(
        arch=arch,
        img_size=img_size,
        patch_size=14,
        pre_norm=True,
        norm_cfg=dict(type='LN', eps=1e-5),
        layer_cfgs=CLIP_LAYER,
        **kwargs)


@pytest.fixture(autouse=True)
def _mmaction_scope():
    with DefaultScope.overwrite_default_scope('mmaction'):
        yield


def _randomize_adapters(model):
    torch.manual_seed(1)
    for p in model.adapter_parameters():
        nn.init.normal_(p, std=0.02)


@pytest.mark.parametrize('peft', BCVEncoder.PEFT_MODES)
def test_bcve_is_the_clip_vit_at_init_and_adapts(peft):
    torch.manual_seed(0)
    model = MODELS.build(
        dict(type='BCVEncoder', arch=TINY, img_size=56, peft=peft))
    ref = _plain_vit()
    missing, unexpected = ref.load_state_dict(model.state_dict(), strict=False)
    assert not missing
    x = torch.randn(2, 3, 56, 56)
    out = model(x)
    # Frame-encoder contract: a tuple whose last element is [N, C].
    assert isinstance(out, tuple) and out[-1].shape == (2, 32)
    # Zero-initialised adapters: exactly the plain ViT.
    torch.testing.assert_close(out[-1], ref(x)[-1])
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    adapters = {
        n
        for n, p in model.named_parameters()
        if any(p is q for q in model.adapter_parameters())
    }
    if peft == 'full':
        assert trainable == {n for n, _ in model.named_parameters()}
        assert not adapters
    else:
        assert trainable == adapters
        assert (peft == 'none') == (not adapters)
    if adapters:
        _randomize_adapters(model)
        assert not torch.allclose(model(x)[-1], ref(x)[-1])
        with model.adapters_disabled():
            torch.testing.assert_close(model(x)[-1], ref(x)[-1])
        assert not torch.allclose(model(x)[-1], ref(x)[-1])


def test_bcve_out_types_and_frozen():
    model = BCVEncoder(arch=TINY, img_size=56, out_type='raw', frozen=True)
    assert count_parameters(model) == 0
    model.train()
    assert not model.training
    x = torch.randn(1, 3, 56, 56)
    assert model(x)[-1].shape == (1, 1 + 16, 32)
    featmap = BCVEncoder(arch=TINY, img_size=56, out_type='featmap')
    assert featmap(x)[-1].shape == (1, 32, 4, 4)


def test_bcve_loads_mmpretrain_checkpoint_with_prefix(tmp_path):
    """A classifier checkpoint (``backbone.`` keys) via ``init_cfg``."""
    torch.manual_seed(0)
    ref = _plain_vit()
    for p in ref.parameters():
        nn.init.normal_(p, std=0.1)
    path = tmp_path / 'clip.pth'
    torch.save(
        dict(state_dict={
            f'backbone.{k}': v
            for k, v in ref.state_dict().items()
        }), path)
    for peft in ('ta_si', 'lora'):
        model = BCVEncoder(
            arch=TINY,
            img_size=56,
            peft=peft,
            init_cfg=dict(
                type='Pretrained', checkpoint=str(path), prefix='backbone.'))
        model.init_weights()
        x = torch.randn(2, 3, 56, 56)
        torch.testing.assert_close(model(x)[-1], ref(x)[-1])


def test_bcve_vit_large_p14_checkpoint_loads(tmp_path):
    """A state dict saved from a randomly initialised mmpretrain ViT-L/14
    loads into BCVE-L/14: every ViT tensor arrives, only adapters are
    missing."""
    with torch.device('meta'):
        ref = _plain_vit(arch='large', img_size=224)
    ref.to_empty(device='cpu')
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in ref.parameters():
            p.normal_(0, 0.02, generator=gen)
    path = tmp_path / 'vit-l-p14.pth'
    torch.save(ref.state_dict(), path)
    probes = {
        k: ref.state_dict()[k].clone()
        for k in ('patch_embed.projection.weight', 'pos_embed',
                  'layers.23.attn.qkv.weight', 'layers.11.ffn.layers.1.bias',
                  'ln1.weight', 'pre_norm.bias')
    }
    vit_keys = set(ref.state_dict())
    del ref
    with torch.device('meta'):
        model = BCVEncoder()
    model.to_empty(device='cpu')
    model.init_weights()
    adapter_keys = {
        n
        for n, p in model.named_parameters()
        if any(p is q for q in model.adapter_parameters())
    }
    assert set(model.state_dict()) == vit_keys | adapter_keys
    state = torch.load(path, map_location='cpu', mmap=True)
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected
    assert set(missing) == adapter_keys
    for k, v in probes.items():
        assert torch.equal(model.state_dict()[k], v), k
    assert model.patch_embed.projection.kernel_size == (14, 14)
    assert model.patch_embed.projection.bias is None  # CLIP: no conv bias
    assert model.patch_resolution == (16, 16)


TABLE5_PARAMS = {
    # ours (paper: 0.93 M); TA 1024*32+32 + 32*1024+1024, SI 18,000 x 48
    'ta_si': 930_592,
    'ta': 66_592,
    'si': 864_000,
    # rank 16 on q and v: 24 * 2 * (1024 * 16 + 16 * 1024) (paper: 1.57 M)
    'lora': 1_572_864,
    # bottleneck 64 with biases: 24 * (1024*64+64 + 64*1024+1024)
    # (paper: 3.15 M; 3,145,728 without biases)
    'adaptformer': 3_171_840,
    'full': 303_179_776,
    'none': 0,
}


@pytest.mark.parametrize('peft', sorted(TABLE5_PARAMS))
def test_trainable_parameters_at_vit_large_p14(peft):
    with torch.device('meta'):
        model = BCVEncoder(peft=peft)
    assert count_parameters(model) == TABLE5_PARAMS[peft]
    assert count_parameters(model, trainable_only=False) == \
        303_179_776 + (TABLE5_PARAMS[peft] if peft != 'full' else 0)


def test_bcve_rejects_unknown_peft():
    with pytest.raises(ValueError, match='peft must be one of'):
        BCVEncoder(arch=TINY, img_size=56, peft='prompt')


def test_bcve_grad_reaches_adapters_only():
    model = BCVEncoder(arch=TINY, img_size=56, peft='ta_si')
    _randomize_adapters(model)
    model(torch.randn(2, 3, 56, 56))[-1].sum().backward()
    for name, p in model.named_parameters():
        assert (p.grad is not None) == p.requires_grad, name


def test_load_checkpoint_helper_reports_only_adapters(tmp_path):
    ref = _plain_vit()
    path = tmp_path / 'plain.pth'
    torch.save(ref.state_dict(), path)
    model = BCVEncoder(arch=TINY, img_size=56)
    load_checkpoint(model, str(path), strict=False)
    torch.testing.assert_close(model.pos_embed, ref.pos_embed)
