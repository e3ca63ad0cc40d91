# Copyright (c) mmvb contributors. All rights reserved.
from mmaction.models.heads import TSNHead
from mmaction.registry import MODELS

from .autocast_head_mixin import AutocastHeadMixin


@MODELS.register_module()
class AutocastTSNHead(AutocastHeadMixin, TSNHead):
    """MMAction2's ``TSNHead`` that also trains under bfloat16 autocast.

    Same arguments, parameters (state-dict keys) and outputs as
    ``mmaction.models.TSNHead``; bfloat16 scores are cast to float32
    before the numpy accuracy of ``loss_by_feat`` (see
    :class:`~mmvb.models.heads.AutocastHeadMixin`). mmvb's configs use it
    in place of ``TSNHead``.
    """
