# Copyright (c) mmvb contributors. All rights reserved.
"""Multi-level RoIAlign that exports to ONNX's own ``RoiAlign`` operator.

For deployment (:class:`mmvb.models.InstBlinkONNXWrapper`): each RoI is
pooled on every FPN level and the level that mmdet's ``map_roi_levels``
picks (:func:`~mmvb.ops.map_rois_to_levels`) is selected with
``torch.where``. The graph has static shapes and no data-dependent
selection (no ``NonZero``), and each per-level pooling is one ONNX
``RoiAlign`` node (opset >= 16, ``coordinate_transformation_mode=
'half_pixel'``, the ``aligned=True`` semantics of torchvision / mmcv, average
pooling), run by the runtime's native kernel. In PyTorch the same function
calls :func:`~mmvb.ops.roi_align`. Pooling every RoI on every level costs
``num_levels`` times the RoIAlign work of the per-level selection, small
next to the backbone (InstBlink R50: 4 x 1800 RoIs of 7x7x256 per stage).
"""
from typing import Sequence

import torch
from torch import Tensor

from .roi_align import map_rois_to_levels, roi_align

# RoiAlign has coordinate_transformation_mode from opset 16 on,
# LayerNormalization is an operator from opset 17 on.
ONNX_OPSET = 17


class _RoIAlignONNX(torch.autograd.Function):
    """``aligned=True`` average RoIAlign with an ONNX ``RoiAlign`` symbolic
    (the TorchScript-based exporter, ``torch.onnx.export(dynamo=False)``)."""

    @staticmethod
    def forward(ctx, feat: Tensor, boxes: Tensor, batch_idx: Tensor,
                output_size: int, spatial_scale: float,
                sampling_ratio: int) -> Tensor:
        rois = torch.cat([batch_idx[:, None].to(boxes.dtype), boxes], dim=1)
        return roi_align(feat, rois, output_size, spatial_scale,
                         sampling_ratio, True)

    @staticmethod
    def symbolic(g, feat, boxes, batch_idx, output_size, spatial_scale,
                 sampling_ratio):
        return g.op(
            'RoiAlign',
            feat,
            boxes,
            batch_idx,
            coordinate_transformation_mode_s='half_pixel',
            mode_s='avg',
            output_height_i=output_size,
            output_width_i=output_size,
            sampling_ratio_i=sampling_ratio,
            spatial_scale_f=spatial_scale)


def multi_level_roi_align_onnx(feats: Sequence[Tensor],
                               boxes: Tensor,
                               batch_idx: Tensor,
                               strides: Sequence[int],
                               output_size: int,
                               sampling_ratio: int,
                               finest_scale: float = 56.0) -> Tensor:
    """RoIAlign of each box on its FPN level, exportable to ONNX.

    Args:
        feats (Sequence[Tensor]): Maps ``[N, C, H_l, W_l]``.
        boxes (Tensor): ``[K, 4]`` ``xyxy`` in input pixels.
        batch_idx (Tensor): ``[K]`` image of each box (int64).
        strides (Sequence[int]): Stride of each level.
        output_size (int): Output side.
        sampling_ratio (int): Samples per bin and axis (> 0).
        finest_scale (float): Level mapping scale. Defaults to 56.

    Returns:
        Tensor: ``[K, C, output_size, output_size]``, as pooling each box
        with :func:`~mmvb.ops.roi_align` on its own level.
    """
    assert len(feats) == len(strides), \
        f'{len(feats)} feature levels for strides {tuple(strides)}'
    assert sampling_ratio > 0, 'a fixed sampling_ratio > 0 is needed'
    boxes = boxes.float()
    levels = map_rois_to_levels(boxes, len(feats), finest_scale)
    out = None
    for level, (feat, stride) in enumerate(zip(feats, strides)):
        pooled = _RoIAlignONNX.apply(feat.float(), boxes, batch_idx,
                                     int(output_size), 1.0 / stride,
                                     int(sampling_ratio))
        out = pooled if out is None else torch.where(
            (levels == level)[:, None, None, None], pooled, out)
    return out
