# Copyright (c) mmvb contributors. All rights reserved.
"""Metrics (registered into ``mmaction.registry.METRICS``)."""
from .functional import (evaluate_ava_csv, evaluate_mpeblink,
                         frame_average_precision, hust_lebw_scores, mean_ap,
                         tracks_to_results)
from .metrics import (AVAActorPRMetric, AVAFrameMAPMetric, HUSTLEBWMetric,
                      MPEblinkMetric, TubeFrameMAPMetric, VerbNounActionMetric)

__all__ = [
    'AVAActorPRMetric', 'AVAFrameMAPMetric', 'HUSTLEBWMetric',
    'MPEblinkMetric', 'TubeFrameMAPMetric', 'VerbNounActionMetric',
    'evaluate_ava_csv', 'evaluate_mpeblink', 'frame_average_precision',
    'hust_lebw_scores', 'mean_ap', 'tracks_to_results'
]
