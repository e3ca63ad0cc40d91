# Copyright (c) mmvb contributors. All rights reserved.
"""Metric and protocol functions (numpy / torch, no registry)."""
from .frame_map import frame_average_precision, mean_ap
from .mpeblink_eval import (evaluate_mpeblink, hust_lebw_scores,
                            interpolated_prec_rec, segment_iou,
                            temporal_detection_ap, track_ious)
from .mpeblink_results import tracks_to_results

__all__ = [
    'evaluate_mpeblink', 'frame_average_precision', 'hust_lebw_scores',
    'interpolated_prec_rec', 'mean_ap', 'segment_iou', 'temporal_detection_ap',
    'track_ious', 'tracks_to_results'
]
