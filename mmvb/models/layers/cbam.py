# Copyright (c) mmvb contributors. All rights reserved.
"""CBAM: channel then spatial attention of one image feature map."""
from typing import Optional

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType
from mmcv.cnn import build_activation_layer, build_norm_layer
from mmengine.model import BaseModule
from mmengine.model.weight_init import constant_init, kaiming_init
from torch import Tensor, nn

from ...ops import avg_max_pool_hw, channel_gate, mean_max_over_channels
from .attention_maps import record_attention_map


def channel_descriptor(mlp: nn.Sequential, x: Tensor) -> Tensor:
    """``mlp(avgpool_hw(x)) + mlp(maxpool_hw(x))`` (shared MLP).

    Both pooled descriptors go through the MLP together, its 1x1
    convolutions applied as the matrix products they are on ``1 x 1`` maps
    (:func:`~mmvb.ops.avg_max_pool_hw` pools).

    Args:
        mlp (nn.Sequential): ``conv1x1, activation, conv1x1`` (see
            :func:`channel_mlp`), ``[B, C, 1, 1]`` to ``[B, C', 1, 1]``.
        x (Tensor): ``[B, C, H, W]``.

    Returns:
        Tensor: ``[B, C', 1, 1]`` (pre-sigmoid channel attention).
    """
    b = x.size(0)
    fc1, act, fc2 = mlp
    hidden = act(F.linear(avg_max_pool_hw(x), fc1.weight.flatten(1), fc1.bias))
    out = F.linear(hidden, fc2.weight.flatten(1), fc2.bias)
    return (out[:b] + out[b:]).view(b, -1, 1, 1)


def spatial_descriptor(x: Tensor) -> Tensor:
    """Channel-wise mean and max, concatenated: ``[B, 2, H, W]``
    (:func:`~mmvb.ops.mean_max_over_channels`)."""
    return mean_max_over_channels(x)


def channel_mlp(channels: int, reduction: int,
                act_cfg: ConfigType) -> nn.Sequential:
    """Bottleneck MLP ``C -> C / r -> C`` as 1x1 convolutions."""
    hidden = max(channels // reduction, 1)
    return nn.Sequential(
        nn.Conv2d(channels, hidden, 1), build_activation_layer(act_cfg),
        nn.Conv2d(hidden, channels, 1))


@MODELS.register_module()
class CBAM(BaseModule):
    """Convolutional Block Attention Module.

    `CBAM: Convolutional Block Attention Module
    <https://arxiv.org/abs/1807.06521>`_ (Woo et al., ECCV 2018), used by
    W3 (Table 6/7) as the image-attention competitor: every frame is
    attended on its own, with no temporal reasoning.

    ``x <- x * sigmoid(mlp(avg(x)) + mlp(max(x)))`` (channel gate), then
    ``x <- x * sigmoid(bn(conv7x7([mean_c(x), max_c(x)])))`` (spatial gate),
    as in the official code (``bn`` after the 7x7 convolution, no bias).
    The spatial mask is handed to
    :func:`~mmvb.models.layers.record_attention_map` (for the W3 feature
    refinement and visualisation).

    Args:
        in_channels (int): Channels ``C`` of the input.
        num_segments (int, optional): Accepted for interface parity with
            :class:`W3Attention` (the backbone passes it); unused.
        reduction (int): MLP reduction ratio ``r``. Defaults to 16.
        spatial_kernel (int): Kernel of the spatial convolution.
            Defaults to 7.
        with_spatial (bool): Apply the spatial gate. Defaults to True.
        norm_cfg (dict, optional): Norm after the spatial convolution
            (None: no norm, and the convolution gets a bias).
            Defaults to ``dict(type='BN')``.
        act_cfg (dict): Activation inside the MLP.
            Defaults to ``dict(type='ReLU')``.
        init_cfg (dict, optional): Unused; see :meth:`init_weights`.
    """

    def __init__(self,
                 in_channels: int,
                 num_segments: Optional[int] = None,
                 reduction: int = 16,
                 spatial_kernel: int = 7,
                 with_spatial: bool = True,
                 norm_cfg: OptConfigType = dict(type='BN'),
                 act_cfg: ConfigType = dict(type='ReLU'),
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.in_channels = in_channels
        self.num_segments = num_segments
        self.with_spatial = with_spatial
        self.channel_mlp = channel_mlp(in_channels, reduction, act_cfg)
        if with_spatial:
            self.spatial_conv = nn.Conv2d(
                2,
                1,
                spatial_kernel,
                padding=spatial_kernel // 2,
                bias=norm_cfg is None)
            self.spatial_norm = (
                build_norm_layer(norm_cfg, 1)[1]
                if norm_cfg is not None else nn.Identity())

    def init_weights(self) -> None:
        """Kaiming-normal convolutions (zero bias), unit-scale norm."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                kaiming_init(m, mode='fan_out', nonlinearity='relu')
            elif isinstance(m, nn.modules.batchnorm._BatchNorm):
                constant_init(m, 1)

    def forward(self, x: Tensor) -> Tensor:
        """Attend ``x`` ``[B, C, H, W]``; returns the same shape."""
        x = channel_gate(
            x, torch.sigmoid(channel_descriptor(self.channel_mlp, x)))
        if self.with_spatial:
            mask = torch.sigmoid(
                self.spatial_norm(self.spatial_conv(spatial_descriptor(x))))
            record_attention_map(self, mask)
            x = x * mask
        return x
