# Copyright (c) mmvb contributors. All rights reserved.
"""Optimizer wrapper constructors (registered into mmaction's registry)."""
from .tsm_heads_optim_wrapper_constructor import \
    TSMHeadsOptimWrapperConstructor

__all__ = ['TSMHeadsOptimWrapperConstructor']
