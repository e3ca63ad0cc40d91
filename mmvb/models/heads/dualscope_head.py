# Copyright (c) mmvb contributors. All rights reserved.
from typing import Dict, Optional, Sequence

import torch
from mmaction.models.heads import BaseHead
from mmaction.registry import MODELS
from mmaction.utils import ConfigType
from mmengine.model.weight_init import normal_init
from torch import Tensor, nn

from ..layers import (DynamicDifferenceExtractor, FineGrainedMotionEncoder,
                      SATPMBlock)
from .autocast_head_mixin import AutocastHeadMixin


@MODELS.register_module()
class DualScopeHead(AutocastHeadMixin, BaseHead):
    """DualScope's temporal scope and classifier.

    `DualScope: Capturing Critical Spatial and Temporal Cues for Distracted
    Driving Activity Recognition` (Qiu, Li et al.): the Saliency-Aware
    Fine-to-Coarse Temporal Modelling module on per-frame features ``X``
    (``[N, T, C]``), then the classifier::

        Y_0 = FGME(X)             Z = DDE(X)
        Y_b = SATPMBlock_b(Y_{b-1}, Z),  step p_b = b,  b = 1..B
        logits = Linear(mean_t(Y_1 + ... + Y_B))

    Table 4 ablations: ``num_blocks=0`` is "FGME only" (FGME, pooling,
    classifier; no DDE), ``with_dde=False`` is "w/o DDE" (the blocks attend
    with their own features as queries), ``with_fgme=False`` is "w/o FGME"
    (``Y_0`` is a linear map of ``X``), ``num_blocks`` 1-4 the pyramid
    depth.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Frame feature channels ``C`` (1024 for CLIP
            ViT-L/14's class token).
        embed_dims (int): ``D``. Defaults to 256.
        num_blocks (int): SATPM blocks ``B``. Defaults to 3.
        steps (Sequence[int], optional): Step size of each block; None is
            ``1, 2, ..., B`` (the paper). Defaults to None.
        with_fgme (bool): Temporal convolution in FGME. Defaults to True.
        with_dde (bool): DDE queries in SATPM. Defaults to True.
        feedforward_channels (int): Hidden size of the SATPM MLPs.
            Defaults to 1024.
        mamba_cfg (dict, optional): Extra :class:`BiMamba` arguments.
            Defaults to None (``d_state=16, d_conv=4, expand=2``).
        mamba_per_subsequence (bool): A BiMamba per subsequence in each
            SATPM block instead of one shared (see
            :class:`SATPMBlock`). Defaults to False.
        dropout_ratio (float): Dropout before the classifier.
            Defaults to 0.
        init_std (float): Std of the classifier's normal init.
            Defaults to 0.01.
        loss_cls (dict): Loss config. Defaults to
            ``dict(type='CrossEntropyLoss')``.
        average_clips (str, optional): How test views are averaged
            (``'prob'``, ``'score'`` or None). Defaults to ``'prob'``.
        kwargs: Other :class:`mmaction.models.BaseHead` arguments.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 embed_dims: int = 256,
                 num_blocks: int = 3,
                 steps: Optional[Sequence[int]] = None,
                 with_fgme: bool = True,
                 with_dde: bool = True,
                 feedforward_channels: int = 1024,
                 mamba_cfg: Optional[Dict] = None,
                 mamba_per_subsequence: bool = False,
                 dropout_ratio: float = 0.,
                 init_std: float = 0.01,
                 loss_cls: ConfigType = dict(type='CrossEntropyLoss'),
                 average_clips: Optional[str] = 'prob',
                 **kwargs) -> None:
        super().__init__(
            num_classes,
            in_channels,
            loss_cls=loss_cls,
            average_clips=average_clips,
            **kwargs)
        steps = tuple(range(1, num_blocks + 1)) if steps is None \
            else tuple(steps)
        assert len(steps) == num_blocks, \
            f'{num_blocks} blocks but {len(steps)} steps: {steps}'
        self.embed_dims = embed_dims
        self.init_std = init_std
        self.fgme = FineGrainedMotionEncoder(in_channels, embed_dims,
                                             with_fgme)
        # "FGME only" has no SATPM, hence nothing to query with DDE.
        self.dde = DynamicDifferenceExtractor(in_channels, embed_dims) \
            if with_dde and num_blocks > 0 else None
        self.blocks = nn.ModuleList(
            SATPMBlock(
                embed_dims,
                step=step,
                feedforward_channels=feedforward_channels,
                mamba_cfg=mamba_cfg,
                mamba_per_subsequence=mamba_per_subsequence) for step in steps)
        self.dropout = nn.Dropout(dropout_ratio) if dropout_ratio > 0 \
            else nn.Identity()
        self.fc_cls = nn.Linear(embed_dims, num_classes)

    def init_weights(self) -> None:
        """Initialize the sub-modules, then the classifier (normal)."""
        super().init_weights()
        normal_init(self.fc_cls, std=self.init_std)

    def forward_embedding(self, x: Tensor) -> Tensor:
        """Clip embeddings: the summed SATPM outputs (or the FGME output
        without blocks), averaged over time.

        Args:
            x (Tensor): Frame features ``[N, T, C]``.

        Returns:
            Tensor: ``[N, D]``.
        """
        assert x.dim() == 3, f'expected [N, T, C] features, got {x.shape}'
        y = self.fgme(x)
        if not self.blocks:
            return y.mean(dim=1)
        queries = self.dde(x) if self.dde is not None else None
        total = torch.zeros_like(y)
        for block in self.blocks:
            y = block(y, queries)
            total = total + y
        return total.mean(dim=1)

    def forward(self, x: Tensor, **kwargs) -> Tensor:
        """Frame features ``[N, T, C]`` -> class scores ``[N, num_classes]``.
        """
        return self.fc_cls(self.dropout(self.forward_embedding(x)))
