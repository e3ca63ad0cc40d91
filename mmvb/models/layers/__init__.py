# Copyright (c) mmvb contributors. All rights reserved.
"""Building blocks used inside backbones and heads (not registered)."""
from .dynamic_conv import DynamicConv
from .query_interaction import QueryInteraction

__all__ = ['DynamicConv', 'QueryInteraction']
