# Copyright (c) mmvb contributors. All rights reserved.
from typing import Dict

import torch
from mmaction.utils import SampleList


class AutocastHeadMixin:
    """Let an MMAction2 ``BaseHead`` compute its loss under bf16 autocast.

    ``mmaction2 1.2.0``'s ``BaseHead.loss_by_feat`` computes the logged
    top-k accuracies with numpy (``cls_scores.detach().cpu().numpy()``),
    which has no bfloat16, so every MMAction2 head fails under bfloat16
    autocast (``--amp`` on CPU, which uses
    :class:`~mmvb.engine.AutocastOptimWrapper`, or
    ``AmpOptimWrapper(dtype='bfloat16')`` on GPU). With this mixin before
    the head class, bfloat16 scores are cast to float32 first. The loss is
    unchanged: ``CrossEntropyLoss`` runs in float32 under autocast anyway.
    :class:`~mmvb.models.AutocastTSMHead`,
    :class:`~mmvb.models.AutocastTSNHead` and
    :class:`~mmvb.models.AutocastTSNAudioHead` add it to MMAction2's heads
    for mmvb's configs; mmvb's own ``BaseHead`` subclasses have it.
    *Remove when* MMAction2 casts the scores before ``.numpy()``.
    """

    def loss_by_feat(self, cls_scores: torch.Tensor,
                     data_samples: SampleList) -> Dict:
        """``super().loss_by_feat`` on float32 copies of bfloat16 scores.

        Args:
            cls_scores (torch.Tensor): ``[B, num_classes]`` class scores.
            data_samples (list[ActionDataSample]): With ``gt_label``.

        Returns:
            dict: The head's losses and ``top{k}_acc`` entries.
        """
        if isinstance(cls_scores, torch.Tensor) and \
                cls_scores.dtype == torch.bfloat16:
            cls_scores = cls_scores.float()
        return super().loss_by_feat(cls_scores, data_samples)
