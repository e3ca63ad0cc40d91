# Copyright (c) mmvb contributors. All rights reserved.
from typing import List, Tuple

import torch.nn.functional as F
from mmaction.models import ActionDataPreprocessor
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from torch import Tensor


@MODELS.register_module()
class PaddedActionDataPreprocessor(ActionDataPreprocessor):
    """``ActionDataPreprocessor`` that also pads frames to a size multiple.

    Normalisation first, then zero padding at the bottom and right so that
    ``H`` and ``W`` are multiples of ``pad_size_divisor`` (mmdet's
    ``Normalize`` + ``Pad(size_divisor=32)`` order, used by InstBlink:
    640x360 frames become 640x384 network inputs while boxes keep the
    unpadded ``img_shape``).

    Args:
        pad_size_divisor (int): Size multiple. Defaults to 32.
        **kwargs: :class:`mmaction.models.ActionDataPreprocessor` arguments.
    """

    def __init__(self, pad_size_divisor: int = 32, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pad_size_divisor = pad_size_divisor

    def preprocess(self,
                   inputs: List[Tensor],
                   data_samples: SampleList,
                   training: bool = False) -> Tuple[Tensor, SampleList]:
        """Normalise (base class), then pad ``H`` and ``W``."""
        batch_inputs, data_samples = super().preprocess(
            inputs, data_samples, training)
        d = self.pad_size_divisor
        h, w = batch_inputs.shape[-2:]
        pad_h, pad_w = (-h) % d, (-w) % d
        if pad_h or pad_w:
            batch_inputs = F.pad(batch_inputs, (0, pad_w, 0, pad_h))
        return batch_inputs, data_samples
