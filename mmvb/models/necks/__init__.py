# Copyright (c) mmvb contributors. All rights reserved.
from .fpn_neck import FPNNeck

__all__ = ['FPNNeck']
