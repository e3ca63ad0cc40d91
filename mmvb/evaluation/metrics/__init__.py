# Copyright (c) mmvb contributors. All rights reserved.
"""Metrics (registered into ``mmaction.registry.METRICS``)."""
from .actor_pr_metric import AVAActorPRMetric
from .frame_map_metric import AVAFrameMAPMetric, TubeFrameMAPMetric
from .hust_lebw_metric import HUSTLEBWMetric
from .mpeblink_metric import MPEblinkMetric
from .verb_noun_action_metric import VerbNounActionMetric

__all__ = [
    'AVAActorPRMetric', 'AVAFrameMAPMetric', 'HUSTLEBWMetric',
    'MPEblinkMetric', 'TubeFrameMAPMetric', 'VerbNounActionMetric'
]
