# Copyright (c) mmvb contributors. All rights reserved.
import numpy as np
import pytest
import torch

from mmvb.apis import (inference_localizer, init_localizer,
                       localizer_token_maps, mvit_attention_probs)
from mmvb.datasets.synthetic import render_ava_video
from mmvb.testing import get_config_path

SYNTHETIC = ('bmvit/bmvit_mvit-tiny-p8-nopool_1xb8-8x2x1-20e_'
             'synthetic-ava-rgb-96px.py')


@pytest.fixture(scope='module')
def model_and_frames():
    torch.manual_seed(0)
    model = init_localizer(get_config_path(SYNTHETIC))
    frames, _ = render_ava_video(
        np.random.default_rng(0), num_seconds=2, fps=8)
    return model, frames


def test_attention_probs_reproduce_the_block_output(model_and_frames):
    """The recomputed probabilities give the attention module's output."""
    model, _ = model_and_frames
    attn = model.backbone.blocks[-1].attn
    seen = {}
    hook = attn.register_forward_hook(
        lambda m, args, out: seen.update(args=args, out=out))
    with torch.no_grad():
        model.backbone(torch.randn(1, 3, 8, 96, 96))
        hook.remove()
        x, in_size = seen['args']
        probs, q_shape, k_shape = mvit_attention_probs(attn, x, in_size)
        B, N, _ = x.shape
        qkv = attn.qkv(x).reshape(B, N, 3, attn.num_heads, -1)
        q, _, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
        from mmaction.models.backbones.mvit import attention_pool
        q, _ = attention_pool(
            q,
            attn.pool_q,
            in_size,
            norm=attn.norm_q,
            with_cls_token=attn.with_cls_token)
        v, _ = attention_pool(
            v,
            attn.pool_v,
            in_size,
            norm=attn.norm_v,
            with_cls_token=attn.with_cls_token)
        out = probs @ v
        if attn.residual_pooling:
            out[:, :, 1:] += q[:, :, 1:]
        out = attn.proj(out.transpose(1, 2).reshape(B, -1, attn.out_dims))
    torch.testing.assert_close(out, seen['out'][0])
    assert tuple(seen['out'][1]) == q_shape
    torch.testing.assert_close(probs.sum(-1), torch.ones(probs.shape[:-1]))
    assert probs.shape[-1] == 1 + int(np.prod(k_shape))


def test_token_maps_match_the_predictions(model_and_frames):
    model, frames = model_and_frames
    thr = model.head.actor_thr
    model.head.actor_thr = 0.45  # random weights: keep a few tokens
    try:
        maps = localizer_token_maps(model, frames, 8)
        pred, = inference_localizer(model, frames, [8])
    finally:
        model.head.actor_thr = thr
    # C+T on the 4 x 6 x 6 output grid: one slice of 6 x 6 tokens
    assert maps['grid'] == (4, 6, 6)
    assert maps['token_frames'] == [[2]]
    assert maps['actor_prob'].shape == (1, 6, 6)
    assert maps['boxes'].shape == (36, 4)
    selected = maps['selected']
    assert 0 < len(selected) < 36
    probs = maps['actor_prob'].reshape(-1)
    assert (np.diff(probs[selected]) <= 0).all()  # decreasing p(actor)
    assert (probs[selected] > 0.45).all()
    assert np.sort(probs[selected]) == pytest.approx(
        np.sort(pred.actor_scores.numpy()))
    # the kept tokens' boxes are the predictions (in token order)
    np.testing.assert_allclose(
        maps['boxes'][np.sort(selected)], pred.bboxes.numpy(), atol=1e-4)
    attention = maps['attention']
    assert attention.shape[0] == len(selected) and attention.ndim == 4
    mass = attention.reshape(len(selected), -1).sum(1)
    assert ((mass > 0.5) & (mass <= 1 + 1e-5)).all()  # minus the cls token


def test_token_maps_need_an_mvit_for_attention(model_and_frames):
    model, frames = model_and_frames
    backbone = model.backbone
    model.backbone = torch.nn.Identity()
    try:
        with pytest.raises(TypeError, match='MViT backbone'):
            localizer_token_maps(model, frames, 8)
    finally:
        model.backbone = backbone
