# Copyright (c) mmvb contributors. All rights reserved.
"""Optimizer wrappers."""
from .autocast_optim_wrapper import AutocastOptimWrapper
from .pcgrad_optim_wrapper import PCGradOptimWrapper, project_conflicting

__all__ = [
    'AutocastOptimWrapper', 'PCGradOptimWrapper', 'project_conflicting'
]
