# Copyright (c) mmvb contributors. All rights reserved.
"""Audio Spectrogram Transformer (AST) backbone, the DATAR baseline."""
from typing import Optional, Sequence

from mmaction.registry import MODELS
from mmengine.logging import MMLogger
from mmengine.runner.checkpoint import CheckpointLoader
from mmpretrain.models.backbones import DistilledVisionTransformer
from torch import Tensor

from ..utils.ckpt_convert import vit_to_ast


@MODELS.register_module()
class AudioSpectrogramTransformer(DistilledVisionTransformer):
    """AST (`Gong et al., Interspeech 2021 <https://arxiv.org/abs/2104.
    01778>`_) on ``[N, 1, h, T]`` log-mel spectrograms (frequency = height).

    A DeiT (class + distillation tokens) whose patch embedding is a
    1-channel 16x16 convolution with **overlapping** strides
    ``(f_stride, t_stride)`` (10 x 10 in the paper: 12 x 101 = 1212 patches
    for 128 x 1024); the output is the mean of the final class and
    distillation tokens, returned as ``[N, C, 1, 1]`` so that MMAction2's
    audio heads pool it unchanged. Built on mmpretrain's
    :class:`DistilledVisionTransformer` (its key layout).

    Args:
        arch (str | dict): mmpretrain ViT arch. Defaults to ``'deit-base'``
            (AST's DeiT-B 384 backbone).
        input_size (Sequence[int]): ``(h, T)``. Defaults to (128, 1024).
        patch_size (int): Defaults to 16.
        strides (Sequence[int]): ``(f_stride, t_stride)``.
            Defaults to (10, 10).
        in_channels (int): Defaults to 1.
        pretrained (str, optional): An ImageNet ViT/DeiT checkpoint (timm
            or mmpretrain keys) converted by
            :func:`mmvb.models.utils.vit_to_ast` at ``init_weights``.
            Defaults to None.
        kwargs: Other :class:`DistilledVisionTransformer` arguments
            (``drop_path_rate``, ``init_cfg``, ...).
    """

    def __init__(self,
                 arch='deit-base',
                 input_size: Sequence[int] = (128, 1024),
                 patch_size: int = 16,
                 strides: Sequence[int] = (10, 10),
                 in_channels: int = 1,
                 pretrained: Optional[str] = None,
                 **kwargs) -> None:
        patch_cfg = dict(stride=tuple(strides), padding=0)
        patch_cfg.update(kwargs.pop('patch_cfg', {}))
        super().__init__(
            arch=arch,
            img_size=tuple(input_size),
            patch_size=patch_size,
            in_channels=in_channels,
            out_type='cls_token',
            patch_cfg=patch_cfg,
            **kwargs)
        self.pretrained = pretrained

    def init_weights(self) -> None:
        """Random init, then (with ``pretrained``) ImageNet weights."""
        super().init_weights()
        if self.pretrained is None:
            return
        ckpt = CheckpointLoader.load_checkpoint(
            self.pretrained, map_location='cpu')
        state_dict, report = vit_to_ast(ckpt, dict(self.named_parameters()),
                                        self.patch_resolution,
                                        self.num_extra_tokens)
        self.load_state_dict(state_dict, strict=False)
        MMLogger.get_current_instance().info(
            f'AST: loaded ImageNet weights from {self.pretrained}\n{report}')

    def forward(self, x: Tensor) -> Tensor:
        """``[N, 1, h, T]`` -> ``[N, C, 1, 1]`` (mean of the class and
        distillation tokens of the last layer)."""
        cls_token, dist_token = super().forward(x)[-1]
        return ((cls_token + dist_token) / 2)[:, :, None, None]
