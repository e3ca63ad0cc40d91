# Copyright (c) mmvb contributors. All rights reserved.
"""Losses (registered into ``mmaction.registry.MODELS``)."""
from .binary_focal_loss import BinaryFocalLoss, sigmoid_focal_loss
from .feature_mimic_loss import FeatureMimicLoss

__all__ = ['BinaryFocalLoss', 'FeatureMimicLoss', 'sigmoid_focal_loss']
