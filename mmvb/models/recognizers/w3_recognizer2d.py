# Copyright (c) mmvb contributors. All rights reserved.
from typing import Optional, Tuple

from mmaction.models.recognizers import Recognizer2D
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType, SampleList
from torch import Tensor

from ..layers import collect_attention_maps


@MODELS.register_module()
class W3Recognizer2D(Recognizer2D):
    """2D recognizer with W3's stage-1 objective.

    `Knowing What, Where and When to Look
    <https://arxiv.org/abs/2004.01278>`_, Sec. 3.4: "we use the summation of
    cross-entropy classification loss and attention-guided feature
    refinement loss (Eq. (8)) in the first stage". Eq. 8 defines a feature,
    not a loss; the Discussion calls the refinement pathway "a form of deep
    supervision". mmvb reads the AFR loss as that deep supervision: the
    classification loss of the recognizer's own head applied to the
    refining map ``f_ref(M^ms)`` alone (the attention pathway's additive
    contribution to the refined feature ``y = x + f_ref(M^ms)``), so every
    attention module gets a loss of its own through the refinement. No
    parameters are added (the head is shared).

    ``loss`` returns the head's losses plus, with ``afr_loss_weight > 0``,
    ``loss_afr_<name>`` for each ``loss_<name>`` of the head on the
    refining map, times ``afr_loss_weight``. With ``afr_loss_weight=0``
    (default) it is :class:`Recognizer2D`. Prediction is always the plain
    ``Recognizer2D`` path.

    Args:
        backbone (dict): Backbone config; with ``afr_loss_weight > 0`` a
            :class:`~mmvb.models.backbones.ResNetTSMW3` with
            ``with_afr=True``.
        cls_head (dict, optional): Classification head config.
        afr_loss_weight (float): Weight of the AFR loss; 0 disables it.
            Defaults to 0.
        neck (dict, optional): Not supported with the AFR loss.
        train_cfg (dict, optional): As ``Recognizer2D``.
        test_cfg (dict, optional): As ``Recognizer2D``.
        data_preprocessor (dict, optional): As ``Recognizer2D``.
    """

    def __init__(self,
                 backbone: ConfigType,
                 cls_head: OptConfigType = None,
                 afr_loss_weight: float = 0.0,
                 neck: OptConfigType = None,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None) -> None:
        super().__init__(
            backbone,
            cls_head=cls_head,
            neck=neck,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor)
        if afr_loss_weight < 0:
            raise ValueError(
                f'afr_loss_weight must be >= 0, got {afr_loss_weight}')
        self.afr_loss_weight = float(afr_loss_weight)
        if self.afr_loss_weight > 0:
            if not (getattr(self.backbone, 'with_afr', False)
                    and hasattr(self.backbone, 'refinement')):
                raise ValueError(
                    'afr_loss_weight > 0 supervises the attention-guided '
                    'feature refinement: the backbone must be a ResNetTSMW3 '
                    f'with with_afr=True, got {type(self.backbone).__name__}'
                    f' with with_afr='
                    f'{getattr(self.backbone, "with_afr", None)}')
            if self.with_neck:
                raise ValueError('the AFR loss supervises the backbone '
                                 'output directly and supports no neck')

    @staticmethod
    def _last(feats) -> Tensor:
        return feats[-1] if isinstance(feats, (tuple, list)) else feats

    def extract_feat_and_refinement(
            self, inputs: Tensor,
            data_samples: SampleList) -> Tuple[Tensor, dict, Optional[Tensor]]:
        """Training features and, with the AFR loss on, the refining map.

        Returns:
            tuple: ``extract_feat``'s features and keyword arguments, and
            ``f_ref(M^ms)`` ``[N * T, C_l, H_l, W_l]`` (None with
            ``afr_loss_weight=0``).
        """
        if self.afr_loss_weight == 0:
            feats, kwargs = self.extract_feat(
                inputs, data_samples=data_samples)
            return feats, kwargs, None
        with collect_attention_maps() as maps:
            feats, kwargs = self.extract_feat(
                inputs, data_samples=data_samples)
        refinement = self.backbone.refinement(
            dict(maps),
            self._last(feats).shape[-2:])
        return feats, kwargs, refinement

    def afr_loss(self, refinement: Tensor, data_samples: SampleList,
                 **kwargs) -> dict:
        """The head's losses on the refining map, renamed and weighted."""
        losses = self.cls_head.loss(refinement, data_samples, **kwargs)
        return {
            'loss_afr' + key[len('loss'):]: value * self.afr_loss_weight
            for key, value in losses.items() if key.startswith('loss')
        }

    def loss(self, inputs: Tensor, data_samples: SampleList, **kwargs) -> dict:
        """Classification losses plus the AFR loss (when enabled).

        Args:
            inputs (Tensor): ``[N, T, C, H, W]`` clips.
            data_samples (list[ActionDataSample]): With ``gt_label``.

        Returns:
            dict: The head's losses (and ``loss_afr_*``).
        """
        feats, loss_kwargs, refinement = self.extract_feat_and_refinement(
            inputs, data_samples)
        losses = self.cls_head.loss(feats, data_samples, **loss_kwargs)
        losses.update(loss_kwargs.get('loss_aux', dict()))
        if refinement is not None:
            losses.update(
                self.afr_loss(refinement, data_samples, **loss_kwargs))
        return losses
