# Copyright (c) mmvb contributors. All rights reserved.
"""Optimizer wrappers, hooks and loops (registered into mmaction's
registries)."""
from .optimizers import (AutocastOptimWrapper, PCGradOptimWrapper,
                         TSMHeadsOptimWrapperConstructor, apply_amp,
                         project_conflicting)

__all__ = [
    'AutocastOptimWrapper', 'PCGradOptimWrapper',
    'TSMHeadsOptimWrapperConstructor', 'apply_amp', 'project_conflicting'
]
