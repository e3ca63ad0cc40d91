# Copyright (c) mmvb contributors. All rights reserved.
"""Heads (registered into ``mmaction.registry.MODELS``)."""
from .clip_zero_shot_head import CLIPZeroShotHead
from .crcd_head import CRCDHead
from .dualscope_head import DualScopeHead
from .irdd_head import IRDDHead
from .verb_noun_head import VerbNounHead

__all__ = [
    'CLIPZeroShotHead', 'CRCDHead', 'DualScopeHead', 'IRDDHead', 'VerbNounHead'
]
