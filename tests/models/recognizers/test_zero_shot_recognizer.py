# Copyright (c) mmvb contributors. All rights reserved.
"""DualScope Table 2 zero-shot: CLIP text tower + frozen image encoder.

* parity with OpenAI CLIP's ``clip/model.py`` on the same random weights: a
  tiny CLIP whose outputs are committed (``tests/data/clip/
  tiny_clip_parity.json``, made by ``tools/model_converters/manifests/
  openai_clip.py``), and live where the ``openai-clip`` package is
  installed; the weights go through mmvb's CLIP key conversion;
* planted embeddings: frames whose features are a class's text embedding
  are classified as that class (each frame aggregation rule checked by
  hand), also through ``tools/test.py`` on cached features;
* every zero-shot config builds and classifies.
"""
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys
from importlib import metadata

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmvb.models.utils import find_clip_bpe
from mmvb.testing import (get_config_path, list_configs,
                          state_dict_from_manifest)

REPO = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
FIXTURE = osp.join(REPO, 'tests', 'data', 'clip', 'tiny_clip_parity.json')
ZERO_SHOT = sorted(c for c in list_configs() if 'zero-shot' in c)


@pytest.fixture(autouse=True, scope='module')
def _needs_vocabulary():
    init_default_scope('mmaction')
    try:
        find_clip_bpe()
    except FileNotFoundError as e:
        if os.environ.get('CI'):
            raise
        pytest.skip(f'{e} (requirements/tests.txt installs it)')


def _fixture():
    with open(FIXTURE) as f:
        return json.load(f)


def _tiny_model(prompts, templates=('{}', ), backbone=True, **head):
    """The tiny CLIP of the fixture as a ZeroShotRecognizer (image tower:
    the frame-encoder config of configs/_base_/models/dualscope_vit-large-
    p14.py with a smaller arch)."""
    config = _fixture()['config']
    width = config['vision_width']
    encoder = dict(
        type='mmpretrain.VisionTransformer',
        arch=dict(
            embed_dims=width,
            num_layers=config['vision_layers'],
            num_heads=width // 64,
            feedforward_channels=4 * width),
        img_size=config['image_resolution'],
        patch_size=config['vision_patch_size'],
        pre_norm=True,
        final_norm=True,
        out_type='cls_token',
        norm_cfg=dict(type='LN', eps=1e-5),
        layer_cfgs=dict(act_cfg=dict(type='mmpretrain.QuickGELU')))
    text = dict(
        type='CLIPTextEncoder',
        vocab_size=config['vocab_size'],
        width=config['transformer_width'],
        layers=config['transformer_layers'],
        heads=config['transformer_heads'],
        embed_dims=config['embed_dim'])
    cls_head = dict(
        type='CLIPZeroShotHead',
        num_classes=len(prompts),
        prompts=prompts,
        templates=list(templates),
        in_channels=width,
        embed_dims=config['embed_dim'],
        text_encoder=text)
    cls_head.update(head)
    model = MODELS.build(
        dict(
            type='ZeroShotRecognizer',
            backbone=encoder if backbone else None,
            cls_head=cls_head))
    model.init_weights()
    return model.eval()


def _openai_weights(fixture):
    manifest = dict(keys=fixture['keys'])
    weights = state_dict_from_manifest(
        manifest, seed=fixture['seed'], std=fixture['std'])
    weights['logit_scale'] = torch.tensor(fixture['logit_scale'])
    return weights


def _images(fixture):
    generator = torch.Generator().manual_seed(fixture['image_seed'])
    return torch.randn(*fixture['image_shape'], generator=generator)


def _prompts(fixture):
    from mmvb.models.utils import CLIPTokenizer
    tok = CLIPTokenizer()
    prompts = [
        p for p in json.load(
            open(
                osp.join(REPO, 'tests/data/clip/tokenizer_ids.json'),
                encoding='utf-8'))['prompts'][:4]
    ]
    for p, ids in zip(prompts, fixture['text_ids']):
        assert tok([p])[0, :len(ids)].tolist() == ids
    return prompts


def _outputs(model, images):
    with torch.no_grad():
        cls = model.backbone(images)[-1]
        head = model.cls_head
        image = head.visual_proj(cls)
        text = head.text_encoder(head.text_ids)
        logits = head.frame_logits(cls)
    return image, text, logits


def test_parity_with_openai_clip_fixture():
    fixture = _fixture()
    model = _tiny_model(_prompts(fixture))
    result = model.load_state_dict(_openai_weights(fixture), strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    image, text, logits = _outputs(model, _images(fixture))
    for ours, name in ((image, 'image_embeds'), (text, 'text_embeds'),
                       (logits, 'logits_per_image')):
        ref = torch.tensor(fixture[name])
        diff = (ours - ref).abs().max().item()
        scale = ref.abs().max().item()
        # measured: ~1e-6 of the output scale (float32 rounding)
        assert diff <= 1e-4 * scale + 1e-6, (name, diff, scale)


def _openai_model_py():
    try:
        dist = metadata.distribution('openai-clip')
    except metadata.PackageNotFoundError:
        return None
    for file in dist.files or ():
        if file.name == 'model.py' and file.parent.name == 'clip':
            spec = importlib.util.spec_from_file_location(
                'reference_clip_model', str(dist.locate_file(file)))
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    return None


def test_parity_with_openai_clip_live():
    model_py = _openai_model_py()
    if model_py is None:
        if os.environ.get('CI'):
            pytest.fail('openai-clip (requirements/tests.txt) is missing')
        pytest.skip('openai-clip is not installed')
    fixture = _fixture()
    reference = model_py.CLIP(**fixture['config']).eval()
    weights = _openai_weights(fixture)
    reference.load_state_dict(weights)
    model = _tiny_model(_prompts(fixture))
    model.load_state_dict(weights)
    images = _images(fixture)
    image, text, logits = _outputs(model, images)
    with torch.no_grad():
        ref_logits, _ = reference(images, model.cls_head.text_ids)
        ref_image = reference.encode_image(images)
        ref_text = reference.encode_text(model.cls_head.text_ids)
    for ours, ref in ((image, ref_image), (text, ref_text), (logits,
                                                             ref_logits)):
        assert torch.allclose(ours, ref, rtol=1e-4, atol=1e-5), \
            (ours - ref).abs().max()


def _planted(model):
    """Features whose projection is a class embedding: identity
    projection, text embeddings computed by the (random) text tower."""
    head = model.cls_head
    with torch.no_grad():
        head.visual_proj.proj.copy_(torch.eye(head.visual_proj.proj.shape[0]))
        embeds = head.class_embeddings()
    return embeds


def test_planted_embeddings_are_recognised():
    prompts = ['drinking', 'texting', ['yawning', 'sleepy'], 'radio']
    model = _tiny_model(
        prompts,
        templates=('an image of a person {}.', 'a driver {}'),
        backbone=False,
        in_channels=16)
    embeds = _planted(model)
    assert embeds.shape == (4, 16)
    assert torch.allclose(embeds.norm(dim=-1), torch.ones(4))
    generator = torch.Generator().manual_seed(0)
    labels = torch.arange(8) % 4
    feats = embeds[labels][:, None].repeat(1, 5, 1) * 3 + \
        0.05 * torch.randn(8, 5, 16, generator=generator)
    samples = [ActionDataSample().set_gt_label(int(k)) for k in labels]
    with torch.no_grad():
        preds = model(feats[:, None], samples, mode='predict')
    predicted = torch.stack([p.pred_score.argmax() for p in preds])
    assert torch.equal(predicted, labels)
    # class 2 has two prompts: its embedding is their normalised mean
    head = model.cls_head
    with torch.no_grad():
        texts = torch.nn.functional.normalize(
            head.text_encoder(head.text_ids), dim=-1)
    mine = texts[head.text_owner == 2].mean(0)
    assert torch.allclose(embeds[2], mine / mine.norm(), atol=1e-6)
    assert int((head.text_owner == 2).sum()) == 4  # 2 prompts x 2 templates


def test_frame_aggregation_rules_by_hand():
    model = _tiny_model(['a', 'b', 'c'], backbone=False, in_channels=16)
    head = model.cls_head
    # frames 1, 2: p = (e, 1, 1) / (e + 2) = (.576, .212, .212); frame 3:
    # p ~ (0, 1, 0); mean: (.384, .475, .141)
    logits = torch.tensor([[[1., 0., 0.], [1., 0., 0.], [0., 9., 0.]]])
    head.frame_logits = lambda x: logits  # planted frame logits
    x = torch.zeros(1, 3, 16)
    probs = logits.softmax(-1)
    head.frame_aggregation = 'prob'
    out = head(x)
    assert torch.allclose(out.softmax(-1), probs.mean(1), atol=1e-6)
    assert out.argmax() == 1  # frame 3 is far more confident
    assert abs(out.softmax(-1)[0, 1].item() - 0.4747) < 1e-3
    head.frame_aggregation = 'vote'
    assert head(x).argmax() == 0  # two frames of three vote for class 0
    head.frame_aggregation = 'score'
    assert torch.allclose(head(x), logits.mean(1))


def test_wrong_prompts():
    with pytest.raises(ValueError, match='3 classes but prompts for 2'):
        _tiny_model(['a', 'b'], backbone=False, num_classes=3)
    with pytest.raises(ValueError, match='must contain one'):
        _tiny_model(['a', 'b'], templates=('no slot', ), backbone=False)


@pytest.mark.parametrize('rel', ZERO_SHOT)
def test_zero_shot_configs(rel):
    cfg = Config.fromfile(get_config_path(rel))
    head = cfg.model.cls_head
    assert cfg.model.type == 'ZeroShotRecognizer'
    assert head.type == 'CLIPZeroShotHead'
    assert len(head.prompts) == head.num_classes
    assert cfg.test_dataloader.dataset.split == 'test'
    if rel.split('/')[-1].startswith('dualscope-zero-shot'):
        assert cfg.frame_encoder.type == 'BCVEncoder'
        assert 'bcve' in cfg.test_dataloader.dataset.feature_root
    else:
        assert cfg.frame_encoder.type == 'mmpretrain.VisionTransformer'


def test_four_table2_datasets():
    names = [osp.basename(c) for c in ZERO_SHOT]
    for ds in ('sam-dd', 'syndd1', 'dmd', 'statefarm'):
        for method in ('clip-zero-shot_', 'dualscope-zero-shot_'):
            assert sum(
                n.startswith(method) and n.endswith(f'_{ds}-rgb.py')
                for n in names) == 1, (method, ds)


def test_tools_test_on_planted_features(tmp_path):
    """tools/test.py on cached features of a DMD zero-shot config, the
    model shrunk to the tiny CLIP (16-d features), features planted at
    the class embeddings of the checkpoint's text tower."""
    base = get_config_path(
        'dualscope/clip-zero-shot_openai-pretrained-vit-large-p14-feat_'
        '1xb32-16x1x1_dmd-rgb.py')
    cfg = Config.fromfile(base)
    prompts = list(cfg.model.cls_head.prompts)
    fixture = _fixture()
    model = _tiny_model(
        prompts,
        templates=cfg.model.cls_head.templates,
        backbone=False,
        in_channels=16)
    embeds = _planted(model).numpy()
    ckpt = tmp_path / 'tiny.pth'
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    rng = np.random.default_rng(0)
    data_list, feats = [], tmp_path / 'feats'
    feats.mkdir()
    for i in range(20):
        label = i % 10
        frames = embeds[label] * 3 + 0.05 * rng.standard_normal((6, 16))
        np.save(feats / f's{i}.npy', frames.astype(np.float32))
        data_list.append(
            dict(
                id=f's{i}',
                subject=f'p{i % 2}',
                label=label,
                source='frames',
                path=f's{i}',
                frames=[f'{j}.jpg' for j in range(6)]))
    ann = tmp_path / 'annotations.json'
    ann.write_text(
        json.dumps(
            dict(
                metainfo=dict(
                    dataset='planted',
                    classes=[str(k) for k in range(10)],
                    split_by='subject',
                    folds=[dict(train=['p0'], val=['p1'], test=['p0', 'p1'])]),
                data_list=data_list)))
    text = fixture['config']
    config = tmp_path / 'zero_shot_tiny.py'
    config.write_text(
        f'_base_ = [{base!r}]\n'
        'model = dict(cls_head=dict(in_channels=16, embed_dims=16, '
        'text_encoder=dict(vocab_size=49408, '
        f'width={text["transformer_width"]}, '
        f'layers={text["transformer_layers"]}, '
        f'heads={text["transformer_heads"]}, embed_dims=16)))\n'
        'test_dataloader = dict(batch_size=4, num_workers=0, '
        'persistent_workers=False, dataset=dict('
        f'ann_file={str(ann)!r}, data_prefix=dict(video={str(tmp_path)!r}),'
        f' feature_root={str(feats)!r}))\n')
    out = subprocess.run([
        sys.executable,
        osp.join(REPO, 'tools', 'test.py'),
        str(config),
        str(ckpt), '--work-dir',
        str(tmp_path / 'work')
    ],
                         cwd=REPO,
                         capture_output=True,
                         text=True,
                         env=dict(
                             os.environ,
                             PYTHONPATH=REPO + os.pathsep +
                             os.environ.get('PYTHONPATH', '')))
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert 'acc/top1: 1.0000' in out.stdout + out.stderr, \
        (out.stdout + out.stderr)[-2000:]
