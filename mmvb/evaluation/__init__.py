# Copyright (c) mmvb contributors. All rights reserved.
"""Metrics (registered into ``mmaction.registry.METRICS``)."""
from .metrics import VerbNounActionMetric

__all__ = ['VerbNounActionMetric']
