# Copyright (c) mmvb contributors. All rights reserved.
"""Box crops for region distillation: RoI lists and batched crops."""
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor


def boxes_to_rois(boxes: Tensor) -> Tensor:
    """``[B, R, 4]`` boxes -> ``[B * R, 5]`` RoIs (batch index first)."""
    b, r = boxes.shape[:2]
    idx = torch.arange(b, device=boxes.device, dtype=boxes.dtype)
    return torch.cat([idx.repeat_interleave(r)[:, None],
                      boxes.reshape(-1, 4)],
                     dim=1)


def crop_regions(images: Tensor, boxes: Tensor, size: Tuple[int,
                                                            int]) -> Tensor:
    """Crop every box and resize it to ``size`` with one batched bilinear
    ``grid_sample``.

    Output pixel ``(i, j)`` of a box ``(x1, y1, x2, y2)`` samples the image
    at ``x = x1 + (j + 0.5) (x2 - x1) / w`` (continuous coordinates, pixel
    ``k`` spanning ``[k, k + 1]``), the same points as an aligned RoIAlign
    with one sample per bin (``mmvb.ops.roi_align(..., sampling_ratio=1,
    aligned=True)``) but much faster for image-sized outputs; samples past
    the border take the border value.

    Args:
        images (Tensor): ``[B, C, H, W]``.
        boxes (Tensor): ``[B, R, 4]`` in pixels.
        size (tuple[int, int]): Output ``(h, w)``.

    Returns:
        Tensor: ``[B * R, C, h, w]`` crops, image-major.
    """
    b, c, height, width = images.shape
    r = boxes.size(1)
    x1, y1, x2, y2 = boxes.reshape(-1, 4).to(images.dtype).unbind(-1)
    theta = images.new_zeros(b * r, 2, 3)
    theta[:, 0, 0] = (x2 - x1) / width
    theta[:, 0, 2] = (x1 + x2) / width - 1
    theta[:, 1, 1] = (y2 - y1) / height
    theta[:, 1, 2] = (y1 + y2) / height - 1
    grid = F.affine_grid(theta, [b * r, c, *size], align_corners=False)
    source = images.repeat_interleave(r, dim=0)
    return F.grid_sample(
        source,
        grid,
        mode='bilinear',
        padding_mode='border',
        align_corners=False)
