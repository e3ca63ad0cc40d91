# Copyright (c) mmvb contributors. All rights reserved.
"""Datasets, transforms and the synthetic-data kit."""
from . import synthetic  # noqa: F401
