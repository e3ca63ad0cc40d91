# Copyright (c) mmvb contributors. All rights reserved.
"""An export-friendly forward of :class:`~mmvb.models.InstBlink`."""
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmvb.ops import (box_cxcywh_to_xyxy, delta_xywh_decode,
                      multi_level_roi_align_onnx)


class InstBlinkONNXWrapper(nn.Module):
    """InstBlink's clip forward with static shapes, for ONNX export.

    One raw clip in, the top query tubes out: the data preprocessor
    (normalisation, zero padding to ``pad_size_divisor``), backbone and
    neck (:meth:`InstBlink.extract_feat`), the ``M`` stages of
    :class:`~mmvb.models.InstBlinkHead` and its prediction (mean
    per-frame face probability as the query score, ``max_per_clip`` best
    queries), computed from the model's own modules and parameters; only
    the RoI pooling differs in form: every RoI is pooled on every level and
    its own level selected (:func:`mmvb.ops.multi_level_roi_align_onnx`,
    one ONNX ``RoiAlign`` per level), so the graph has no data-dependent
    shapes. The clip length and frame size are fixed at construction (an
    exported graph is built for them).

    Boxes are in the clip's pixels; the caller divides by the resize
    factor (:meth:`InstBlinkHead.predict` does it with ``scale_factor``).

    Args:
        model (InstBlink): The model (eval mode).
        clip_len (int): Frames ``T`` per clip.
        img_shape (tuple[int, int]): Frame ``(h, w)`` (unpadded).
    """

    input_names = ('frames', )
    output_names = ('scores', 'bboxes', 'face_scores', 'blink_scores')

    def __init__(self, model: nn.Module, clip_len: int,
                 img_shape: Tuple[int, int]) -> None:
        super().__init__()
        self.model = model
        self.clip_len = int(clip_len)
        self.img_shape = (int(img_shape[0]), int(img_shape[1]))
        pre = model.data_preprocessor
        self.to_rgb = bool(getattr(pre, 'to_rgb', False))
        self.normalize = bool(getattr(pre, '_enable_normalize', False))
        self.pad_size_divisor = int(getattr(pre, 'pad_size_divisor', 1))

    @property
    def input_shape(self) -> Tuple[int, int, int, int]:
        """``(T, 3, H, W)`` of the clip the forward takes."""
        return (self.clip_len, 3) + self.img_shape

    def forward(self, frames: Tensor) -> Tuple[Tensor, ...]:
        """Predict one clip.

        Args:
            frames (Tensor): ``[T, 3, H, W]`` RGB frames, float values in
                ``[0, 255]``.

        Returns:
            tuple[Tensor]: For the ``K = min(max_per_clip, N)`` best
            queries by score: ``scores [K]``, ``bboxes [K, T, 4]``
            (``xyxy`` clip pixels), ``face_scores [K, T]`` and
            ``blink_scores [K, T]`` (probabilities; 0 without a blink
            head).
        """
        assert tuple(frames.shape) == self.input_shape, \
            f'expected a clip of shape {self.input_shape}, got ' \
            f'{tuple(frames.shape)}'
        model, head = self.model, self.model.head
        pre = model.data_preprocessor
        x = frames.float()
        if self.to_rgb:
            x = x[:, [2, 1, 0]]
        if self.normalize:
            x = (x - pre.mean) / pre.std
        h, w = self.img_shape
        d = self.pad_size_divisor
        if (-h) % d or (-w) % d:
            x = F.pad(x, (0, (-w) % d, 0, (-h) % d))
        feats = model.extract_feat(x[None])

        t, q, dims = self.clip_len, head.num_queries, head.embed_dims
        whwh = torch.tensor([[w, h, w, h]], dtype=torch.float32)
        init = box_cxcywh_to_xyxy(head.init_proposal_bboxes.weight)
        boxes = (init[None] * whwh[:, None, :])[:, None].expand(1, t, q, 4)
        query = head.init_proposal_features.weight[None,
                                                   None].expand(1, t, q, dims)
        frame_idx = torch.arange(t).repeat_interleave(q)
        for stage in head.stages:
            roi_feats = multi_level_roi_align_onnx(
                feats, boxes.reshape(-1, 4), frame_idx, head.featmap_strides,
                head.roi_size, head.sampling_ratio, head.finest_scale)
            query, cls_logits, deltas = stage(query, roi_feats)
            boxes = delta_xywh_decode(boxes, deltas, stds=head.bbox_stds)
        face = cls_logits[0, ..., 0].sigmoid().t()  # [Q, T]
        if head.with_blink:
            blink = head.stages[-1].blink(query)[0, ..., 0].sigmoid().t()
        else:
            blink = torch.zeros_like(face)
        scores = face.mean(-1)
        k = min(head.max_per_clip, q)
        top_scores, idx = scores.topk(k)
        return (top_scores, boxes[0].transpose(0,
                                               1)[idx], face[idx], blink[idx])
