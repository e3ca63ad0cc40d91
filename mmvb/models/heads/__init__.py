# Copyright (c) mmvb contributors. All rights reserved.
"""Heads (registered into ``mmaction.registry.MODELS``)."""
from .bmvit_head import BMViTHead, owlvit_box_bias
from .dualscope_head import DualScopeHead
from .sbcd_heads import CRCDHead, IRDDHead, boxes_to_rois, crop_regions
from .verb_noun_head import VerbNounHead

__all__ = [
    'BMViTHead', 'CRCDHead', 'DualScopeHead', 'IRDDHead', 'VerbNounHead',
    'boxes_to_rois', 'crop_regions', 'owlvit_box_bias'
]
