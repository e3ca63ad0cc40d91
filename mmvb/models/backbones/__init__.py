# Copyright (c) mmvb contributors. All rights reserved.
"""Registered backbones."""
from .bcve import BCVEncoder, BCVEncoderLayer, count_parameters

__all__ = ['BCVEncoder', 'BCVEncoderLayer', 'count_parameters']
