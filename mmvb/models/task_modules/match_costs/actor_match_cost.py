# Copyright (c) mmvb contributors. All rights reserved.
from mmaction.registry import TASK_UTILS
from torch import Tensor

from .base_match_cost import BaseMatchCost


@TASK_UTILS.register_module()
class ActorMatchCost(BaseMatchCost):
    """Binary "actor" likelihood cost of BMViT.

    BMViT (Eq. 3) uses ``L_actor = -alpha_j log p(alpha_i)``, and every
    ground-truth instance is an actor (``alpha_j = 1``), so the cost of
    prediction ``i`` is ``-log p_i`` for every target (``mode='log'``;
    Eq. 3 prints this term with a minus sign, which would reward
    *unlikely* actors, so the sign is read as a typo). DETR and TubeR's
    AVA matcher use ``-p_i`` instead (``mode='prob'``). ``p`` is
    ``softmax(logits)[..., positive_index]`` for a 2-way head, or
    ``sigmoid(logit)`` with ``use_sigmoid=True``.

    Args:
        weight (float): Cost weight. Defaults to 1.
        mode (str): ``'log'`` (``-log(p + eps)``) or ``'prob'`` (``-p``).
            Defaults to ``'log'``.
        use_sigmoid (bool): The logits are one sigmoid logit ``[..., 1]``
            instead of 2-way softmax logits. Defaults to False.
        positive_index (int): Index of "actor" among the softmax logits.
            Defaults to 1.
        eps (float): Added inside the log. Defaults to 1e-8.
        pred_key (str): Key of the logits ``[B, Q, *E, 2]`` (or ``1``).
            Defaults to ``'actor_logits'``.
        target_key (str): Key of any per-target tensor ``[B, G, ...]``;
            only its size ``G`` is used. Defaults to ``'boxes'``.
    """

    def __init__(self,
                 weight: float = 1.0,
                 mode: str = 'log',
                 use_sigmoid: bool = False,
                 positive_index: int = 1,
                 eps: float = 1e-8,
                 pred_key: str = 'actor_logits',
                 target_key: str = 'boxes') -> None:
        super().__init__(weight, pred_key, target_key)
        assert mode in ('log', 'prob'), f'mode must be log or prob: {mode}'
        self.mode = mode
        self.use_sigmoid = use_sigmoid
        self.positive_index = positive_index
        self.eps = eps

    def compute(self, pred: Tensor, target: Tensor) -> Tensor:
        """Actor cost, the same for every target.

        Args:
            pred (Tensor): Logits ``[B, Q, *E, 2]`` (``[B, Q, *E, 1]`` with
                ``use_sigmoid``).
            target (Tensor): Any ``[B, G, ...]`` tensor.

        Returns:
            Tensor: ``[B, Q, G, *E]``.
        """
        if self.use_sigmoid:
            assert pred.size(-1) == 1, 'use_sigmoid needs [..., 1] logits'
            prob = pred[..., 0].sigmoid()
        else:
            prob = pred.softmax(-1)[..., self.positive_index]
        cost = -(prob + self.eps).log() if self.mode == 'log' else -prob
        cost = cost.unsqueeze(2)  # [B, Q, 1, *E]
        shape = list(cost.shape)
        shape[2] = target.shape[1]
        return cost.expand(shape)
