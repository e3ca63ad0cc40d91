# Copyright (c) mmvb contributors. All rights reserved.
"""Stateless tensor operations shared by the mmvb methods."""
from .box import (aligned_box_iou, aligned_generalized_box_iou, box_area,
                  box_cxcywh_to_xyxy, box_iou, box_xywh_to_xyxy,
                  box_xyxy_to_cxcywh, box_xyxy_to_xywh, delta_xywh_decode,
                  generalized_box_iou, tube_iou)
from .multi_level_roi_align import multi_level_roi_align, multi_level_roi_table
from .onnx_roi_align import multi_level_roi_align_onnx
from .region_crop import boxes_to_rois, crop_regions
from .roi_align import (map_rois_to_levels, roi_align, roi_align_backend,
                        roi_align_pytorch)
from .selective_scan import (cuda_scan_available, selective_scan,
                             selective_scan_sequential, selective_scan_torch)
from .video_attention import (avg_max_pool_hw, channel_gate,
                              conv1d_over_frames, conv3d_over_frames,
                              mean_max_over_channels)

__all__ = [
    'aligned_box_iou', 'aligned_generalized_box_iou', 'avg_max_pool_hw',
    'box_area', 'box_cxcywh_to_xyxy', 'box_iou', 'box_xywh_to_xyxy',
    'box_xyxy_to_cxcywh', 'box_xyxy_to_xywh', 'boxes_to_rois', 'channel_gate',
    'conv1d_over_frames', 'conv3d_over_frames', 'crop_regions',
    'cuda_scan_available', 'delta_xywh_decode', 'generalized_box_iou',
    'map_rois_to_levels', 'mean_max_over_channels',
    'multi_level_roi_align_onnx', 'roi_align', 'roi_align_backend',
    'roi_align_pytorch', 'selective_scan', 'selective_scan_sequential',
    'selective_scan_torch', 'tube_iou', 'multi_level_roi_align',
    'multi_level_roi_table'
]
