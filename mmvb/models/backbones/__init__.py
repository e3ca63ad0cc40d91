# Copyright (c) mmvb contributors. All rights reserved.
"""Backbones (registered into ``mmaction.registry.MODELS``)."""
from .resnet_tsm_w3 import (AttentionBasicBlock, AttentionBottleneck,
                            ResNetTSMW3)

__all__ = ['AttentionBasicBlock', 'AttentionBottleneck', 'ResNetTSMW3']
