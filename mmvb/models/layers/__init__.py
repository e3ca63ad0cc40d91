# Copyright (c) mmvb contributors. All rights reserved.
"""Building blocks used inside backbones and heads."""
from .attention_maps import collect_attention_maps, record_attention_map
from .cbam import CBAM
from .w3_attention import W3Attention

__all__ = [
    'CBAM', 'W3Attention', 'collect_attention_maps', 'record_attention_map'
]
