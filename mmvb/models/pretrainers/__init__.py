# Copyright (c) mmvb contributors. All rights reserved.
"""Registered pre-training algorithms."""
from .sbcd_pretrainer import SBCDPretrainer

__all__ = ['SBCDPretrainer']
