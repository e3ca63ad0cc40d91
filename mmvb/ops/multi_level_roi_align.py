# Copyright (c) mmvb contributors. All rights reserved.
"""RoIAlign of RoIs spread over FPN levels, in one gather, without host sync.

mmdet's ``SingleRoIExtractor`` (used by InstBlink's VIM: ``bbox_roi_extractor``
of ``configs/instblink/instblink_r50.py``, wenzhengzeng/MPEblink@ee9a44f)
pools each RoI from the level :func:`~mmvb.ops.map_rois_to_levels` picks,
one RoIAlign call per level on the RoIs of that level. Selecting those RoIs
(``nonzero``) makes the host wait for the device once per level and call.

Here every level is laid out once, channels-last, in one table
(:func:`multi_level_roi_table`, ``[sum_l N * H_l * W_l, C]``); each RoI's
bilinear taps are computed for its own level (scale, size and offset looked
up per RoI with ``torch.where``, no host value needed) and all RoIs are
pooled by one weighted ``F.embedding_bag``. The semantics are those of
:func:`~mmvb.ops.roi_align` (torchvision / mmcv ``aligned`` RoIAlign,
average pooling) with a fixed ``sampling_ratio > 0`` and the result equals
:func:`~mmvb.ops.roi_align_pytorch` on each RoI's level bit for bit: the
taps and their order are the same.

The table is built once per forward and reused by all iterations (the
features do not change between them); it keeps the features' dtype (e.g.
bfloat16 under autocast), while coordinates and tap positions are computed
in float32 from float32 boxes.
"""
from typing import List, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from torch import Tensor

from .roi_align import _axis_samples, _pair

__all__ = ['multi_level_roi_table', 'multi_level_roi_align']

LevelShapes = List[Tuple[int, int, int]]


def multi_level_roi_table(
        feats: Sequence[Tensor]) -> Tuple[Tensor, LevelShapes]:
    """Channels-last table of feature maps of several levels.

    Args:
        feats (Sequence[Tensor]): Maps ``[N, C, H_l, W_l]`` (same ``N``,
            ``C`` and dtype).

    Returns:
        tuple: The table ``[sum_l N * H_l * W_l, C]`` (level-major, then
        image, row, column) and the ``(N, H_l, W_l)`` of each level.
    """
    assert len(feats) > 0, 'need at least one level'
    shapes = [(f.size(0), f.size(2), f.size(3)) for f in feats]
    c = feats[0].size(1)
    table = torch.cat([f.permute(0, 2, 3, 1).reshape(-1, c) for f in feats],
                      dim=0)
    return table, shapes


def _per_level(levels: Tensor, values: Sequence[float],
               dtype: torch.dtype) -> Tensor:
    """``values[levels]`` without a host-to-device copy (``torch.where``
    with Python scalars)."""
    out = torch.full(
        levels.shape, values[0], dtype=dtype, device=levels.device)
    for level in range(1, len(values)):
        out = torch.where(levels == level, torch.full_like(out, values[level]),
                          out)
    return out


def multi_level_roi_align(table: Tensor,
                          shapes: LevelShapes,
                          rois: Tensor,
                          levels: Tensor,
                          strides: Sequence[int],
                          output_size: Union[int, Tuple[int, int]],
                          sampling_ratio: int,
                          aligned: bool = True) -> Tensor:
    """RoIAlign of each RoI on its own level.

    Args:
        table (Tensor): :func:`multi_level_roi_table` of the maps.
        shapes (list[tuple[int, int, int]]): Its level shapes.
        rois (Tensor): ``[K, 5]`` (image index, ``x1, y1, x2, y2`` in input
            pixels).
        levels (Tensor): Level of each RoI ``[K]`` (long).
        strides (Sequence[int]): Stride of each level.
        output_size (int | tuple[int, int]): ``(oh, ow)``.
        sampling_ratio (int): Samples per bin and axis (> 0).
        aligned (bool): Half-pixel shift. Defaults to True.

    Returns:
        Tensor: ``[K, C, oh, ow]`` in the table's dtype.
    """
    assert sampling_ratio > 0, \
        'multi_level_roi_align needs a fixed sampling_ratio > 0 (an ' \
        'adaptive grid needs the largest RoI on the host)'
    assert len(shapes) == len(strides), \
        f'{len(shapes)} levels but {len(strides)} strides'
    assert rois.dim() == 2 and rois.size(1) == 5, \
        f'rois must be [K, 5], got {tuple(rois.shape)}'
    oh, ow = _pair(output_size)
    k, c = rois.size(0), table.size(1)
    if k == 0:
        return table.new_zeros((k, c, oh, ow))
    rois = rois.detach().float()
    dtype = rois.dtype
    offsets, start = [], 0
    for n, h, w in shapes:
        offsets.append(start)
        start += n * h * w
    scale = _per_level(levels, [1.0 / s for s in strides], dtype)
    height = _per_level(levels, [h for _, h, _ in shapes], torch.long)
    width = _per_level(levels, [w for _, _, w in shapes], torch.long)
    base = _per_level(levels, offsets, torch.long)

    offset = 0.5 if aligned else 0.0
    x1 = rois[:, 1] * scale - offset
    y1 = rois[:, 2] * scale - offset
    roi_w = rois[:, 3] * scale - offset - x1
    roi_h = rois[:, 4] * scale - offset - y1
    if not aligned:
        roi_w = roi_w.clamp(min=1.0)
        roi_h = roi_h.clamp(min=1.0)
    grid = torch.full((k, ), sampling_ratio, device=rois.device)
    # [K, oh, g] and [K, ow, g]; the map size is per RoI ([K, 1, 1])
    y_lo, y_hi, wy_lo, wy_hi = _axis_samples(y1, roi_h, oh, grid,
                                             sampling_ratio, height[:, None,
                                                                    None])
    x_lo, x_hi, wx_lo, wx_hi = _axis_samples(x1, roi_w, ow, grid,
                                             sampling_ratio, width[:, None,
                                                                   None])
    y_idx = torch.stack((y_lo, y_hi), dim=-1)
    y_wt = torch.stack((wy_lo, wy_hi), dim=-1)
    x_idx = torch.stack((x_lo, x_hi), dim=-1)
    x_wt = torch.stack((wx_lo, wx_hi), dim=-1)
    count = float(sampling_ratio * sampling_ratio)

    # Row of the table and tap weight, [K, oh, ow, g, 2, g, 2] as in
    # roi_align_pytorch (the same taps in the same order).
    image = rois[:, 0].long()
    row0 = base + image * (height * width)
    flat = (
        row0[:, None, None, None, None, None, None] +
        y_idx[:, :, None, :, :, None, None] *
        width[:, None, None, None, None, None, None] +
        x_idx[:, None, :, None, None, :, :])
    weight = (
        y_wt[:, :, None, :, :, None, None] *
        x_wt[:, None, :, None, None, :, :] / torch.full(
            (), count, dtype=dtype, device=rois.device))
    taps = sampling_ratio * 2 * sampling_ratio * 2
    flat = flat.reshape(k * oh * ow, taps)
    weight = weight.reshape(k * oh * ow, taps).to(table.dtype)
    out = F.embedding_bag(
        flat, table, per_sample_weights=weight, mode='sum')  # [K*oh*ow, C]
    return out.reshape(k, oh, ow, c).permute(0, 3, 1, 2).contiguous()
