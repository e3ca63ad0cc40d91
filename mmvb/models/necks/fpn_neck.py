# Copyright (c) mmvb contributors. All rights reserved.
from typing import List, Sequence, Tuple

import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.utils import OptConfigType, OptMultiConfig
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor, nn


@MODELS.register_module()
class FPNNeck(BaseModule):
    """Feature Pyramid Network (Lin et al., CVPR 2017) on per-frame maps.

    A top-down pathway with lateral 1x1 convolutions and 3x3 output
    convolutions, as mmdet's ``FPN`` (which cannot be imported without
    compiled mmcv ops) with the same parameter names
    (``lateral_convs.i.conv``, ``fpn_convs.i.conv``), so mmdet / InstBlink
    checkpoints load unchanged. Upsampling is nearest to the finer level's
    size. Frames are independent: a video clip is passed as ``B*T`` images.

    InstBlink uses ResNet-50 stages 1-4 (256, 512, 1024, 2048 channels) to
    P2-P5 with 256 channels (``neck`` of ``configs/instblink/
    instblink_r50.py``, wenzhengzeng/MPEblink@ee9a44f).

    Args:
        in_channels (Sequence[int]): Channels of each input level.
        out_channels (int): Channels of every output level.
        start_level (int): First input level used. Defaults to 0.
        norm_cfg (dict, optional): Norm of the convolutions.
            Defaults to None.
        act_cfg (dict, optional): Activation of the convolutions.
            Defaults to None.
        init_cfg (dict or list[dict], optional): Initialisation. Defaults
            to Xavier-uniform convolutions (as mmdet's FPN).
    """

    def __init__(
        self,
        in_channels: Sequence[int],
        out_channels: int,
        start_level: int = 0,
        norm_cfg: OptConfigType = None,
        act_cfg: OptConfigType = None,
        init_cfg: OptMultiConfig = dict(
            type='Xavier', layer='Conv2d', distribution='uniform')
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        assert 0 <= start_level < len(in_channels), \
            f'start_level {start_level} out of range for {len(in_channels)}' \
            ' input levels'
        self.in_channels = list(in_channels)
        self.out_channels = out_channels
        self.start_level = start_level
        self.lateral_convs = nn.ModuleList()
        self.fpn_convs = nn.ModuleList()
        for channels in self.in_channels[start_level:]:
            self.lateral_convs.append(
                ConvModule(
                    channels,
                    out_channels,
                    1,
                    norm_cfg=norm_cfg,
                    act_cfg=act_cfg,
                    inplace=False))
            self.fpn_convs.append(
                ConvModule(
                    out_channels,
                    out_channels,
                    3,
                    padding=1,
                    norm_cfg=norm_cfg,
                    act_cfg=act_cfg,
                    inplace=False))

    def forward(self, inputs: Sequence[Tensor]) -> Tuple[Tensor]:
        """Build the pyramid.

        Args:
            inputs (Sequence[Tensor]): Maps ``[N, C_i, H_i, W_i]``, finest
                first.

        Returns:
            tuple[Tensor]: ``len(in_channels) - start_level`` maps
            ``[N, out_channels, H_i, W_i]``, finest first.
        """
        assert len(inputs) == len(self.in_channels), \
            f'expected {len(self.in_channels)} levels, got {len(inputs)}'
        laterals: List[Tensor] = [
            conv(inputs[i + self.start_level])
            for i, conv in enumerate(self.lateral_convs)
        ]
        for i in range(len(laterals) - 1, 0, -1):
            laterals[i - 1] = laterals[i - 1] + F.interpolate(
                laterals[i], size=laterals[i - 1].shape[2:], mode='nearest')
        return tuple(conv(x) for conv, x in zip(self.fpn_convs, laterals))
