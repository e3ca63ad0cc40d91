# Copyright (c) mmvb contributors. All rights reserved.
from typing import List, Tuple

import torch
from mmaction.models import ActionDataPreprocessor
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.model import stack_batch


@MODELS.register_module()
class FrameFeatureDataPreprocessor(ActionDataPreprocessor):
    """:class:`mmaction.models.ActionDataPreprocessor` that also passes
    cached frame features through.

    A sample whose input has at most 3 dims is taken as features
    (``[num_clips, T, C]`` or ``[T, C]``): the batch is only stacked and cast
    to float32, never normalised or colour-converted. Frame inputs (more
    dims) go through the parent's normalisation as usual, so one model
    config serves both end-to-end training and training on cached features.
    """

    def preprocess(self,
                   inputs: List[torch.Tensor],
                   data_samples: SampleList,
                   training: bool = False) -> Tuple:
        if inputs[0].dim() <= 3:
            return stack_batch(inputs).float(), data_samples
        return super().preprocess(inputs, data_samples, training)
