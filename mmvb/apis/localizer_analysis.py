# Copyright (c) mmvb contributors. All rights reserved.
"""Per-token outputs and attention of a BMViT localizer at one key frame
(the paper's Fig. 3 and Fig. 5)."""
from typing import Dict, Sequence, Tuple

import mmcv
import numpy as np
import torch
from mmaction.models.backbones import MViT
from mmaction.models.backbones.mvit import (add_decomposed_rel_pos,
                                            attention_pool)
from mmaction.structures import ActionDataSample
from torch import Tensor, nn

from .localizer_inference import _resized_shape, clip_indices, clip_settings


def mvit_attention_probs(
        attn: nn.Module, x: Tensor,
        in_size: Sequence[int]) -> Tuple[Tensor, Tuple, Tuple]:
    """Attention probabilities of an MMAction2 ``MultiScaleAttention``.

    The module's own layers and MMAction2's ``attention_pool`` /
    ``add_decomposed_rel_pos``, in the order of its ``forward``, up to the
    softmax (which ``forward`` does not return).

    Args:
        attn (nn.Module): ``mmaction.models.backbones.mvit.
            MultiScaleAttention``.
        x (Tensor): Its input ``[B, N, C]`` (after ``norm1``).
        in_size (Sequence[int]): Its input grid ``(t, h, w)``.

    Returns:
        tuple: Probabilities ``[B, heads, Nq, Nk]`` (class token first when
        the model has one), the query grid and the key grid.
    """
    B, N, _ = x.shape
    qkv = attn.qkv(x).reshape(B, N, 3, attn.num_heads, -1)
    q, k, _ = qkv.permute(2, 0, 3, 1, 4).unbind(0)
    q, q_shape = attention_pool(
        q,
        attn.pool_q,
        in_size,
        norm=attn.norm_q,
        with_cls_token=attn.with_cls_token)
    k, k_shape = attention_pool(
        k,
        attn.pool_k,
        in_size,
        norm=attn.norm_k,
        with_cls_token=attn.with_cls_token)
    logits = (q * attn.scale) @ k.transpose(-2, -1)
    if attn.rel_pos_embed:
        logits = add_decomposed_rel_pos(logits, q, q_shape, k_shape,
                                        attn.rel_pos_h, attn.rel_pos_w,
                                        attn.rel_pos_t, attn.with_cls_token)
    return logits.softmax(dim=-1), tuple(q_shape), tuple(k_shape)


@torch.no_grad()
def localizer_token_maps(model: nn.Module,
                         frames: Sequence[np.ndarray],
                         keyframe: int,
                         attention: bool = True) -> Dict:
    """Every token's prediction, and the last block's attention of the
    tokens kept as actors, for the clip centred on one frame.

    Fig. 3 of BMViT shows ``p(actor)`` of each of the ``h x w`` tokens of
    the central frame and the boxes they all predict; Fig. 5 adds, for
    each token with ``p(actor) > theta``, its attention in the last layer
    over the ``t x h x w`` tokens. The clip is sampled and resized as in
    the config's test pipeline (:func:`~mmvb.apis.inference_localizer`).
    The attention of a token is the mean over heads of its row in the last
    block's attention (a box slice made of several frames, as for
    ``'tubelet'``, averages their rows); the class token's column is left
    out, so a map sums to at most 1.

    Args:
        model (nn.Module): From :func:`~mmvb.apis.init_localizer`, with a
            :class:`~mmvb.models.BMViTHead`; ``attention=True`` needs an
            MMAction2 ``MViT`` backbone (e.g.
            :class:`~mmvb.models.BMViTBackbone`).
        frames (Sequence[np.ndarray]): All frames of the video, RGB.
        keyframe (int): 0-based index of the centre frame.
        attention (bool): Also return the attention maps.

    Returns:
        dict: ``actor_prob`` ``[n, h, w]`` (per box slice), ``boxes``
        ``[n * h * w, 4]`` (pixels of the frame, token order), ``scores``
        ``[n * h * w, num_classes]``, ``selected`` (indices of the tokens
        above ``head.actor_thr``, by decreasing ``p(actor)``),
        ``token_frames`` (:meth:`BMViTHead.box_token_frames`), ``grid``
        ``(t, h, w)``, ``clip`` (frame indices of the clip) and, with
        ``attention``, ``attention`` ``[len(selected), t', h', w']`` on the
        key grid.
    """
    head = model.head
    settings = clip_settings(model.cfg)
    height, width = frames[0].shape[:2]
    new_h, new_w = _resized_shape(height, width, settings['scale'],
                                  settings['keep_ratio'])
    inds = clip_indices(keyframe, len(frames), settings['clip_len'],
                        settings['frame_interval'])
    clip = np.stack([mmcv.imresize(frames[i], (new_w, new_h)) for i in inds])
    sample = ActionDataSample()
    sample.set_metainfo(dict(img_shape=(new_h, new_w)))
    data = model.data_preprocessor(
        dict(
            inputs=[torch.from_numpy(clip).permute(3, 0, 1, 2).contiguous()],
            data_samples=[sample]), False)
    inputs, samples = data['inputs'], data['data_samples']

    captured = {}
    hook = None
    if attention:
        if not isinstance(model.backbone, MViT):
            raise TypeError('attention maps need an MMAction2 MViT backbone '
                            f'(e.g. BMViTBackbone), got '
                            f'{type(model.backbone).__name__}')
        hook = model.backbone.blocks[-1].attn.register_forward_hook(
            lambda module, args, out: captured.update(
                zip(('probs', 'q_shape', 'k_shape'),
                    mvit_attention_probs(module, *args))))
    try:
        feats = model.extract_feat(inputs)
    finally:
        if hook is not None:
            hook.remove()
    preds = head(feats)
    t, h, w = feats.shape[2:]
    actor_prob = preds['actor_logits'].softmax(-1)[0, :, 1].float()
    thr = head.actor_thr
    head.actor_thr = -1.0  # every token
    try:
        dets = head.predict_by_feat(preds, samples, inputs.shape[-2:])[0]
    finally:
        head.actor_thr = thr
    scale = dets.bboxes.new_tensor([width, height, width, height])
    selected = torch.nonzero(actor_prob > thr).flatten()
    selected = selected[actor_prob[selected].argsort(descending=True)]
    out = dict(
        actor_prob=actor_prob.reshape(-1, h, w).cpu().numpy(),
        boxes=(dets.bboxes * scale).cpu().numpy(),
        scores=dets.scores.cpu().numpy(),
        selected=selected.cpu().numpy(),
        token_frames=head.box_token_frames(t),
        grid=(t, h, w),
        clip=inds)
    if attention:
        probs = captured['probs'][0].float().mean(0)  # [Nq, Nk]
        assert captured['q_shape'] == (t, h, w), captured['q_shape']
        cls = int(model.backbone.blocks[-1].attn.with_cls_token)
        probs = probs[cls:, cls:]
        maps = []
        for token in out['selected']:
            slice_, cell = divmod(int(token), h * w)
            rows = [f * h * w + cell for f in out['token_frames'][slice_]]
            maps.append(probs[rows].mean(0).reshape(captured['k_shape']))
        out['attention'] = (
            torch.stack(maps).cpu().numpy() if maps else np.zeros(
                (0, *captured['k_shape']), np.float32))
    return out
