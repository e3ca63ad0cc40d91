# Copyright (c) mmvb contributors. All rights reserved.
"""Model utilities (checkpoint converters)."""
from .ckpt_convert import (ConversionReport, adapt_pos_embed, dat_to_datar,
                           unwrap_state_dict, vit_to_ast)
from .hiera_checkpoint import convert_official_hiera
from .instblink_checkpoint import convert_official_instblink

__all__ = [
    'ConversionReport', 'adapt_pos_embed', 'convert_official_hiera',
    'convert_official_instblink', 'dat_to_datar', 'unwrap_state_dict',
    'vit_to_ast'
]
