# Copyright (c) mmvb contributors. All rights reserved.
"""Official InstBlink / TeViT checkpoints -> mmvb, checked on key manifests.

The manifests (``tests/data/checkpoints/{instblink_r50,tevit_r50}.json``)
were made from the official mmdet 2.x definitions
(``tools/model_converters/manifests/``), so the key names and shapes below
are the published files', not mmvb's names mapped back. Tensors live on the
meta device: only names and shapes matter here.
"""
import importlib.util
import os.path as osp
import re

import pytest
import torch
from mmengine.config import Config

from mmvb.apis import build_model_from_cfg
from mmvb.models import convert_official_instblink
from mmvb.testing import get_cfg, load_manifest

ROOT = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
DATA = osp.join(ROOT, 'tests', 'data', 'checkpoints')
PAPER = ('instblink/instblink_ytvis19-pretrained-tevit-r50-fpn_'
         '2xb4-11x1x1-10000i_mpeblink-rgb.py')
STAGES = range(4)


def meta_state_dict(name):
    """The published file's state dict and wrapper, as meta tensors."""
    manifest = load_manifest(osp.join(DATA, f'{name}.json'))
    state = {
        key: torch.empty(shape, dtype=getattr(torch, dtype), device='meta')
        for key, (shape, dtype) in manifest['keys'].items()
    }
    return state, manifest['wrapper']


def build_meta(config, **head):
    """The config's model (weights on the meta device) and state dict."""
    cfg = get_cfg(config)
    cfg.model.head.update(head)
    model = build_model_from_cfg(cfg).to_empty(device='meta')
    return model, model.state_dict()


@pytest.fixture(scope='module')
def paper_model():
    return build_meta(PAPER)


def _load_tool():
    spec = importlib.util.spec_from_file_location(
        'instblink_to_mmvb',
        osp.join(ROOT, 'tools', 'convert', 'instblink_to_mmvb.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def test_manifests_come_from_the_official_definitions():
    for name, repo, commit in [
        ('instblink_r50', 'wenzhengzeng/MPEblink', 'ee9a44f'),
        ('tevit_r50', 'hustvl/TeViT', '961fd6b'),
    ]:
        manifest = load_manifest(osp.join(DATA, f'{name}.json'))
        assert manifest['source']['repository'] == repo
        assert manifest['source']['commit'].startswith(commit)
        assert manifest['wrapper'] == 'state_dict'  # mmcv save_checkpoint
    instblink, _ = meta_state_dict('instblink_r50')
    tevit, _ = meta_state_dict('tevit_r50')
    # the released file names the blink heads `mask_head`
    assert 'roi_head.mask_head.3.fc_blink.weight' in instblink
    assert not any('blink_head' in k for k in instblink)
    proposals = 'rpn_head.init_proposal_features.weight'
    assert instblink[proposals].shape == (50, 256)
    assert tevit[proposals].shape == (100, 256)
    assert tevit['roi_head.bbox_head.5.fc_cls.weight'].shape == (40, 256)
    assert 'roi_head.mask_head.5.conv_logits.weight' in tevit


def test_instblink_r50_loads_strictly(paper_model):
    model, reference = paper_model
    state, _ = meta_state_dict('instblink_r50')
    converted, dropped = convert_official_instblink(state, 'official',
                                                    reference)
    # every mmvb key, same shapes; only the blink MLP the official head
    # computes and discards is left out
    assert set(converted) == set(reference)
    for key, value in converted.items():
        assert value.shape == reference[key].shape, key
    assert sorted(dropped) == sorted(
        f'roi_head.mask_head.{s}.blink_fcs.{i}.{p}' for s in STAGES
        for i, p in [(0, 'weight'), (1, 'weight'), (1, 'bias'), (
            3, 'weight'), (4, 'weight'), (4, 'bias')])
    missing, unexpected = model.load_state_dict(converted, strict=True)
    assert not missing and not unexpected

    # the intended MLP blink head takes the MLP too
    mlp_model, mlp_ref = build_meta(PAPER, blink_head_type='mlp')
    converted, dropped = convert_official_instblink(state, 'mlp', mlp_ref)
    assert dropped == [] and set(converted) == set(mlp_ref)


def test_tevit_r50_initialises_the_paper_model(paper_model):
    model, reference = paper_model
    state, _ = meta_state_dict('tevit_r50')
    converted, dropped = convert_official_instblink(state, 'official',
                                                    reference)
    missing, unexpected = model.load_state_dict(converted, strict=False)
    assert unexpected == []
    # what TeViT lacks: the blink heads, a 1-class classifier (TeViT: 40
    # YouTube-VIS classes) and 50 proposals (TeViT: 100)
    expected_missing = [
        'head.init_proposal_bboxes.weight',
        'head.init_proposal_features.weight'
    ] + [
        f'head.stages.{s}.{m}.{p}' for s in STAGES
        for m in ('fc_cls', 'fc_blink') for p in ('weight', 'bias')
    ]
    assert sorted(missing) == sorted(expected_missing)
    for key, value in converted.items():
        assert value.shape == reference[key].shape, key
    # dropped: TeViT's 6 mask heads, its stages 4-5, and the tensors above
    groups = {re.sub(r'\.(\d+)\..*', r'.\1', k) for k in dropped}
    assert groups == {f'roi_head.mask_head.{s}'
                      for s in range(6)} | {
                          'roi_head.bbox_head.0', 'roi_head.bbox_head.1',
                          'roi_head.bbox_head.2', 'roi_head.bbox_head.3',
                          'roi_head.bbox_head.4', 'roi_head.bbox_head.5',
                          'rpn_head.init_proposal_bboxes.weight',
                          'rpn_head.init_proposal_features.weight'
                      }
    stage0 = [k for k in dropped if k.startswith('roi_head.bbox_head.0.')]
    assert sorted(stage0) == [
        'roi_head.bbox_head.0.fc_cls.bias',
        'roi_head.bbox_head.0.fc_cls.weight'
    ]
    # the backbone, FPN and the stages' attention, VIM and box branches load
    assert 'head.stages.3.qim.attn.in_proj_weight' in converted
    assert 'head.stages.3.dynamic_conv.dynamic_layer.weight' in converted
    assert 'head.stages.3.reg_fcs.6.weight' in converted


def test_tevit_r50_fits_the_ablations():
    state, _ = meta_state_dict('tevit_r50')
    for head in [
            dict(qim_spatial=False, qim_temporal=False),
            dict(vim_filter=False),
            dict(blink_head_type=None),
            dict(qim_share_weights=False),
            dict(blink_head_type='mlp'),
    ]:
        model, reference = build_meta(PAPER, **head)
        converted, _ = convert_official_instblink(
            state, head.get('blink_head_type', 'official'), reference)
        missing, unexpected = model.load_state_dict(converted, strict=False)
        assert unexpected == [], head
        assert all(
            re.search(r'init_proposal_|fc_cls|blink|temporal_', k)
            for k in missing), (head, missing)


def test_other_depth_or_other_files_are_refused(paper_model):
    _, reference = paper_model
    tevit, _ = meta_state_dict('tevit_r50')

    # TeViT with ResNet-101: 23 blocks in layer3 instead of 6
    r101 = dict(tevit)
    for block in range(6, 23):
        for key, value in tevit.items():
            if key.startswith('backbone.layer3.5.'):
                r101[key.replace('layer3.5.', f'layer3.{block}.')] = value
    with pytest.raises(
            ValueError, match=r'backbone\.layer3\.6\.conv1\.weight'):
        convert_official_instblink(r101, 'official', reference)

    # the R50 checkpoint for an R101 model: the missing blocks are named
    cfg = get_cfg(PAPER)
    cfg.model.backbone.depth = 101
    deep = build_model_from_cfg(cfg).to_empty(device='meta').state_dict()
    with pytest.raises(
            ValueError,
            match=r'model key\(s\) not in the checkpoint: '
            r'backbone\.layer3\.6\.'):
        convert_official_instblink(tevit, 'official', deep)

    # an ImageNet classifier (mmpretrain ResNet-50): no FPN, no heads
    classifier = {k: v for k, v in tevit.items() if k.startswith('backbone.')}
    classifier['head.fc.weight'] = torch.empty(1000, 2048, device='meta')
    with pytest.raises(ValueError) as err:
        convert_official_instblink(classifier, 'official', reference)
    assert 'head.fc.weight [1000, 2048]' in str(err.value)
    assert 'neck.lateral_convs.0.conv.weight' in str(err.value)

    # a wrong shape inside a stage (another embedding size)
    bad = dict(tevit)
    bad['roi_head.bbox_head.0.ffn.layers.1.weight'] = torch.empty(
        256, 1024, device='meta')
    with pytest.raises(
            ValueError,
            match=r'ffn\.layers\.1\.weight '
            r'\[256, 1024\] \(model head\.stages\.0'):
        convert_official_instblink(bad, 'official', reference)

    # an mmvb checkpoint (already converted)
    with pytest.raises(ValueError, match='already converted'):
        convert_official_instblink(reference, 'official', reference)


def test_cli_converts_the_published_layout(paper_model, monkeypatch, tmp_path):
    model, reference = paper_model
    tool = _load_tool()
    monkeypatch.setattr(tool, 'build_model_from_cfg', lambda cfg: model)
    state, wrapper = meta_state_dict('tevit_r50')
    files = {'tevit_r50.pth': {wrapper: state, 'meta': dict(iter=9200)}}
    monkeypatch.setattr(tool.torch, 'load',
                        lambda path, **kwargs: files[osp.basename(path)])
    saved = {}
    monkeypatch.setattr(tool.torch, 'save',
                        lambda obj, path: saved.update({path: obj}))
    config = osp.join(ROOT, 'configs', PAPER)
    tool.main(['tevit_r50.pth', 'out.pth', '--config', config])
    out = saved['out.pth']
    assert out['meta'] == dict(iter=9200)
    missing, unexpected = model.load_state_dict(
        out['state_dict'], strict=False)
    assert unexpected == [] and len(missing) == 2 + 4 * 4

    # bad input: the error names the file and the keys
    files['resnet.pth'] = {'state_dict': {'fc.weight': torch.zeros(2, 2)}}
    with pytest.raises(SystemExit) as err:
        tool.main(['resnet.pth', 'out2.pth', '--config', config])
    assert str(err.value).startswith('resnet.pth: ')
    assert 'fc.weight [2, 2]' in str(err.value)
    files['list.pth'] = [1, 2]
    with pytest.raises(SystemExit, match='list.pth: not a checkpoint'):
        tool.main(['list.pth', 'out3.pth'])
    assert 'out2.pth' not in saved and 'out3.pth' not in saved


def test_paper_configs_start_from_tevit():
    """Every MPEblink paper config loads TeViT R50 by default (the
    converter's documented output) and no ImageNet backbone first."""
    folder = osp.join(ROOT, 'configs', 'instblink')
    tool_doc = _load_tool().__doc__
    names = [
        n for n in sorted(__import__('os').listdir(folder))
        if 'ytvis19-pretrained-tevit-r50' in n
    ]
    assert len(names) == 9  # main, 5 ablations, 2 options, cross-dataset
    for name in names:
        cfg = Config.fromfile(osp.join(folder, name))
        assert cfg.load_from == 'checkpoints/tevit_r50_mmvb.pth', name
        assert cfg.model.backbone.init_cfg is None, name
    assert 'checkpoints/tevit_r50_mmvb.pth' in tool_doc
    imagenet = Config.fromfile(
        osp.join(
            folder, 'instblink_imagenet-pretrained-r50-fpn_'
            '2xb4-11x1x1-10000i_mpeblink-rgb.py'))
    assert imagenet.load_from is None
    assert imagenet.model.backbone.init_cfg.type == 'Pretrained'
