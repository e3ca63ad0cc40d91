# Copyright (c) mmvb contributors. All rights reserved.
"""Optimizer wrappers."""
from .pcgrad_optim_wrapper import PCGradOptimWrapper, project_conflicting

__all__ = ['PCGradOptimWrapper', 'project_conflicting']
