# Copyright (c) mmvb contributors. All rights reserved.
from typing import Dict, Tuple, Union

from mmaction.registry import MODELS
from mmaction.utils import (ConfigType, OptConfigType, OptMultiConfig,
                            OptSampleList, SampleList)
from mmengine.model import BaseModel
from torch import Tensor


@MODELS.register_module()
class BMViTLocalizer(BaseModel):
    """Single-stage spatio-temporal action localizer without queries.

    BMViT (`Multiscale Vision Transformers meet Bipartite Matching for
    efficient single-stage Action Localization
    <https://arxiv.org/abs/2312.17686>`_): a video transformer whose output
    tokens are matched one-to-one to the actors of the key frame
    (``backbone`` -> :class:`~mmvb.models.BMViTHead`). No proposals, no RoI
    pooling, no decoder.

    Inputs are clips ``[B, 3, T, H, W]`` as produced by MMAction2's
    ``FormatShape('NCTHW', collapse=True)`` and ``ActionDataPreprocessor``
    (``[B, 1, 3, T, H, W]`` is accepted too). Training samples carry
    ``gt_instances`` (``bboxes`` in input pixels, multi-hot ``labels``) as
    MMAction2's ``AVADataset`` pipeline packs them; predictions are written
    to ``pred_instances`` in the format of MMAction2's ``AVAMetric``.

    Args:
        backbone (dict): Backbone config, e.g.
            :class:`~mmvb.models.BMViTBackbone`; its last output is used.
        head (dict): :class:`~mmvb.models.BMViTHead` config.
        data_preprocessor (dict, optional): Defaults to
            ``ActionDataPreprocessor`` with ``format_shape='NCTHW'`` and no
            normalisation.
        init_cfg (dict or list[dict], optional): Initialization config.
    """

    def __init__(self,
                 backbone: ConfigType,
                 head: ConfigType,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptMultiConfig = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='ActionDataPreprocessor', format_shape='NCTHW')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.head = MODELS.build(head)

    def extract_feat(self, inputs: Tensor) -> Tensor:
        """Backbone tokens ``[B, C, t, h, w]`` of clips ``[B, 3, T, H, W]``
        (or ``[B, 1, 3, T, H, W]``)."""
        if inputs.dim() == 6:
            assert inputs.size(1) == 1, \
                'BMViTLocalizer takes one clip per sample; use ' \
                "FormatShape('NCTHW', collapse=True)"
            inputs = inputs.squeeze(1)
        feats = self.backbone(inputs)
        if isinstance(feats, (tuple, list)):
            feats = feats[-1]
        if isinstance(feats, (tuple, list)):  # [patch tokens, cls token]
            feats = feats[0]
        return feats

    def loss(self, inputs: Tensor, data_samples: SampleList) -> Dict:
        """Hungarian loss (see :meth:`BMViTHead.loss`)."""
        return self.head.loss(
            self.extract_feat(inputs), data_samples, inputs.shape[-2:])

    def predict(self, inputs: Tensor, data_samples: SampleList) -> SampleList:
        """Detections written to each sample's ``pred_instances``."""
        results = self.head.predict(
            self.extract_feat(inputs), data_samples, inputs.shape[-2:])
        for sample, result in zip(data_samples, results):
            sample.pred_instances = result
        return data_samples

    def _forward(self, inputs: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        """Raw head outputs ``(boxes, actor_logits, cls_logits)``."""
        preds = self.head(self.extract_feat(inputs))
        return preds['boxes'], preds['actor_logits'], preds['cls_logits']

    def forward(self,
                inputs: Tensor,
                data_samples: OptSampleList = None,
                mode: str = 'tensor') -> Union[Dict, SampleList, Tuple]:
        """``mode``: ``'loss'``, ``'predict'`` or ``'tensor'``."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self._forward(inputs)
        raise RuntimeError(f'Invalid mode "{mode}". Only supports loss, '
                           'predict and tensor mode')
