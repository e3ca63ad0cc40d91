# Copyright (c) mmvb contributors. All rights reserved.
"""Stateless tensor operations shared by the mmvb methods."""
from .box import (aligned_box_iou, aligned_generalized_box_iou, box_area,
                  box_cxcywh_to_xyxy, box_iou, box_xyxy_to_cxcywh,
                  generalized_box_iou, tube_iou)
from .roi_align import (map_rois_to_levels, roi_align, roi_align_backend,
                        roi_align_pytorch)
from .selective_scan import (cuda_scan_available, selective_scan,
                             selective_scan_sequential, selective_scan_torch)

__all__ = [
    'aligned_box_iou', 'aligned_generalized_box_iou', 'box_area',
    'box_cxcywh_to_xyxy', 'box_iou', 'box_xyxy_to_cxcywh',
    'generalized_box_iou', 'tube_iou', 'map_rois_to_levels', 'roi_align',
    'roi_align_backend', 'roi_align_pytorch', 'cuda_scan_available',
    'selective_scan', 'selective_scan_sequential', 'selective_scan_torch'
]
