# Copyright (c) mmvb contributors. All rights reserved.
"""Metrics (registered into ``mmaction.registry.METRICS``)."""
from .mpeblink_metric import MPEblinkMetric
from .verb_noun_action_metric import VerbNounActionMetric

__all__ = ['MPEblinkMetric', 'VerbNounActionMetric']
