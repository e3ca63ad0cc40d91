# Copyright (c) mmvb contributors. All rights reserved.
"""Optimizer wrapper constructors (registered into mmaction's registry)."""
from .amp import apply_amp
from .autocast_optim_wrapper import AutocastOptimWrapper
from .pcgrad_optim_wrapper import PCGradOptimWrapper, project_conflicting
from .tsm_heads_optim_wrapper_constructor import \
    TSMHeadsOptimWrapperConstructor

__all__ = [
    'AutocastOptimWrapper', 'PCGradOptimWrapper',
    'TSMHeadsOptimWrapperConstructor', 'apply_amp', 'project_conflicting'
]
