# Copyright (c) mmvb contributors. All rights reserved.
"""Optimizer wrappers, hooks and loops (registered into mmaction's
registries)."""
