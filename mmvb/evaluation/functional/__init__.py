# Copyright (c) mmvb contributors. All rights reserved.
"""Metric and protocol functions (numpy / torch, no registry)."""
from .ava_map import (AVA_PROTOCOLS, OFFICIAL_MAX_DETS_PER_FRAME,
                      ava_average_precisions, ava_frame_key, evaluate_ava_csv,
                      log_ava_counts, read_ava_csv, read_ava_exclusions,
                      read_ava_label_map, top_k_per_frame)
from .frame_map import (average_precision, box_iou_pairs,
                        class_average_precisions, frame_average_precision,
                        match_detections, mean_ap)
from .mpeblink_eval import (evaluate_mpeblink, hust_lebw_scores,
                            interpolated_prec_rec, segment_iou,
                            temporal_detection_ap, track_ious)
from .mpeblink_results import tracks_to_results

__all__ = [
    'AVA_PROTOCOLS', 'OFFICIAL_MAX_DETS_PER_FRAME', 'ava_average_precisions',
    'ava_frame_key', 'average_precision', 'box_iou_pairs',
    'class_average_precisions', 'evaluate_ava_csv', 'log_ava_counts',
    'match_detections', 'read_ava_csv', 'read_ava_exclusions',
    'read_ava_label_map', 'top_k_per_frame', 'evaluate_mpeblink',
    'frame_average_precision', 'hust_lebw_scores', 'interpolated_prec_rec',
    'mean_ap', 'segment_iou', 'temporal_detection_ap', 'track_ious',
    'tracks_to_results'
]
