# Copyright (c) mmvb contributors. All rights reserved.
"""Metrics (registered into ``mmaction.registry.METRICS``) and their
computations."""
from .functional import frame_average_precision, mean_ap
from .metrics import (AVAFrameMAPMetric, TubeFrameMAPMetric,
                      VerbNounActionMetric)

__all__ = [
    'AVAFrameMAPMetric', 'TubeFrameMAPMetric', 'VerbNounActionMetric',
    'frame_average_precision', 'mean_ap'
]
