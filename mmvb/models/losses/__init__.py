# Copyright (c) mmvb contributors. All rights reserved.
"""Losses (registered into ``mmaction.registry.MODELS``)."""
from .binary_focal_loss import BinaryFocalLoss, sigmoid_focal_loss
from .feature_mimic_loss import FeatureMimicLoss
from .giou_loss import GIoULoss
from .l1_loss import L1Loss
from .set_prediction_losses import matched_box_losses

__all__ = [
    'BinaryFocalLoss', 'FeatureMimicLoss', 'GIoULoss', 'L1Loss',
    'matched_box_losses', 'sigmoid_focal_loss'
]
