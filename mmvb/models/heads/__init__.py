# Copyright (c) mmvb contributors. All rights reserved.
"""Heads (registered into ``mmaction.registry.MODELS``)."""
from .instblink_head import InstBlinkHead, InstBlinkStage
from .verb_noun_head import VerbNounHead

__all__ = ['InstBlinkHead', 'InstBlinkStage', 'VerbNounHead']
