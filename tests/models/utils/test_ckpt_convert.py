# Copyright (c) mmvb contributors. All rights reserved.
"""Checkpoint converters, on checkpoints saved from randomly initialised
source models with the real key layouts.

``_DAT`` reproduces the parameter/buffer layout of DAT v1
(``LeapLabTHU/DAT`` 797f187 ``models/dat.py`` + ``dat_blocks.py``): same
module names, shapes and buffers (only what ``state_dict`` sees; its forward
is not needed). ``_TimmViT`` reproduces timm's ViT/DeiT key layout; the
mmpretrain checkpoint comes from mmpretrain's own classes.
"""
import math
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from mmvb.models import AudioSpectrogramTransformer, DeformableAudioTransformer
from mmvb.models.utils import dat_to_datar, vit_to_ast


# --------------------------------------------------------------------------
# DAT v1 source layout
# --------------------------------------------------------------------------
class _LayerNormProxy(nn.Module):

    def __init__(self, dim):
        super().__init__()
        self.norm = nn.LayerNorm(dim)


class _TransformerMLP(nn.Module):

    def __init__(self, dim, expansion=4):
        super().__init__()
        self.chunk = nn.Sequential()
        self.chunk.add_module('linear1', nn.Linear(dim, dim * expansion))
        self.chunk.add_module('act', nn.GELU())
        self.chunk.add_module('linear2', nn.Linear(dim * expansion, dim))


class _LocalAttention(nn.Module):

    def __init__(self, dim, heads, window):
        super().__init__()
        self.proj_qkv = nn.Linear(dim, 3 * dim)
        self.proj_out = nn.Linear(dim, dim)
        self.relative_position_bias_table = nn.Parameter(
            torch.randn((2 * window - 1)**2, heads))
        self.register_buffer('relative_position_index',
                             torch.zeros(window**2, window**2).long())


class _ShiftWindowAttention(_LocalAttention):

    def __init__(self, dim, heads, window, fmap):
        super().__init__(dim, heads, window)
        n_win = (fmap // window)**2
        self.register_buffer('attn_mask',
                             torch.zeros(n_win, window**2, window**2))


class _DAttentionBaseline(nn.Module):

    def __init__(self, fmap, heads, groups, stage_idx):
        super().__init__()
        nc = 32 * heads  # head dim 32 as in DAT
        ncg = nc // groups
        kk = [9, 7, 5, 3][stage_idx]
        self.conv_offset = nn.Sequential(
            nn.Conv2d(ncg, ncg, kk, 1, kk // 2, groups=ncg),
            _LayerNormProxy(ncg), nn.GELU(),
            nn.Conv2d(ncg, 2, 1, 1, 0, bias=False))
        self.proj_q = nn.Conv2d(nc, nc, 1)
        self.proj_k = nn.Conv2d(nc, nc, 1)
        self.proj_v = nn.Conv2d(nc, nc, 1)
        self.proj_out = nn.Conv2d(nc, nc, 1)
        self.rpe_table = nn.Parameter(
            torch.randn(heads, 2 * fmap - 1, 2 * fmap - 1))


class _TransformerStage(nn.Module):

    def __init__(self, fmap, window, dim, depth, spec, groups, heads,
                 stage_idx):
        super().__init__()
        self.proj = nn.Identity()
        self.layer_norms = nn.ModuleList(
            [_LayerNormProxy(dim) for _ in range(2 * depth)])
        self.mlps = nn.ModuleList([_TransformerMLP(dim) for _ in range(depth)])
        self.attns = nn.ModuleList()
        for kind in spec:
            if kind == 'L':
                self.attns.append(_LocalAttention(dim, heads, window))
            elif kind == 'S':
                self.attns.append(
                    _ShiftWindowAttention(dim, heads, window, fmap))
            else:
                self.attns.append(
                    _DAttentionBaseline(fmap, heads, groups, stage_idx))


class _DAT(nn.Module):
    """DAT v1 with ``img_size``, ``dims``, ``depths``, ``heads``, groups and
    ``stage_spec`` as in its yaml configs (head dim 32)."""

    def __init__(self,
                 img_size,
                 dims,
                 depths,
                 heads,
                 groups,
                 specs,
                 window=7,
                 num_classes=1000):
        super().__init__()
        self.patch_proj = nn.Sequential(
            nn.Conv2d(3, dims[0], 4, 4, 0), _LayerNormProxy(dims[0]))
        size = img_size // 4
        self.stages = nn.ModuleList()
        for i in range(4):
            self.stages.append(
                _TransformerStage(size, window, dims[i], depths[i], specs[i],
                                  groups[i], heads[i], i))
            size //= 2
        self.down_projs = nn.ModuleList([
            nn.Sequential(
                nn.Conv2d(dims[i], dims[i + 1], 2, 2, 0, bias=False),
                _LayerNormProxy(dims[i + 1])) for i in range(3)
        ])
        self.cls_norm = _LayerNormProxy(dims[-1])
        self.cls_head = nn.Linear(dims[-1], num_classes)


DIMS, HEADS, GROUPS = [32, 64, 128, 256], [1, 2, 4, 8], [-1, -1, 2, 4]
DEPTHS, SPECS = [2, 2, 2, 2], ['LS', 'LS', 'LD', 'LD']
ARCH = dict(
    embed_dims=DIMS, depths=DEPTHS, num_heads=HEADS, num_groups=[1, 1, 2, 4])


@pytest.fixture(scope='module')
def dat_ckpt(tmp_path_factory):
    torch.manual_seed(0)
    dat = _DAT(112, DIMS, DEPTHS, HEADS, GROUPS, SPECS)
    for p in dat.parameters():  # LayerNorms not at their trivial init
        nn.init.normal_(p, 0, 0.1)
    path = tmp_path_factory.mktemp('dat') / 'dat_tiny_in1k_224.pth'
    torch.save({'model': dat.state_dict()}, path)
    return path, dat.state_dict()


def test_dat_to_datar(dat_ckpt):
    path, src = dat_ckpt
    model = DeformableAudioTransformer(
        ARCH, input_size=(64, 128), pretrained=str(path))
    model.init_weights()
    dst = model.state_dict()
    # Stem: the RGB kernel summed to the one spectrogram channel.
    assert torch.allclose(dst['patch_embed.projection.weight'],
                          src['patch_proj.0.weight'].sum(1, keepdim=True))
    assert torch.equal(dst['patch_embed.norm.weight'],
                       src['patch_proj.1.norm.weight'])
    # Norms and MLPs.
    assert torch.equal(dst['stages.1.1.norm2.bias'],
                       src['stages.1.layer_norms.3.norm.bias'])
    assert torch.equal(dst['stages.2.0.ffn.layers.0.0.weight'],
                       src['stages.2.mlps.0.chunk.linear1.weight'])
    assert torch.equal(dst['stages.3.1.ffn.layers.1.bias'],
                       src['stages.3.mlps.1.chunk.linear2.bias'])
    # Window attention (same 13x13 table: window 7 in both).
    assert torch.equal(dst['stages.0.1.attn.w_msa.qkv.weight'],
                       src['stages.0.attns.1.proj_qkv.weight'])
    assert torch.equal(
        dst['stages.2.0.attn.w_msa.relative_position_bias_table'],
        src['stages.2.attns.0.relative_position_bias_table'])
    # Deformable attention: 1x1 convs -> linear layers.
    assert torch.equal(dst['stages.2.1.attn.k.weight'],
                       src['stages.2.attns.1.proj_k.weight'][:, :, 0, 0])
    assert torch.equal(dst['stages.3.1.attn.proj.bias'],
                       src['stages.3.attns.1.proj_out.bias'])
    # Bias tables: DAT's (13, 13) at 7x7 tokens -> (2h-1, 2T-1) = (7, 15).
    table = dst['stages.2.1.attn.rpe_table']
    assert table.shape == (4, 7, 15)
    assert torch.allclose(
        table,
        F.interpolate(
            src['stages.2.attns.1.rpe_table'][None], (7, 15),
            mode='bicubic')[0])
    assert dst['stages.3.1.attn.rpe_table'].shape == (8, 3, 7)
    # Offset net: DAT's stage-4 3x3 kernel zero-padded to the AOG's 5x5.
    k3 = src['stages.3.attns.1.conv_offset.0.weight']
    k5 = dst['stages.3.1.attn.offset_generator.dwconv.weight']
    assert k3.shape[-1] == 3 and k5.shape[-1] == 5
    x = torch.randn(1, k3.shape[0], 6, 6)
    assert torch.allclose(
        F.conv2d(x, k3, padding=1, groups=k3.shape[0]),
        F.conv2d(x, k5, padding=2, groups=k3.shape[0]),
        atol=1e-5)
    assert torch.equal(dst['stages.2.1.attn.offset_generator.pwconv.weight'],
                       src['stages.2.attns.1.conv_offset.3.weight'])
    assert torch.equal(dst['downsamples.2.projection.weight'],
                       src['down_projs.2.0.weight'])
    assert torch.equal(dst['norm3.weight'], src['cls_norm.norm.weight'])
    # The converted model runs.
    model.eval()
    assert model(torch.randn(1, 1, 64, 128)).shape == (1, 256, 2, 4)


def test_dat_report(dat_ckpt):
    path, src = dat_ckpt
    model = DeformableAudioTransformer(ARCH, input_size=(64, 128))
    target = dict(model.named_parameters())
    converted, report = dat_to_datar(torch.load(path), target)
    assert report.missing == []  # every DATAR parameter is filled
    assert set(converted) == set(target)
    assert report.dropped['cls_head.weight'] == 'ImageNet classifier'
    assert 'LayerNorm' in report.dropped[
        'stages.2.attns.1.conv_offset.1.norm.weight']
    assert 'buffer' in report.dropped['stages.0.attns.1.attn_mask']
    assert 'buffer' in report.dropped[
        'stages.0.attns.0.relative_position_index']
    assert 'summed' in report.adapted['patch_embed.projection.weight']
    assert 'zero-padded' in report.adapted[
        'stages.3.1.attn.offset_generator.dwconv.weight']
    assert 'resized' in report.adapted['stages.2.1.attn.rpe_table']
    assert 'dropped' in str(report)
    # DAT's offset-net LayerNorm is kept when the AOG has one.
    with_ln = DeformableAudioTransformer(
        ARCH, input_size=(64, 128), offset_norm=True)
    converted, report = dat_to_datar(
        torch.load(path), dict(with_ln.named_parameters()))
    assert torch.equal(
        converted['stages.2.1.attn.offset_generator.norm.weight'],
        src['stages.2.attns.1.conv_offset.1.norm.weight'])
    assert report.missing == []
    # "Without deformable" (zero offsets): everything but the offset
    # networks is used.
    fixed = DeformableAudioTransformer(
        ARCH, input_size=(64, 128), deformable=False)
    converted, report = dat_to_datar(
        torch.load(path), dict(fixed.named_parameters()))
    assert report.missing == []
    assert torch.equal(converted['stages.2.1.attn.k.weight'],
                       src['stages.2.attns.1.proj_k.weight'][:, :, 0, 0])
    offset_keys = [k for k in report.dropped if 'conv_offset' in k]
    assert len(offset_keys) == 2 * 5  # 2 blocks x (dw w/b, LN w/b, pw w)
    assert all('zero offsets' in report.dropped[k] for k in offset_keys)
    # The Swin-style variant: DAT's deformable tensors are reported dropped
    # and DATAR's shifted-window blocks there keep their init.
    swin = DeformableAudioTransformer(
        ARCH, input_size=(64, 128), deformable=False, fallback_block='S')
    converted, report = dat_to_datar(
        torch.load(path), dict(swin.named_parameters()))
    assert 'deformable block' in report.dropped[
        'stages.2.attns.1.proj_q.weight']
    assert 'stages.2.1.attn.w_msa.qkv.weight' in report.missing
    assert 'stages.2.0.attn.w_msa.qkv.weight' in converted


# --------------------------------------------------------------------------
# ViT sources for AST
# --------------------------------------------------------------------------
class _TimmBlock(nn.Module):

    def __init__(self, dim, hidden):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = nn.Module()
        self.attn.qkv = nn.Linear(dim, 3 * dim)
        self.attn.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Module()
        self.mlp.fc1 = nn.Linear(dim, hidden)
        self.mlp.fc2 = nn.Linear(hidden, dim)


class _TimmViT(nn.Module):
    """timm ``VisionTransformer`` / ``VisionTransformerDistilled`` keys."""

    def __init__(self, dim=32, depth=2, grid=4, distilled=True):
        super().__init__()
        extra = 2 if distilled else 1
        self.patch_embed = nn.Module()
        self.patch_embed.proj = nn.Conv2d(3, dim, 16, 16)
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim))
        if distilled:
            self.dist_token = nn.Parameter(torch.randn(1, 1, dim))
            self.head_dist = nn.Linear(dim, 1000)
        self.pos_embed = nn.Parameter(torch.randn(1, extra + grid**2, dim))
        self.blocks = nn.ModuleList(
            [_TimmBlock(dim, 2 * dim) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, 1000)


AST_ARCH = dict(
    embed_dims=32, num_layers=2, num_heads=2, feedforward_channels=64)


@pytest.mark.parametrize('distilled', [True, False])
def test_timm_vit_to_ast(distilled):
    torch.manual_seed(0)
    src = _TimmViT(distilled=distilled).state_dict()
    ast = AudioSpectrogramTransformer(
        AST_ARCH, input_size=(32, 128), strides=(10, 10))
    assert ast.patch_resolution == (2, 12)
    converted, report = vit_to_ast(src, dict(ast.named_parameters()),
                                   ast.patch_resolution)
    assert report.missing == []
    assert torch.allclose(converted['patch_embed.projection.weight'],
                          src['patch_embed.proj.weight'].sum(1, True))
    assert torch.equal(converted['layers.1.ffn.layers.0.0.weight'],
                       src['blocks.1.mlp.fc1.weight'])
    assert torch.equal(converted['layers.0.attn.qkv.bias'],
                       src['blocks.0.attn.qkv.bias'])
    assert torch.equal(converted['ln1.weight'], src['norm.weight'])
    assert report.dropped['head.weight'] == 'ImageNet classifier'
    # AST position rule: 4x4 ImageNet grid -> 2 (freq, centre crop) x 12
    # (time, bilinear); extra-token positions kept (dist from cls if the
    # checkpoint has no distillation token).
    extra = 2 if distilled else 1
    grid = src['pos_embed'][:, extra:].transpose(1, 2).reshape(1, 32, 4, 4)
    wide = F.interpolate(grid, size=(4, 12), mode='bilinear')
    want = wide[:, :, 1:3].flatten(2).transpose(1, 2)
    pos = converted['pos_embed']
    assert pos.shape == (1, 2 + 24, 32)
    assert torch.allclose(pos[:, 2:], want)
    assert torch.equal(pos[:, 0], src['pos_embed'][:, 0])
    if distilled:
        assert torch.equal(converted['dist_token'], src['dist_token'])
    else:
        assert torch.equal(converted['dist_token'], src['cls_token'])
        assert torch.equal(pos[:, 1], src['pos_embed'][:, 0])
        assert 'class token' in report.adapted['dist_token']


def test_mmpretrain_deit_to_ast_is_exact_on_grey_input(tmp_path):
    from mmengine.registry import DefaultScope
    from mmpretrain.models import ImageClassifier
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        deit = ImageClassifier(
            backbone=dict(
                type='DistilledVisionTransformer',
                arch=AST_ARCH,
                img_size=64,
                patch_size=16),
            head=dict(type='DeiTClsHead', num_classes=10, in_channels=32))
    deit.init_weights()
    path = tmp_path / 'deit.pth'
    torch.save({'state_dict': deit.state_dict(), 'meta': {}}, path)
    # Same geometry (64x64, stride 16): grey input must give the DeiT's
    # (cls + dist) / 2 features exactly.
    ast = AudioSpectrogramTransformer(
        AST_ARCH, input_size=(64, 64), strides=(16, 16), pretrained=str(path))
    ast.init_weights()
    ast.eval()
    deit.eval()
    x = torch.randn(2, 1, 64, 64)
    cls_token, dist_token = deit.backbone(x.expand(-1, 3, -1, -1))[-1]
    assert torch.allclose(
        ast(x)[:, :, 0, 0], (cls_token + dist_token) / 2, atol=1e-5)
    # Overlapping patches on a spectrogram shape load too.
    spec = AudioSpectrogramTransformer(
        AST_ARCH, input_size=(32, 128), pretrained=str(path))
    spec.init_weights()
    assert spec(torch.randn(1, 1, 32, 128)).shape == (1, 32, 1, 1)
    assert math.prod(spec.patch_resolution) == 24


def test_converter_tool(dat_ckpt, tmp_path):
    import importlib.util
    import os.path as osp
    root = osp.dirname(
        osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
    spec = importlib.util.spec_from_file_location(
        'imagenet_to_audio',
        osp.join(root, 'tools/model_converters/imagenet_to_audio.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    cfg = tmp_path / 'cfg.py'
    cfg.write_text(
        "default_scope = 'mmaction'\n"
        f'model = dict(backbone=dict(type="DeformableAudioTransformer", '
        f'arch={ARCH!r}, input_size=(64, 128), pretrained="x.pth"))\n')
    out = tmp_path / 'converted.pth'
    report = tool.convert(str(cfg), str(dat_ckpt[0]), str(out))
    assert 'missing 0' in report
    state = torch.load(out)['state_dict']
    assert torch.allclose(
        state['backbone.patch_embed.projection.weight'],
        dat_ckpt[1]['patch_proj.0.weight'].sum(1, keepdim=True))
    assert (tmp_path / 'converted.txt').read_text().startswith('copied')
    model = DeformableAudioTransformer(ARCH, input_size=(64, 128))
    model.load_state_dict({k[len('backbone.'):]: v
                           for k, v in state.items()},
                          strict=False)


# --------------------------------------------------------------------------
# Published checkpoint layouts (issue 11): manifests made from the official
# definitions by tools/model_converters/manifests/{dat,deit_ast}.py
# --------------------------------------------------------------------------
CKPT_DIR = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'data',
    'checkpoints')
# Why a checkpoint tensor may be left out, per converter. Anything else the
# converter does not place is an unexpected key.
DAT_DROPS = dict([
    ('ImageNet classifier', r'^cls_head\.'),
    ('buffer recomputed by DATAR', r'\.(relative_position_index|attn_mask)$'),
    ("offset network of a block with zero offsets ('F', without deformable)",
     r'\.conv_offset\.'),
])
VIT_DROPS = {'ImageNet classifier': r'^head(_dist)?\.'}
# Backbone tensors no ImageNet checkpoint has: the modules the papers add.
DATAR_NEW = ['input_adaptor.conv.bias', 'input_adaptor.conv.weight']


def _load_through_backbone(cfg_path, manifest_name, monkeypatch):
    """Build the config's backbone, load a random checkpoint laid out as the
    published file through its own ``init_weights`` (the path a config
    takes) and return the backbone, the checkpoint and the report."""
    from mmaction.registry import MODELS
    from mmengine.runner.checkpoint import CheckpointLoader

    from mmvb.testing import checkpoint_from_manifest, get_cfg
    manifest = osp.join(CKPT_DIR, f'{manifest_name}.json')
    checkpoint = checkpoint_from_manifest(manifest, seed=3)
    cfg = get_cfg(cfg_path).model.backbone
    assert cfg.pretrained.endswith('.pth')
    backbone = MODELS.build(cfg)
    calls = []

    def load_checkpoint(filename, map_location=None, **kwargs):
        calls.append(filename)
        return checkpoint

    monkeypatch.setattr(CheckpointLoader, 'load_checkpoint', load_checkpoint)
    backbone.init_weights()
    assert calls == [cfg.pretrained]
    return backbone, checkpoint


def _check_layout(backbone, checkpoint, report, drops, new_modules):
    import re
    wrapped = next(iter(checkpoint.values()))
    unexpected = [
        k for k, why in report.dropped.items()
        if why not in drops or not re.search(drops[why], k)
    ]
    assert unexpected == [], {k: report.dropped[k] for k in unexpected}
    placed = set(report.copied) | set(report.adapted)
    assert len(placed) + len(report.dropped) == len(wrapped)
    assert sorted(report.missing) == sorted(new_modules)
    # The loader put every converted tensor into the backbone.
    state = backbone.state_dict()
    for key in placed:
        assert key in state


@pytest.mark.parametrize(
    'cfg_path,new_modules,n_dropped',
    [('datar/datar_in1k-pretrained-dat-b_8xb12-50e_vggsound-audio.py',
      DATAR_NEW, 2 + 14 + 2),
     ('datar/datar-wo-deformable_in1k-pretrained-dat-b_8xb12-300e_'
      'kinetics-sounds-audio.py', [], 2 + 14 + 2 + 10 * 5)])
def test_dat_b_release_layout(cfg_path, new_modules, n_dropped, monkeypatch):
    """DAT v1's ``dat_base_in1k_224.pth`` ({'model': ...}, 435 tensors) into
    the paper configs' backbones: nothing unexpected; missing only the
    input adaptor; dropped only the classifier, the 14 window-attention
    index buffers and 2 shift masks and, without deformable, the offset
    networks."""
    from mmvb.testing import load_manifest
    manifest = load_manifest(osp.join(CKPT_DIR, 'dat_base_in1k_224.json'))
    assert manifest['source']['commit'].startswith('797f187')
    assert manifest['wrapper'] == 'model'
    assert len(manifest['keys']) == 435
    backbone, checkpoint = _load_through_backbone(cfg_path,
                                                  'dat_base_in1k_224',
                                                  monkeypatch)
    converted, report = dat_to_datar(checkpoint,
                                     dict(backbone.named_parameters()))
    _check_layout(backbone, checkpoint, report, DAT_DROPS, new_modules)
    assert len(report.dropped) == n_dropped
    assert backbone.convention == 'dat'
    src = checkpoint['model']
    state = backbone.state_dict()
    assert torch.allclose(state['patch_embed.projection.weight'],
                          src['patch_proj.0.weight'].sum(1, keepdim=True))
    assert torch.equal(state['stages.2.17.attn.v.weight'],
                       src['stages.2.attns.17.proj_v.weight'][:, :, 0, 0])
    assert state['stages.3.1.attn.rpe_table'].shape == (32, 7, 63)
    assert torch.equal(state['stages.3.1.attn.rpe_table'],
                       converted['stages.3.1.attn.rpe_table'])
    if new_modules:  # offset LayerNorm kept (convention='dat')
        assert torch.equal(
            state['stages.2.1.attn.offset_generator.norm.weight'],
            src['stages.2.attns.1.conv_offset.1.norm.weight'])


def test_deit_b_release_layout(monkeypatch):
    """The DeiT-B 384 release AST starts from ({'model': ...}, 155 tensors,
    timm 0.4.5's ``vit_deit_base_distilled_patch16_384``) into the AST
    config's backbone: nothing unexpected or missing; dropped only the two
    classifiers."""
    from mmvb.testing import load_manifest
    name = 'deit_base_distilled_patch16_384-d0272ac0'
    manifest = load_manifest(osp.join(CKPT_DIR, f'{name}.json'))
    assert manifest['wrapper'] == 'model'
    assert len(manifest['keys']) == 155
    backbone, checkpoint = _load_through_backbone(
        'datar/ast_in1k-pretrained-deit-b_8xb12-50e_vggsound-audio.py', name,
        monkeypatch)
    assert backbone.patch_resolution == (12, 101)
    converted, report = vit_to_ast(checkpoint,
                                   dict(backbone.named_parameters()),
                                   backbone.patch_resolution,
                                   backbone.num_extra_tokens)
    _check_layout(backbone, checkpoint, report, VIT_DROPS, [])
    assert sorted(report.dropped) == [
        'head.bias', 'head.weight', 'head_dist.bias', 'head_dist.weight'
    ]
    state = backbone.state_dict()
    assert torch.equal(state['pos_embed'], converted['pos_embed'])
    assert state['pos_embed'].shape == (1, 2 + 12 * 101, 768)
    assert torch.equal(state['layers.11.ffn.layers.1.weight'],
                       checkpoint['model']['blocks.11.mlp.fc2.weight'])
