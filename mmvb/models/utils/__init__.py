# Copyright (c) mmvb contributors. All rights reserved.
"""Model utilities (checkpoint converters)."""
from .ckpt_convert import (ConversionReport, adapt_pos_embed, dat_to_datar,
                           unwrap_state_dict, vit_to_ast)
from .clip_checkpoint import convert_clip_checkpoint, is_clip_state_dict
from .clip_tokenizer import CLIPTokenizer, find_clip_bpe
from .hiera_checkpoint import convert_official_hiera
from .instblink_checkpoint import convert_official_instblink

__all__ = [
    'CLIPTokenizer', 'ConversionReport', 'adapt_pos_embed',
    'convert_clip_checkpoint', 'convert_official_hiera',
    'convert_official_instblink', 'find_clip_bpe', 'is_clip_state_dict',
    'dat_to_datar', 'unwrap_state_dict', 'vit_to_ast'
]
