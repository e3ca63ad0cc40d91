# Copyright (c) mmvb contributors. All rights reserved.
"""Heads (registered into ``mmaction.registry.MODELS``)."""
from .bmvit_head import BMViTHead, owlvit_box_bias
from .crcd_head import CRCDHead
from .dualscope_head import DualScopeHead
from .instblink_head import InstBlinkHead, InstBlinkStage
from .irdd_head import IRDDHead
from .verb_noun_head import VerbNounHead

__all__ = [
    'BMViTHead', 'CRCDHead', 'DualScopeHead', 'IRDDHead', 'InstBlinkHead',
    'InstBlinkStage', 'VerbNounHead', 'owlvit_box_bias'
]
