# Copyright (c) mmvb contributors. All rights reserved.
from mmaction.registry import TASK_UTILS
from torch import Tensor

from .base_match_cost import BaseMatchCost


@TASK_UTILS.register_module()
class FocalMatchCost(BaseMatchCost):
    """Sigmoid focal-loss classification cost (Deformable DETR style).

    With ``p = sigmoid(logit)`` at the target's class column::

        pos  = -alpha * (1 - p) ** gamma * log(p + eps)
        neg  = -(1 - alpha) * p ** gamma * log(1 - p + eps)
        cost = pos - neg

    This is the ``focal_cost`` of InstBlink's ``TeViTHungarianAssigner``
    (weight 2, alpha 0.25, gamma 2, eps 1e-12; ``configs/instblink/
    instblink_r50.py``, wenzhengzeng/MPEblink@ee9a44f)
    and mmdet's ``FocalLossCost``.

    Args:
        weight (float): Cost weight. Defaults to 1.
        alpha (float): Focal alpha. Defaults to 0.25.
        gamma (float): Focal gamma. Defaults to 2.
        eps (float): Added inside the logs. Defaults to 1e-12.
        pred_key (str): Key of the logits ``[B, Q, *E, K]``.
            Defaults to ``'cls_logits'``.
        target_key (str): Key of the class indices ``[B, G]`` (or
            per-frame ``[B, G, *E]``). Defaults to ``'labels'``.
    """

    def __init__(self,
                 weight: float = 1.0,
                 alpha: float = 0.25,
                 gamma: float = 2.0,
                 eps: float = 1e-12,
                 pred_key: str = 'cls_logits',
                 target_key: str = 'labels') -> None:
        super().__init__(weight, pred_key, target_key)
        self.alpha = alpha
        self.gamma = gamma
        self.eps = eps

    def compute(self, pred: Tensor, target: Tensor) -> Tensor:
        """Focal cost at each target's class.

        Args:
            pred (Tensor): Logits ``[B, Q, *E, K]``.
            target (Tensor): Class indices ``[B, G]`` or ``[B, G, *E]``
                (long; padded entries may hold any value in ``[0, K)``).

        Returns:
            Tensor: ``[B, Q, G, *E]``.
        """
        prob = pred.sigmoid()
        log_p = (prob + self.eps).log()
        log_q = (1 - prob + self.eps).log()
        pos = -self.alpha * (1 - prob).pow(self.gamma) * log_p
        neg = -(1 - self.alpha) * prob.pow(self.gamma) * log_q
        diff = (pos - neg).movedim(-1, 2)  # [B, Q, K, *E]
        b, q = diff.shape[:2]
        extra = diff.shape[3:]
        index = target.long().unsqueeze(1)  # [B, 1, G(, *E)]
        index = index.reshape(index.shape + (1, ) * (diff.dim() - index.dim()))
        index = index.expand((b, q, index.shape[2]) + extra)
        return diff.gather(2, index)
