# Copyright (c) mmvb contributors. All rights reserved.
"""Heads (registered into ``mmaction.registry.MODELS``)."""
from .dualscope_head import DualScopeHead
from .verb_noun_head import VerbNounHead

__all__ = ['DualScopeHead', 'VerbNounHead']
