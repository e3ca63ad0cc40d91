# Copyright (c) mmvb contributors. All rights reserved.
"""Heads (registered into ``mmaction.registry.MODELS``)."""
from .autocast_head_mixin import AutocastHeadMixin
from .autocast_tsm_head import AutocastTSMHead
from .autocast_tsn_audio_head import AutocastTSNAudioHead
from .autocast_tsn_head import AutocastTSNHead
from .clip_zero_shot_head import CLIPZeroShotHead
from .crcd_head import CRCDHead
from .dualscope_head import DualScopeHead
from .irdd_head import IRDDHead
from .verb_noun_head import VerbNounHead

__all__ = [
    'AutocastHeadMixin', 'AutocastTSMHead', 'AutocastTSNAudioHead',
    'AutocastTSNHead', 'CLIPZeroShotHead', 'CRCDHead', 'DualScopeHead',
    'IRDDHead', 'VerbNounHead'
]
