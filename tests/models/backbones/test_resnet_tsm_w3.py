# Copyright (c) mmvb contributors. All rights reserved.
"""ResNetTSMW3: placement, parity with ResNetTSM, weight loading, AFR."""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmaction.models import ResNet, ResNetTSM
from mmaction.registry import MODELS
from mmengine.runner import load_checkpoint
from torch import nn

from mmvb.models import CBAM, ResNetTSMW3, W3Attention
from mmvb.models.layers import collect_attention_maps

T = 4
# depthwise temporal convolutions keep the R50/R101 models light in tests
LIGHT_W3 = dict(type='W3Attention', temporal_conv='depthwise')

pytestmark = pytest.mark.usefixtures('quiet_mmaction_scope')


def _build(**kwargs):
    cfg = dict(
        type='ResNetTSMW3',
        depth=18,
        num_segments=T,
        pretrained=None,
        pretrained2d=False)
    cfg.update(kwargs)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def _frames(n=2, size=32):
    return torch.randn(n * T, 3, size, size)


def _num_blocks(model):
    return sum(len(getattr(model, name)) for name in model.res_layers)


@pytest.mark.parametrize('depth,channels', [(18, 512), (34, 512), (50, 2048),
                                            (101, 2048)])
def test_depths(depth, channels):
    torch.manual_seed(0)
    model = _build(depth=depth, attention_cfg=LIGHT_W3)
    assert isinstance(model, ResNetTSM)
    attention = model.attention_modules()
    assert len(attention) == _num_blocks(model)  # every residual block
    assert all(isinstance(m, W3Attention) for _, m in attention)
    # residual placement: planes * expansion channels
    assert attention[-1][1].in_channels == channels
    assert len(model.afr_sources) == 4  # one map per stage (Eq. 7)
    out = model(_frames(1))
    assert out.shape == (T, channels, 1, 1)


@pytest.mark.parametrize('position,expected', [('inner', (64, 512)),
                                               ('residual', (256, 2048)),
                                               ('output', (256, 2048))])
def test_positions_bottleneck(position, expected):
    model = _build(
        depth=50, attention_cfg=LIGHT_W3, attention_position=position)
    first, last = model.attention_modules()[0][1], \
        model.attention_modules()[-1][1]
    assert (first.in_channels, last.in_channels) == expected
    assert all(b.attention_position == position for b in model.layer1)
    assert model(_frames(1)).shape == (T, 2048, 1, 1)


@pytest.mark.parametrize('position', ['inner', 'residual', 'output'])
def test_positions_act_where_documented(position):
    """Hook the attention and check what it receives."""
    model = _build(attention_position=position, with_afr=False)
    model.eval()
    block = model.layer2[0]  # with downsample
    seen = {}
    block.attention.register_forward_hook(
        lambda m, args, out: seen.update(x=args[0], y=out))
    x = torch.randn(T, 64, 8, 8)
    out = block(x)
    identity = block.downsample(x)
    if position == 'inner':
        torch.testing.assert_close(seen['x'], block.conv1(x))
        expected = F.relu(block.conv2(seen['y']) + identity)
    elif position == 'residual':
        torch.testing.assert_close(seen['x'], block.conv2(block.conv1(x)))
        expected = F.relu(seen['y'] + identity)
    else:
        torch.testing.assert_close(
            seen['x'], F.relu(block.conv2(block.conv1(x)) + identity))
        expected = seen['y']
    torch.testing.assert_close(out, expected)


@pytest.mark.parametrize('depth,extra', [
    (18, {}),
    (50, {}),
    (50, dict(temporal_pool=True)),
    (50,
     dict(
         non_local=((0, 0, 0), (1, 0, 1, 0), (0, ) * 6, (0, 0, 0)),
         non_local_cfg=dict(
             sub_sample=True,
             use_scale=False,
             norm_cfg=dict(type='BN3d', requires_grad=True),
             mode='embedded_gaussian'))),
])
def test_disabled_equals_resnet_tsm(depth, extra):
    """attention_cfg=None, with_afr=False: ResNetTSM's keys and outputs."""
    torch.manual_seed(0)
    kwargs = dict(
        depth=depth, num_segments=T, pretrained=None, pretrained2d=False)
    kwargs.update(copy.deepcopy(extra))
    tsm = MODELS.build(dict(type='ResNetTSM', **kwargs))
    tsm.init_weights()
    w3 = MODELS.build(
        dict(
            type='ResNetTSMW3',
            attention_cfg=None,
            with_afr=False,
            **copy.deepcopy(kwargs)))
    assert list(w3.state_dict()) == list(tsm.state_dict())
    w3.load_state_dict(tsm.state_dict(), strict=True)
    x = _frames()
    for mode in (False, True):
        tsm.train(mode)
        w3.train(mode)
        torch.manual_seed(1)
        expected = tsm(x)
        torch.manual_seed(1)
        torch.testing.assert_close(w3(x), expected, rtol=0, atol=0)


def _torchvision_state_dict(depth=18):
    """A torchvision-layout ResNet state dict (ImageNet checkpoint shape)."""
    resnet = ResNet(depth=depth, pretrained=None)
    resnet.init_weights()
    with torch.no_grad():
        for m in resnet.modules():  # non-trivial BN statistics
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
    state = {}
    for key, value in resnet.state_dict().items():
        if key.startswith('conv1.'):
            key = key.replace('conv1.conv.',
                              'conv1.').replace('conv1.bn.', 'bn1.')
        elif '.downsample.' in key:
            key = key.replace('downsample.conv.',
                              'downsample.0.').replace('downsample.bn.',
                                                       'downsample.1.')
        else:
            for i in (1, 2, 3):
                key = key.replace(f'conv{i}.conv.',
                                  f'conv{i}.').replace(f'conv{i}.bn.',
                                                       f'bn{i}.')
        state[key] = value
    state['fc.weight'] = torch.randn(1000, 512)
    state['fc.bias'] = torch.randn(1000)
    return state


def _check_w3_own_init(model):
    for _, attention in model.attention_modules():
        for m in attention.modules():
            if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
                assert bool((m.bias == 0).all())
                # Kaiming normal, fan-out mode, ReLU gain
                fan_out = m.weight.shape[0] * m.weight[0, 0].numel()
                assert m.weight.std().item() == pytest.approx(
                    (2 / fan_out)**0.5, rel=0.5)
    assert bool((model.afr.conv.bias == 0).all())


def test_loads_imagenet_checkpoint(tmp_path):
    path = str(tmp_path / 'resnet18_tv.pth')
    torch.save(_torchvision_state_dict(), path)
    kwargs = dict(depth=18, num_segments=T, pretrained=path)
    tsm = MODELS.build(dict(type='ResNetTSM', **kwargs))
    tsm.init_weights()
    w3 = MODELS.build(dict(type='ResNetTSMW3', **kwargs))
    w3.init_weights()
    w3_state = w3.state_dict()
    for key, value in tsm.state_dict().items():
        torch.testing.assert_close(w3_state[key], value, msg=key)
    # the ImageNet weights really were loaded (not a fresh init)
    tv = torch.load(path)
    torch.testing.assert_close(w3_state['layer2.0.conv1.conv.net.weight'],
                               tv['layer2.0.conv1.weight'])
    torch.testing.assert_close(w3_state['layer1.1.conv2.bn.running_var'],
                               tv['layer1.1.bn2.running_var'])
    _check_w3_own_init(w3)


def test_loads_tsm_checkpoint(tmp_path):
    """A TSM recognizer checkpoint (``backbone.*``) through ``init_cfg`` and
    through the runner's ``load_checkpoint`` (``load_from``)."""
    torch.manual_seed(0)
    tsm = MODELS.build(
        dict(
            type='ResNetTSM',
            depth=18,
            num_segments=T,
            pretrained=None,
            pretrained2d=False))
    tsm.init_weights()
    path = str(tmp_path / 'tsm.pth')
    torch.save(
        dict(
            state_dict={
                f'backbone.{k}': v
                for k, v in tsm.state_dict().items()
            },
            meta=dict()), path)
    w3 = _build(
        init_cfg=dict(type='Pretrained', checkpoint=path, prefix='backbone.'))
    w3_state = w3.state_dict()
    for key, value in tsm.state_dict().items():
        torch.testing.assert_close(w3_state[key], value, msg=key)
    _check_w3_own_init(w3)

    model = nn.Module()  # the runner's `load_from` path
    model.backbone = _build()
    load_checkpoint(model, path, strict=False)
    for key, value in tsm.state_dict().items():
        torch.testing.assert_close(
            model.backbone.state_dict()[key], value, msg=key)
    missing = set(model.backbone.state_dict()) - set(tsm.state_dict())
    assert missing and all(
        ('attention' in k) or k.startswith('afr.') for k in missing)


def test_feature_refinement_eq7_eq8():
    torch.manual_seed(0)
    model = _build(depth=18)
    model.eval()
    with torch.no_grad():
        model.afr.conv.weight.normal_(0, 1.0)
        model.afr.conv.bias.uniform_(-0.5, 0.5)
    x = _frames(2, 64)
    with collect_attention_maps() as maps:
        plain = ResNetTSM.forward(model, x)  # the backbone without AFR
    masks = dict(maps)
    assert len(masks) == _num_blocks(model)
    size = plain.shape[-2:]
    pooled = [
        F.adaptive_avg_pool2d(masks[model.get_submodule(name)], size)
        for name in model.afr_sources
    ]
    assert model.afr_sources == [
        'layer1.1.attention', 'layer2.1.attention', 'layer3.1.attention',
        'layer4.1.attention'
    ]
    ms = torch.cat(pooled, dim=1)  # Eq. 7: [N*T, 4, H_l, W_l]
    expected = plain + F.relu(model.afr.conv(ms))  # Eq. 8
    torch.testing.assert_close(model(x), expected)
    assert not torch.allclose(model(x), plain)


def test_feature_refinement_every_block_and_gradients():
    torch.manual_seed(0)
    model = _build(afr_maps='block')
    assert len(model.afr_sources) == _num_blocks(model)
    assert model.afr.conv.in_channels == _num_blocks(model)
    model.train()
    model(_frames()).mean().backward()
    for name, param in model.named_parameters():
        if 'attention' in name or name.startswith('afr.'):
            assert param.grad is not None and param.grad.abs().sum() > 0, \
                name


def test_temporal_pool_and_non_local():
    torch.manual_seed(0)
    model = _build(
        depth=50, attention_cfg=LIGHT_W3, temporal_pool=True, num_segments=8)
    segs = [m.num_segments for _, m in model.attention_modules()]
    assert segs[:3] == [8, 8, 8] and set(segs[3:]) == {4}
    out = model(torch.randn(16, 3, 32, 32))
    assert out.shape == (8, 2048, 1, 1)  # 2 clips x 4 frames

    nl = _build(
        depth=50,
        attention_cfg=LIGHT_W3,
        non_local=((0, 0, 0), (1, 0, 1, 0), (0, ) * 6, (0, 0, 0)),
        non_local_cfg=dict(
            sub_sample=True,
            use_scale=False,
            norm_cfg=dict(type='BN3d', requires_grad=True),
            mode='embedded_gaussian'))
    assert len(nl.attention_modules()) == 16
    assert 'layer2.0.block.attention' in nl.attention_names[1]
    assert nl(_frames(1)).shape == (T, 2048, 1, 1)


def test_with_cp_matches():
    torch.manual_seed(0)
    model = _build(depth=50, attention_cfg=LIGHT_W3, with_afr=False)
    cp_model = _build(
        depth=50, attention_cfg=LIGHT_W3, with_afr=False, with_cp=True)
    cp_model.load_state_dict(model.state_dict())
    x = _frames(1).requires_grad_()
    x2 = x.detach().clone().requires_grad_()
    model.train()
    cp_model.train()
    torch.testing.assert_close(cp_model(x2), model(x))
    model(x).sum().backward()
    cp_model(x2).sum().backward()
    torch.testing.assert_close(x2.grad, x.grad)


def test_cbam_backbone_and_stage_selection():
    model = _build(
        attention_cfg=dict(type='CBAM'),
        attention_stages=(False, True, True, True))
    attention = model.attention_modules()
    assert len(attention) == 6 and all(
        isinstance(m, CBAM) for _, m in attention)
    assert model.attention_names[0] == []
    assert len(model.afr_sources) == 3
    assert model(_frames(1)).shape == (T, 512, 1, 1)


def test_invalid_settings():
    with pytest.raises(ValueError, match='contiguous frames'):
        _build(with_afr=False)(torch.randn(T + 1, 3, 32, 32))
    with pytest.raises(ValueError, match='needs attention_cfg'):
        _build(attention_cfg=None)
    with pytest.raises(ValueError, match='with_spatial=False'):
        _build(attention_cfg=dict(type='W3Attention', with_spatial=False))
    with pytest.raises(ValueError, match='attention_position'):
        _build(attention_position='after_conv3')
    with pytest.raises(ValueError, match='afr_maps'):
        _build(afr_maps='all')
    with pytest.raises(ValueError, match='out_indices'):
        _build(out_indices=(2, ))
    model = _build(
        attention_cfg=dict(type='W3Attention', with_spatial=False),
        with_afr=False)
    assert isinstance(model, ResNetTSMW3) and not hasattr(model, 'afr')
