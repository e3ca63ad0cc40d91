# Copyright (c) mmvb contributors. All rights reserved.
from .autocast_optim_wrapper import AutocastOptimWrapper

__all__ = ['AutocastOptimWrapper']
