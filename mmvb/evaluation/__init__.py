# Copyright (c) mmvb contributors. All rights reserved.
"""Metrics (registered into ``mmaction.registry.METRICS``)."""
from .functional import (ClipLinker, blink_intervals, evaluate_mpeblink,
                         hust_lebw_scores, tracks_to_results)
from .metrics import HUSTLEBWMetric, MPEblinkMetric, VerbNounActionMetric

__all__ = [
    'ClipLinker', 'blink_intervals', 'evaluate_mpeblink', 'hust_lebw_scores',
    'tracks_to_results', 'HUSTLEBWMetric', 'MPEblinkMetric',
    'VerbNounActionMetric'
]
