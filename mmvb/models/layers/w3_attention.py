# Copyright (c) mmvb contributors. All rights reserved.
"""W3 (what-where-when) video attention."""
import math

import torch
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType
from mmcv.cnn import build_activation_layer
from mmengine.model import BaseModule
from mmengine.model.weight_init import kaiming_init
from torch import Tensor, nn

from ...ops import channel_gate, conv1d_over_frames, conv3d_over_frames
from .attention_maps import record_attention_map
from .cbam import channel_descriptor, channel_mlp, spatial_descriptor


@MODELS.register_module()
class W3Attention(BaseModule):
    """What-Where-When video attention.

    `Knowing What, Where and When to Look: Efficient Video Action Modeling
    with Attention <https://arxiv.org/abs/2004.01278>`_ (Perez-Rua et al.,
    2020), Sec. 3.1-3.2. The input ``F`` is a frame-level feature map
    ``[N * T, C, H, W]`` whose ``T = num_segments`` frames of a clip are
    contiguous (the TSM layout). Two sub-modules are applied in sequence
    (Eq. 2): ``F^c = M^c * F`` then ``F^s = M^s * F^c``.

    * Channel-temporal attention (what, when; Eq. 3-4)::

        M^c-frm = sigmoid(mlp(avgpool_hw(F)) + mlp(maxpool_hw(F)))  # [NT, C]
        M^c = sigmoid(tconv2(act(tconv1(M^c-frm over T))))  # 1D, kernel 3

    * Spatio-temporal attention (where, when; Eq. 5-6)::

        M^s-frm = sigmoid(conv7x7([mean_c(F^c), max_c(F^c)]))  # [NT, 1, H, W]
        M^s = sigmoid(conv3d_2(act(conv3d_1(M^s-frm over T))))  # 3x3x3

    ``mlp`` is shared by both poolings, ``C -> C / r -> C``. ``M^s`` is
    handed to :func:`~mmvb.models.layers.record_attention_map` (attention
    guided feature refinement, Eq. 7-8, and visualisation).

    Choices the paper leaves open (defaults and alternatives; the evidence
    is in ``configs/w3/README.md``, "Readings of the paper"):

    * ``temporal_conv='depthwise'``: each channel's time series is
      convolved on its own (``groups=C``), Sec. 3.1's "per-channel temporal
      relationships" of "each channel dimension" (2 x 3 weights per channel
      and layer; W3-R50 26.5 M parameters, TSM-R50 23.9 M).
      ``'dense'`` maps ``C`` to ``C`` channels (it mixes channels): ``6 C^2``
      parameters per block, 123 M for R50 (147 M in total), and about 1 G
      multiply-adds at 8 frames, which is how close it comes to the paper's
      16-frame FLOPs (67.1 G; mmvb counts 68.0 G dense, 66.1 G depthwise).
    * Initialisation (``init_fan``): Kaiming-normal with fan-out and ReLU
      gain, zero biases (the paper does not say). PyTorch's fan-out of a
      grouped convolution counts all ``C_out`` output channels
      (``C_out x k``), not the ``C_out / groups x k`` each weight actually
      feeds, so with ``init_fan='torch'`` (default) the depthwise temporal
      convolutions start with weights ``sqrt(C)`` times smaller than
      Kaiming's (``std = sqrt(2 / (3 C))``): ``M^c`` starts at 0.5 for every
      channel and frame, and the channel MLP's influence on it is scaled by
      both temporal convolutions' weights (``configs/w3/README.md``,
      "Synthetic where/when set"). ``init_fan='per_group'`` uses the fan-out
      of each group (``std = sqrt(2 / 3)`` for a depthwise kernel of 3);
      dense convolutions are initialised the same way by both.
    * ``gate_bias``: initial bias of the last layer before each of the two
      sigmoids that give ``M^c`` and ``M^s`` (0 by default, as every other
      bias). With 0 both masks start near 0.5, so the attended residual
      branch starts at about a quarter of its scale; a positive value
      starts the gates open (``sigmoid(2) = 0.88``), closer to the network
      without attention.
    * An activation (``act_cfg``) sits between the two temporal
      convolutions of each sub-module (without it they would collapse into
      one wider linear filter); the 3D network has ``st_channels`` hidden
      channels.

    The parameters are ``nn.Conv1d`` / ``nn.Conv2d`` / ``nn.Conv3d`` modules
    (checkpoint keys ``channel_mlp.*``, ``channel_temporal.*``,
    ``spatial_conv.*``, ``spatial_temporal.*``); the MLP and the temporal
    convolutions run in the faster, equivalent forms of :mod:`mmvb.ops`
    (matrix products, 2D convolutions over frames stacked with their
    neighbours, one-pass pooling and gating gradients).

    The ablation switches of the paper's Table 5 are ``with_spatial=False``
    ("w/o SA": channel-temporal attention only) and ``with_temporal=False``
    ("w/o TA": no temporal reasoning, i.e. ``M^c = M^c-frm`` and
    ``M^s = M^s-frm``).

    Args:
        in_channels (int): Channels ``C`` of the input.
        num_segments (int): Frames ``T`` per clip. Defaults to 8.
        reduction (int): Reduction ratio ``r`` of the channel MLP.
            Defaults to 16.
        temporal_kernel (int): Kernel ``K_c-vid`` of the 1D temporal
            convolutions. Defaults to 3.
        temporal_conv (str): ``'depthwise'`` or ``'dense'`` (see above).
            Defaults to ``'depthwise'``.
        spatial_kernel (int): Kernel of the frame-level spatial
            convolution. Defaults to 7.
        st_kernel (int): Kernel of the two 3D convolutions. Defaults to 3.
        st_channels (int): Hidden channels of the 3D network.
            Defaults to 8.
        with_spatial (bool): Apply spatio-temporal attention.
            Defaults to True.
        with_temporal (bool): Apply the temporal reasoning of both
            sub-modules. Defaults to True.
        act_cfg (dict): Activation inside the MLP and between the temporal
            convolutions. Defaults to ``dict(type='ReLU')``.
        gate_bias (float): Initial pre-sigmoid bias of ``M^c`` and ``M^s``
            (see above). Defaults to 0.
        init_fan (str): ``'torch'`` or ``'per_group'``: the fan-out of the
            Kaiming initialisation of grouped (depthwise) convolutions (see
            above). Defaults to ``'torch'``.
        init_cfg (dict, optional): Unused; see :meth:`init_weights`.
    """

    def __init__(self,
                 in_channels: int,
                 num_segments: int = 8,
                 reduction: int = 16,
                 temporal_kernel: int = 3,
                 temporal_conv: str = 'depthwise',
                 spatial_kernel: int = 7,
                 st_kernel: int = 3,
                 st_channels: int = 8,
                 with_spatial: bool = True,
                 with_temporal: bool = True,
                 act_cfg: ConfigType = dict(type='ReLU'),
                 gate_bias: float = 0.0,
                 init_fan: str = 'torch',
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_segments < 1 or in_channels < 1 or reduction < 1:
            raise ValueError('in_channels, num_segments and reduction must '
                             f'be positive, got {in_channels}, '
                             f'{num_segments} and {reduction}')
        for name, k in (('temporal_kernel', temporal_kernel), ('st_kernel',
                                                               st_kernel)):
            if k < 1 or k % 2 == 0:
                raise ValueError(f'{name} must be odd (same-length output '
                                 f'over time), got {k}')
        if temporal_conv not in ('dense', 'depthwise'):
            raise ValueError("temporal_conv must be 'dense' or 'depthwise', "
                             f'got {temporal_conv!r}')
        if init_fan not in ('torch', 'per_group'):
            raise ValueError("init_fan must be 'torch' or 'per_group', got "
                             f'{init_fan!r}')
        self.init_fan = init_fan
        self.gate_bias = float(gate_bias)
        self.in_channels = in_channels
        self.num_segments = num_segments
        self.with_spatial = with_spatial
        self.with_temporal = with_temporal

        # what (+ when): theta_c-frm and theta_c-vid
        self.channel_mlp = channel_mlp(in_channels, reduction, act_cfg)
        if with_temporal:
            groups = in_channels if temporal_conv == 'depthwise' else 1
            pad = temporal_kernel // 2
            self.channel_temporal = nn.Sequential(
                nn.Conv1d(
                    in_channels,
                    in_channels,
                    temporal_kernel,
                    padding=pad,
                    groups=groups), build_activation_layer(act_cfg),
                nn.Conv1d(
                    in_channels,
                    in_channels,
                    temporal_kernel,
                    padding=pad,
                    groups=groups))
        # where (+ when): theta_s-frm and theta_s-vid
        if with_spatial:
            self.spatial_conv = nn.Conv2d(
                2, 1, spatial_kernel, padding=spatial_kernel // 2)
            if with_temporal:
                pad = st_kernel // 2
                self.spatial_temporal = nn.Sequential(
                    nn.Conv3d(1, st_channels, st_kernel, padding=pad),
                    build_activation_layer(act_cfg),
                    nn.Conv3d(st_channels, 1, st_kernel, padding=pad))

    def init_weights(self) -> None:
        """Kaiming-normal convolutions (fan-out, ReLU gain), zero biases;
        grouped convolutions as ``init_fan`` says, the biases before the
        gates' sigmoids ``gate_bias``."""
        for m in self.modules():
            if not isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
                continue
            kaiming_init(m, mode='fan_out', nonlinearity='relu')
            if self.init_fan == 'per_group' and m.groups > 1:
                # std sqrt(2 / (C_out / groups * k)) instead of
                # sqrt(2 / (C_out * k)): the same draw, rescaled
                with torch.no_grad():
                    m.weight.mul_(math.sqrt(m.groups))
        if self.gate_bias:
            # the layers right before the sigmoids of M^c and M^s (the MLP's
            # output bias enters M^c-frm twice: avg and max descriptors)
            if self.with_temporal:
                last = [(self.channel_temporal[2].bias, 1.0)]
            else:
                last = [(self.channel_mlp[2].bias, 0.5)]
            if self.with_spatial:
                last.append(((self.spatial_temporal[2] if self.with_temporal
                              else self.spatial_conv).bias, 1.0))
            with torch.no_grad():
                for bias, share in last:
                    bias.fill_(self.gate_bias * share)

    def channel_attention(self, x: Tensor) -> Tensor:
        """``M^c`` (Eq. 3-4): ``[N * T, C, 1, 1]`` in ``(0, 1)``."""
        mask = torch.sigmoid(channel_descriptor(self.channel_mlp, x))
        if self.with_temporal:
            conv1, act, conv2 = self.channel_temporal
            # [N * T, C, 1, 1] -> [N, T, C] (a view: clip-major frames)
            seq = mask.view(-1, self.num_segments, self.in_channels)
            seq = conv1d_over_frames(seq, conv1.weight, conv1.bias,
                                     conv1.groups)
            seq = conv1d_over_frames(
                act(seq), conv2.weight, conv2.bias, conv2.groups)
            mask = torch.sigmoid(seq).view(mask.shape)
        return mask

    def spatial_attention(self, x: Tensor) -> Tensor:
        """``M^s`` (Eq. 5-6): ``[N * T, 1, H, W]`` in ``(0, 1)``."""
        mask = torch.sigmoid(self.spatial_conv(spatial_descriptor(x)))
        if self.with_temporal:
            conv1, act, conv2 = self.spatial_temporal
            # [N * T, 1, H, W] -> [N, T, 1, H, W] (a view)
            vol = mask.view(-1, self.num_segments, *mask.shape[1:])
            vol = conv3d_over_frames(vol, conv1.weight, conv1.bias)
            vol = conv3d_over_frames(act(vol), conv2.weight, conv2.bias)
            mask = torch.sigmoid(vol).view(mask.shape)
        return mask

    def forward(self, x: Tensor) -> Tensor:
        """Attend ``x`` ``[N * T, C, H, W]``; returns the same shape."""
        if x.dim() != 4 or x.size(1) != self.in_channels:
            raise ValueError(
                f'W3Attention expects [N * T, {self.in_channels}, H, W] '
                f'features, got shape {tuple(x.shape)}')
        if x.size(0) % self.num_segments:
            raise ValueError(
                f'W3Attention: the batch dimension {x.size(0)} is not a '
                f'multiple of num_segments={self.num_segments} (the '
                'frames of each clip must be contiguous: [N * T, C, H, W])')
        x = channel_gate(x, self.channel_attention(x))
        if self.with_spatial:
            mask = self.spatial_attention(x)
            record_attention_map(self, mask)
            x = x * mask
        return x
