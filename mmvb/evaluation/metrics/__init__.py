# Copyright (c) mmvb contributors. All rights reserved.
"""Metrics (registered into ``mmaction.registry.METRICS``)."""
from .frame_map_metric import AVAFrameMAPMetric, TubeFrameMAPMetric
from .verb_noun_action_metric import VerbNounActionMetric

__all__ = ['AVAFrameMAPMetric', 'TubeFrameMAPMetric', 'VerbNounActionMetric']
