# Copyright (c) mmvb contributors. All rights reserved.
"""RoIAlign (He et al., Mask R-CNN, ICCV 2017) and FPN level mapping.

Used by InstBlink's Video Interaction Module (a 7x7 RoIAlign on the FPN
level chosen per box: ``bbox_roi_extractor`` of ``configs/instblink/
instblink_r50.py`` in wenzhengzeng/MPEblink@ee9a44f) and
by DualScope.

:func:`roi_align` follows the semantics of ``torchvision.ops.roi_align`` and
``mmcv.ops.roi_align`` (``pool_mode='avg'``) exactly and dispatches, at call
time, to the first implementation that is available:

1. ``torchvision.ops.roi_align`` when ``import torchvision`` works;
2. ``mmcv.ops.roi_align`` when mmcv's compiled ops load (not with
   mmcv-lite);
3. :func:`roi_align_pytorch`, a vectorised pure-PyTorch implementation.

Semantics, for a RoI ``(b, x1, y1, x2, y2)`` and an output bin
``(ph, pw)`` of an ``(oh, ow)`` grid:

* ``offset = 0.5 if aligned else 0``; ``sx = x1 * spatial_scale - offset``
  (same for ``y``), ``roi_w = (x2 - x1) * spatial_scale``; when
  ``aligned=False`` the RoI size is clamped to at least 1 (legacy
  behaviour).
* Each bin is ``roi_h / oh`` by ``roi_w / ow``; it averages
  ``gh x gw`` regularly spaced bilinear samples, with
  ``gh = sampling_ratio`` if ``sampling_ratio > 0`` else
  ``ceil(roi_h / oh)`` (per RoI; same for ``gw``). Sample ``(iy, ix)`` of
  bin ``(ph, pw)`` sits at
  ``y = sy + ph * roi_h / oh + (iy + 0.5) * roi_h / (oh * gh)``.
* A sample with ``y < -1`` or ``y > H`` or ``x < -1`` or ``x > W``
  contributes 0; otherwise coordinates below 0 are clamped to 0 and the
  sample is interpolated bilinearly, with rows/columns beyond ``H - 1`` /
  ``W - 1`` clamped to the border.
* The bin value is the sum of its samples divided by
  ``max(gh * gw, 1)``; a RoI with a negative size (possible only when
  ``aligned=True``) yields zeros.
* Gradients flow to ``input`` only (not to ``rois``), as in torchvision.
"""
from typing import Callable, Optional, Tuple, Union

import torch
import torch.nn.functional as F
from torch import Tensor

_BACKEND: Optional[Tuple[str, Optional[Callable]]] = None


def _pair(size: Union[int, Tuple[int, int]]) -> Tuple[int, int]:
    if isinstance(size, int):
        return size, size
    assert len(size) == 2, f'output_size must be int or a pair, got {size}'
    return int(size[0]), int(size[1])


def _axis_samples(start: Tensor, length: Tensor, num_bins: int, grid: Tensor,
                  max_grid: int,
                  size: int) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
    """Bilinear taps along one axis for every (RoI, bin, sample).

    Args:
        start (Tensor): RoI start coordinate ``[K]`` (feature pixels).
        length (Tensor): RoI length ``[K]``.
        num_bins (int): Output bins along the axis (``oh`` or ``ow``).
        grid (Tensor): Samples per bin for each RoI ``[K]`` (long).
        max_grid (int): ``grid.max()``; samples beyond ``grid[k]`` get
            weight 0.
        size (int): Feature map size along the axis (``H`` or ``W``).

    Returns:
        tuple[Tensor]: ``low``, ``high`` (long) and their weights
        ``w_low``, ``w_high``, each ``[K, num_bins, max_grid]``. Weights
        are 0 for masked samples and for samples outside ``[-1, size]``.
    """
    dtype, device = start.dtype, start.device
    bin_size = length / num_bins  # [K]
    bins = torch.arange(num_bins, dtype=dtype, device=device)
    steps = torch.arange(max_grid, dtype=dtype, device=device) + 0.5
    step = bin_size / grid.clamp(min=1).to(dtype)  # [K]
    bin_start = start[:, None] + bins[None, :] * bin_size[:, None]
    # [K, num_bins, max_grid]
    coord = bin_start[:, :, None] + steps[None, None, :] * step[:, None, None]
    valid = (coord >= -1.0) & (coord <= size)
    in_grid = torch.arange(max_grid, device=device) < grid[:, None, None]
    valid = valid & in_grid
    coord = coord.clamp(min=0)
    low = coord.floor().long()
    at_border = low >= size - 1
    low = low.clamp(max=size - 1)
    high = torch.where(at_border, low, low + 1)
    frac = torch.where(at_border, torch.zeros_like(coord),
                       coord - low.to(dtype))
    zero = torch.zeros_like(coord)
    w_low = torch.where(valid, 1.0 - frac, zero)
    w_high = torch.where(valid, frac, zero)
    return low, high, w_low, w_high


def roi_align_pytorch(input: Tensor,
                      rois: Tensor,
                      output_size: Union[int, Tuple[int, int]],
                      spatial_scale: float = 1.0,
                      sampling_ratio: int = 0,
                      aligned: bool = True) -> Tensor:
    """Pure-PyTorch RoIAlign (reference and fallback of :func:`roi_align`).

    Fully vectorised: the bilinear taps of all RoIs, bins and samples are
    computed at once (the per-RoI adaptive sample count is handled by using
    the largest count and giving the surplus samples weight 0), and the
    weighted gather-sum runs as one ``F.embedding_bag`` over the
    channels-last feature map. Memory is ``O(K * oh * ow * gh * gw)`` for
    the taps plus ``O(K * C * oh * ow)`` for the output; neither a per-RoI
    copy of the feature map nor a ``K x C x samples`` tensor is created.

    Args:
        input (Tensor): Feature maps ``[N, C, H, W]``.
        rois (Tensor): RoIs ``[K, 5]``: batch index, then ``x1, y1, x2, y2``
            in input-image coordinates.
        output_size (int | tuple[int, int]): ``(oh, ow)``.
        spatial_scale (float): Scale from image to feature coordinates
            (``1 / stride``). Defaults to 1.
        sampling_ratio (int): Samples per bin along each axis; ``0`` means
            ``ceil(roi_size / output_size)`` per RoI. Defaults to 0.
        aligned (bool): Shift by half a pixel (pixel-centre model).
            Defaults to True.

    Returns:
        Tensor: Pooled features ``[K, C, oh, ow]``.
    """
    assert input.dim() == 4, f'input must be [N, C, H, W], got {input.shape}'
    assert rois.dim() == 2 and rois.size(1) == 5, \
        f'rois must be [K, 5], got {tuple(rois.shape)}'
    oh, ow = _pair(output_size)
    n, c, h, w = input.shape
    k = rois.size(0)
    if k == 0 or h == 0 or w == 0:
        return input.new_zeros((k, c, oh, ow))
    rois = rois.detach().to(input.dtype)
    offset = 0.5 if aligned else 0.0
    batch_idx = rois[:, 0].long()
    x1 = rois[:, 1] * spatial_scale - offset
    y1 = rois[:, 2] * spatial_scale - offset
    roi_w = rois[:, 3] * spatial_scale - offset - x1
    roi_h = rois[:, 4] * spatial_scale - offset - y1
    if not aligned:
        roi_w = roi_w.clamp(min=1.0)
        roi_h = roi_h.clamp(min=1.0)
    if sampling_ratio > 0:
        grid_h = torch.full((k, ), sampling_ratio, device=rois.device)
        grid_w = grid_h
    else:
        grid_h = torch.ceil(roi_h / oh).clamp(min=0).long()
        grid_w = torch.ceil(roi_w / ow).clamp(min=0).long()
    max_gh = max(int(grid_h.max()), 1)
    max_gw = max(int(grid_w.max()), 1)

    # [K, oh, gh] and [K, ow, gw]
    y_lo, y_hi, wy_lo, wy_hi = _axis_samples(y1, roi_h, oh, grid_h, max_gh, h)
    x_lo, x_hi, wx_lo, wx_hi = _axis_samples(x1, roi_w, ow, grid_w, max_gw, w)
    # Stack the two taps: [K, oh, gh, 2] and [K, ow, gw, 2].
    y_idx = torch.stack((y_lo, y_hi), dim=-1)
    y_wt = torch.stack((wy_lo, wy_hi), dim=-1)
    x_idx = torch.stack((x_lo, x_hi), dim=-1)
    x_wt = torch.stack((wx_lo, wx_hi), dim=-1)
    count = (grid_h * grid_w).clamp(min=1).to(input.dtype)  # [K]

    # Flat index into the [N * H * W, C] table and the tap weight, laid
    # out as [K, oh, ow, gh, 2, gw, 2].
    flat = (
        batch_idx[:, None, None, None, None, None, None] * (h * w) +
        y_idx[:, :, None, :, :, None, None] * w +
        x_idx[:, None, :, None, None, :, :])
    weight = (
        y_wt[:, :, None, :, :, None, None] *
        x_wt[:, None, :, None, None, :, :] /
        count[:, None, None, None, None, None, None])
    taps = max_gh * 2 * max_gw * 2
    flat = flat.reshape(k * oh * ow, taps)
    weight = weight.reshape(k * oh * ow, taps)

    table = input.permute(0, 2, 3, 1).reshape(n * h * w, c)
    out = F.embedding_bag(
        flat, table, per_sample_weights=weight, mode='sum')  # [K*oh*ow, C]
    return out.reshape(k, oh, ow, c).permute(0, 3, 1, 2).contiguous()


def _select_backend() -> Tuple[str, Optional[Callable]]:
    """Pick the fastest available RoIAlign kernel (cached)."""
    global _BACKEND
    if _BACKEND is None:
        try:
            from torchvision.ops import roi_align as tv_roi_align
            _BACKEND = ('torchvision', tv_roi_align)
        except Exception:
            try:
                from mmcv.ops import roi_align as mmcv_roi_align
                _BACKEND = ('mmcv', mmcv_roi_align)
            except Exception:
                _BACKEND = ('pytorch', None)
    return _BACKEND


def roi_align_backend() -> str:
    """Name of the kernel :func:`roi_align` uses.

    Returns:
        str: ``'torchvision'``, ``'mmcv'`` or ``'pytorch'``.
    """
    return _select_backend()[0]


def roi_align(input: Tensor,
              rois: Tensor,
              output_size: Union[int, Tuple[int, int]],
              spatial_scale: float = 1.0,
              sampling_ratio: int = 0,
              aligned: bool = True) -> Tensor:
    """RoIAlign with torchvision / mmcv semantics (see the module docstring).

    Dispatches to ``torchvision.ops.roi_align``, then ``mmcv.ops.roi_align``
    (``pool_mode='avg'``), then :func:`roi_align_pytorch`, whichever loads
    first; all three give the same result.

    Args:
        input (Tensor): Feature maps ``[N, C, H, W]``.
        rois (Tensor): RoIs ``[K, 5]`` (batch index, ``x1, y1, x2, y2``).
        output_size (int | tuple[int, int]): ``(oh, ow)``.
        spatial_scale (float): Image-to-feature scale. Defaults to 1.
        sampling_ratio (int): Samples per bin per axis, 0 for adaptive.
            Defaults to 0.
        aligned (bool): Half-pixel shift. Defaults to True.

    Returns:
        Tensor: ``[K, C, oh, ow]``.
    """
    name, fn = _select_backend()
    output_size = _pair(output_size)
    rois = rois.to(input.dtype)
    if name == 'torchvision':
        return fn(input, rois, output_size, spatial_scale, sampling_ratio,
                  aligned)
    if name == 'mmcv':
        return fn(input, rois, output_size, spatial_scale, sampling_ratio,
                  'avg', aligned)
    return roi_align_pytorch(input, rois, output_size, spatial_scale,
                             sampling_ratio, aligned)


def map_rois_to_levels(rois: Tensor,
                       num_levels: int,
                       finest_scale: float = 56.0) -> Tensor:
    """FPN level of each RoI (mmdet ``SingleRoIExtractor.map_roi_levels``).

    ``level = clamp(floor(log2(sqrt(w * h) / finest_scale + 1e-6)), 0,
    num_levels - 1)``: with ``finest_scale=56`` and 4 levels, boxes of
    scale ``< 112`` go to level 0 (P2), ``[112, 224)`` to 1, ``[224, 448)``
    to 2 and ``>= 448`` to 3. This is mmdet's variant of Eq. 1 of FPN
    (Lin et al., CVPR 2017), used by InstBlink's VIM (mmdet 2.x
    ``SingleRoIExtractor`` as configured in ``configs/instblink/
    instblink_r50.py`` of wenzhengzeng/MPEblink@ee9a44f).

    Args:
        rois (Tensor): ``[K, 5]`` (batch index + ``xyxy``) or ``[..., 4]``
            boxes in input-image pixels; the last four columns are used.
        num_levels (int): Number of feature levels.
        finest_scale (float): Scale of level 0. Defaults to 56.

    Returns:
        Tensor: Level index ``[K]`` (or ``[...]``), long.
    """
    boxes = rois[..., -4:]
    area = (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
    # Degenerate boxes (negative area) go to level 0 instead of NaN.
    scale = torch.sqrt(area.clamp(min=0))
    levels = torch.floor(torch.log2(scale / finest_scale + 1e-6))
    return levels.clamp(min=0, max=num_levels - 1).long()
