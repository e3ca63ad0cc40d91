# Copyright (c) mmvb contributors. All rights reserved.
import torch
import torch.nn.functional as F
from mmaction.registry import TASK_UTILS
from torch import Tensor

from .base_match_cost import BaseMatchCost


@TASK_UTILS.register_module()
class MultiLabelMatchCost(BaseMatchCost):
    """Multi-label (sigmoid) class cost of BMViT (Eq. 3).

    BMViT's class term is ``L_class = -sum_c a_c log p_c`` with ``a`` the
    target's multi-hot action vector and ``p = sigmoid(logits)`` (the paper
    swaps the ``i``/``j`` subscripts and prints the term with a minus sign
    in Eq. 3; the cost that makes sense, and the default here, is
    ``+L_class``). Modes, with ``P = sum_c a_c`` the number of positive
    classes of a target (at least 1) and ``C`` the number of classes:

    * ``'nll_sum'`` (default, Eq. 3 as printed):
      ``-sum_c a_c log p_c``.
    * ``'nll_mean'``: ``-(1 / P) sum_c a_c log p_c`` (does not favour
      targets with few labels).
    * ``'bce_mean'``: mean binary cross-entropy over all ``C`` classes,
      ``-(1 / C) sum_c [a_c log p_c + (1 - a_c) log(1 - p_c)]``.
    * ``'prob_mean'``: ``-(1 / P) sum_c a_c p_c`` (DETR-style probability
      cost).

    Each mode is one or two batched matrix products, computed with
    ``logsigmoid`` for numerical stability.

    Args:
        weight (float): Cost weight. Defaults to 1.
        mode (str): One of the modes above. Defaults to ``'nll_sum'``.
        pred_key (str): Key of the logits ``[B, Q, *E, C]``.
            Defaults to ``'cls_logits'``.
        target_key (str): Key of the multi-hot targets ``[B, G, C]``.
            Defaults to ``'labels'``.
    """

    modes = ('nll_sum', 'nll_mean', 'bce_mean', 'prob_mean')

    def __init__(self,
                 weight: float = 1.0,
                 mode: str = 'nll_sum',
                 pred_key: str = 'cls_logits',
                 target_key: str = 'labels') -> None:
        super().__init__(weight, pred_key, target_key)
        assert mode in self.modes, f'mode must be one of {self.modes}'
        self.mode = mode

    def compute(self, pred: Tensor, target: Tensor) -> Tensor:
        """Pairwise multi-label cost.

        Args:
            pred (Tensor): Logits ``[B, Q, *E, C]``.
            target (Tensor): Multi-hot ``[B, G, C]`` (0/1, any dtype).

        Returns:
            Tensor: ``[B, Q, G, *E]``.
        """
        target = target.to(pred.dtype)
        num_pos = target.sum(-1).clamp(min=1)  # [B, G]
        num_pos = num_pos.reshape(num_pos.shape[:1] + (1, ) +
                                  num_pos.shape[1:] + (1, ) *
                                  (pred.dim() - 3))  # [B, 1, G, *1]
        eq = 'bq...c,bgc->bqg...'
        if self.mode == 'prob_mean':
            return -torch.einsum(eq, pred.sigmoid(), target) / num_pos
        pos = torch.einsum(eq, F.logsigmoid(pred), target)
        if self.mode == 'nll_sum':
            return -pos
        if self.mode == 'nll_mean':
            return -pos / num_pos
        neg = torch.einsum(eq, F.logsigmoid(-pred), 1 - target)
        return -(pos + neg) / pred.size(-1)
