# Copyright (c) mmvb contributors. All rights reserved.
import importlib.util
import os.path as osp

import torch

from mmvb.apis import build_model_from_cfg
from mmvb.models import convert_official_instblink
from mmvb.testing import get_cfg

ROOT = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
CFG = 'instblink/instblink_r18-c16-fpn_1xb4-5x1x1-1000i_synthetic-blink-rgb.py'

# mmvb name fragment -> official (mmdet 2.x / TeViT) name fragment
OFFICIAL = [
    ('head.init_proposal_', 'rpn_head.init_proposal_'),
    ('.qim.attn.', '.attention.attn.'),
    ('.qim.norm.', '.attention_norm.'),
    ('.dynamic_conv_norm.', '.instance_interactive_conv_norm.'),
    ('.dynamic_conv.', '.instance_interactive_conv.'),
]


def official_state_dict(model):
    """The model's weights under the official key names."""
    out = {}
    for key, value in model.state_dict().items():
        new = key
        for ours, theirs in OFFICIAL:
            new = new.replace(ours, theirs)
        if new.startswith('head.stages.'):
            stage, rest = new[len('head.stages.'):].split('.', 1)
            part = 'mask_head' if 'blink' in rest else 'bbox_head'
            new = f'roi_head.{part}.{stage}.{rest}'
        out['module.' + new] = value.clone()
    return out


def test_official_keys_load_into_mmvb():
    cfg = get_cfg(CFG)
    model = build_model_from_cfg(cfg)
    official = official_state_dict(model)
    assert 'module.roi_head.bbox_head.0.attention.attn.in_proj_weight' in \
        official
    last = cfg.model.head.num_stages - 1  # blink head of the last stage
    assert f'module.roi_head.mask_head.{last}.fc_blink.weight' in official
    assert 'module.neck.lateral_convs.0.conv.weight' in official
    assert 'module.backbone.layer1.0.conv1.weight' in official
    # keys the official checkpoint has but mmvb does not use
    official['module.roi_head.mask_head.0.blink_fcs.0.weight'] = \
        torch.zeros(64, 64)
    converted, dropped = convert_official_instblink(official)
    assert dropped == ['roi_head.mask_head.0.blink_fcs.0.weight']
    fresh = build_model_from_cfg(get_cfg(CFG))
    fresh.load_state_dict(converted, strict=True)
    for key, value in model.state_dict().items():
        torch.testing.assert_close(fresh.state_dict()[key], value)


def test_reference_drops_mismatched_and_cli(tmp_path):
    model = build_model_from_cfg(get_cfg(CFG))
    official = official_state_dict(model)
    # TeViT: 100 queries, 40 classes, six stages
    official['module.rpn_head.init_proposal_bboxes.weight'] = torch.zeros(
        100, 4)
    official['module.roi_head.bbox_head.0.fc_cls.weight'] = torch.zeros(40, 64)
    official['module.roi_head.bbox_head.5.fc_cls.weight'] = torch.zeros(1, 64)
    converted, dropped = convert_official_instblink(
        official, reference=model.state_dict())
    assert 'rpn_head.init_proposal_bboxes.weight' in dropped
    assert 'roi_head.bbox_head.0.fc_cls.weight' in dropped
    assert 'roi_head.bbox_head.5.fc_cls.weight' in dropped
    assert 'head.stages.1.fc_cls.weight' in converted

    src, dst = tmp_path / 'official.pth', tmp_path / 'mmvb.pth'
    torch.save(dict(state_dict=official_state_dict(model), meta={}), src)
    spec = importlib.util.spec_from_file_location(
        'instblink_to_mmvb',
        osp.join(ROOT, 'tools', 'convert', 'instblink_to_mmvb.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.main([str(src), str(dst), '--config', osp.join(ROOT, 'configs', CFG)])
    state = torch.load(dst, weights_only=False)['state_dict']
    build_model_from_cfg(get_cfg(CFG)).load_state_dict(state, strict=True)
