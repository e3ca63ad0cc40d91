# Copyright (c) mmvb contributors. All rights reserved.
"""Losses (registered into ``mmaction.registry.MODELS``)."""
from .feature_mimic_loss import FeatureMimicLoss

__all__ = ['FeatureMimicLoss']
