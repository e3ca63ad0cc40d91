# Copyright (c) mmvb contributors. All rights reserved.
from .binary_focal_loss import BinaryFocalLoss, sigmoid_focal_loss

__all__ = ['BinaryFocalLoss', 'sigmoid_focal_loss']
