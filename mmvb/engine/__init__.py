# Copyright (c) mmvb contributors. All rights reserved.
"""Optimizer wrappers, hooks and loops (registered into mmaction's
registries)."""
from .optimizers import TSMHeadsOptimWrapperConstructor

__all__ = ['TSMHeadsOptimWrapperConstructor']
