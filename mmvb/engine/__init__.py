# Copyright (c) mmvb contributors. All rights reserved.
"""Optimizer wrappers, hooks and loops (registered into mmaction's
registries)."""
from .optimizers import (AutocastOptimWrapper, PCGradOptimWrapper,
                         project_conflicting)

__all__ = [
    'AutocastOptimWrapper', 'PCGradOptimWrapper', 'project_conflicting'
]
