# Copyright (c) mmvb contributors. All rights reserved.
"""Optimizer wrappers, hooks and loops (registered into mmaction's
registries)."""
from .optimizers import PCGradOptimWrapper, project_conflicting

__all__ = ['PCGradOptimWrapper', 'project_conflicting']
