# Copyright (c) mmvb contributors. All rights reserved.
"""Heads (registered into ``mmaction.registry.MODELS``)."""
from .crcd_head import CRCDHead
from .dualscope_head import DualScopeHead
from .irdd_head import IRDDHead
from .verb_noun_head import VerbNounHead

__all__ = ['CRCDHead', 'DualScopeHead', 'IRDDHead', 'VerbNounHead']
