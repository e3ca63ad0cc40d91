# Copyright (c) mmvb contributors. All rights reserved.
"""Heads (registered into ``mmaction.registry.MODELS``)."""
from .bmvit_head import BMViTHead, owlvit_box_bias
from .verb_noun_head import VerbNounHead

__all__ = ['BMViTHead', 'VerbNounHead', 'owlvit_box_bias']
