# Copyright (c) mmvb contributors. All rights reserved.
from typing import Dict, Optional, Tuple, Union

import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction.utils import ConfigType, OptConfigType, OptSampleList
from mmengine.model import BaseModel
from torch import Tensor

from mmvb.utils import host_to_device
from mmvb.utils.compat import import_mmpretrain_models


@MODELS.register_module()
class InstBlink(BaseModel):
    """InstBlink: one-stage multi-person eyeblink detection.

    `Real-time Multi-person Eyeblink Detection in the Wild for Untrimmed
    Video <https://arxiv.org/abs/2303.16053>`_ (Zeng et al., CVPR 2023).

    A clip ``[B, T, 3, H, W]`` is flattened to ``B * T`` frames for the
    backbone (e.g. mmpretrain's ``ResNet``) and the neck (e.g.
    :class:`~mmvb.models.FPNNeck`, P2-P5); the
    :class:`~mmvb.models.InstBlinkHead` detects, tracks (one query = one
    face tube over the clip) and scores blinks per frame. Long videos are
    handled clip by clip by :mod:`mmvb.apis.instblink_inference`.

    Modes of :meth:`forward`: ``'loss'`` (dict of losses), ``'predict'``
    (data samples with ``pred_instances`` of the clip, see
    :meth:`InstBlinkHead.predict`) and ``'tensor'`` (last-stage logits and
    boxes, the network alone, used for speed measurements). None of them
    makes the host wait for the device, except the one copy of the matching
    costs per training step (see :class:`~mmvb.models.InstBlinkHead`).

    Args:
        backbone (dict): Per-frame backbone returning multi-level maps.
        neck (dict): Pyramid neck.
        head (dict): :class:`~mmvb.models.InstBlinkHead` config.
        data_preprocessor (dict, optional): Defaults to
            :class:`~mmvb.models.PaddedActionDataPreprocessor` with the
            ImageNet mean/std.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 backbone: ConfigType,
                 neck: ConfigType,
                 head: ConfigType,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='PaddedActionDataPreprocessor',
                mean=[123.675, 116.28, 103.53],
                std=[58.395, 57.12, 57.375],
                format_shape='NCHW',
                pad_size_divisor=32)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if str(backbone.get('type', '')).startswith('mmpretrain.'):
            import_mmpretrain_models()
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck)
        self.head = MODELS.build(head)

    def extract_feat(self, inputs: Tensor) -> Tuple[Tensor]:
        """FPN maps ``[B * T, C, H_l, W_l]`` of clips ``[B, T, 3, H, W]``."""
        assert inputs.dim() == 5, \
            f'InstBlink takes [B, T, 3, H, W] clips, got {inputs.shape}'
        return self.neck(self.backbone(inputs.flatten(0, 1)))

    @staticmethod
    def _img_whwh(inputs: Tensor, data_samples: OptSampleList) -> Tensor:
        """``[B, 4]`` unpadded image sizes from ``img_shape`` (or the input
        size when no data samples are given).

        The sizes are host values: they reach the device through pinned
        memory (:func:`mmvb.utils.host_to_device`), so the host does not
        wait for the device here.
        """
        b = inputs.size(0)
        h, w = inputs.shape[-2:]
        sizes = [[w, h, w, h]] * b
        if data_samples:
            sizes = []
            for sample in data_samples:
                h, w = sample.metainfo.get('img_shape', inputs.shape[-2:])
                sizes.append([w, h, w, h])
        return host_to_device(sizes, inputs.device, torch.float32)

    def forward(self,
                inputs: Tensor,
                data_samples: OptSampleList = None,
                mode: str = 'tensor') -> Union[Dict[str, Tensor], list]:
        """See the class docstring."""
        whwh = self._img_whwh(inputs, data_samples)
        feats = self.extract_feat(inputs)
        if mode == 'loss':
            return self.head.loss(feats, data_samples, whwh)
        if mode == 'predict':
            preds = self.head.predict(feats, data_samples, whwh)
            for sample, pred in zip(data_samples, preds):
                sample.pred_instances = pred
            return data_samples
        if mode == 'tensor':
            return self.head.tensor_forward(feats, inputs.size(0), whwh)
        raise RuntimeError(f'Invalid mode "{mode}". Only supports loss, '
                           'predict and tensor mode')

    @torch.no_grad()
    def predict_clip(self,
                     clip: Tensor,
                     img_shape: Optional[Tuple[int, int]] = None,
                     scale_factor: Tuple[float, float] = (1.0, 1.0)):
        """Predict one raw clip (used by long-video inference and demos).

        Args:
            clip (Tensor): ``[T, 3, H, W]`` RGB frames (uint8 or float, the
                layout the data preprocessor expects).
            img_shape (tuple[int, int], optional): Unpadded ``(h, w)``.
                Defaults to the clip size.
            scale_factor (tuple[float, float]): ``(sx, sy)`` from original
                frames to ``clip``. Defaults to ``(1, 1)``.

        Returns:
            InstanceData: See :meth:`InstBlinkHead.predict`.
        """
        sample = ActionDataSample()
        sample.set_metainfo(
            dict(
                img_shape=img_shape or tuple(clip.shape[-2:]),
                scale_factor=scale_factor))
        data = self.data_preprocessor(
            dict(inputs=[clip], data_samples=[sample]), False)
        return self(
            data['inputs'], data['data_samples'],
            mode='predict')[0].pred_instances
