# Copyright (c) mmvb contributors. All rights reserved.
"""Metric and protocol functions (numpy / torch, no registry)."""
from .mpeblink_eval import (evaluate_mpeblink, hust_lebw_scores,
                            interpolated_prec_rec, segment_iou,
                            temporal_detection_ap, track_ious)
from .mpeblink_postprocess import (ClipLinker, blink_intervals, temporal_nms,
                                   tracks_to_results)

__all__ = [
    'evaluate_mpeblink', 'hust_lebw_scores', 'interpolated_prec_rec',
    'segment_iou', 'temporal_detection_ap', 'track_ious', 'ClipLinker',
    'blink_intervals', 'temporal_nms', 'tracks_to_results'
]
