# Copyright (c) mmvb contributors. All rights reserved.
"""``nn.Module`` blocks used inside backbones and heads."""
from .bimamba import BiMamba
from .satpm import (DynamicDifferenceExtractor, FineGrainedMotionEncoder,
                    SATPMBlock, central_difference, temporal_regroup,
                    temporal_split)

__all__ = [
    'BiMamba', 'DynamicDifferenceExtractor', 'FineGrainedMotionEncoder',
    'SATPMBlock', 'central_difference', 'temporal_regroup', 'temporal_split'
]
