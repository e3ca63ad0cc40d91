# Copyright (c) mmvb contributors. All rights reserved.
"""Backbones (registered into ``mmaction.registry.MODELS``)."""
from .ast import AudioSpectrogramTransformer
from .bcve import BCVEncoder, BCVEncoderLayer, count_parameters
from .bmvit_backbone import BMViTBackbone
from .clip_text_encoder import CLIPTextEncoder
from .datar import DeformableAudioTransformer, DeformableBlock
from .hiera import Hiera
from .resnet_tsm_w3 import (AttentionBasicBlock, AttentionBottleneck,
                            ResNetTSMW3)

__all__ = [
    'AttentionBasicBlock', 'AttentionBottleneck',
    'AudioSpectrogramTransformer', 'BCVEncoder', 'BCVEncoderLayer',
    'BMViTBackbone', 'CLIPTextEncoder', 'DeformableAudioTransformer',
    'DeformableBlock', 'Hiera', 'ResNetTSMW3', 'count_parameters'
]
