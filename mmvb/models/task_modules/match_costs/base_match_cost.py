# Copyright (c) mmvb contributors. All rights reserved.
from abc import ABCMeta, abstractmethod
from typing import Dict

from torch import Tensor


class BaseMatchCost(metaclass=ABCMeta):
    """Base class of the pairwise costs of :class:`HungarianMatcher`.

    A cost reads one prediction tensor ``preds[pred_key]`` of shape
    ``[B, Q, *E, D]`` and one target tensor ``targets[target_key]`` of shape
    ``[B, G, ...]`` (targets padded to the largest ``G`` of the batch) and
    returns the pairwise cost ``[B, Q, G, *E]``, already multiplied by
    ``weight``. ``E`` are extra axes shared by predictions and targets,
    e.g. the ``T`` frames of InstBlink's query tubes; the matcher averages
    them over the frames where a target exists. Every cost is one batched
    tensor expression (no loop over samples, queries or targets).

    Args:
        weight (float): Multiplier of the cost. Defaults to 1.
        pred_key (str): Key of the prediction tensor.
        target_key (str): Key of the target tensor.
    """

    def __init__(self, weight: float, pred_key: str, target_key: str) -> None:
        self.weight = float(weight)
        self.pred_key = pred_key
        self.target_key = target_key

    @abstractmethod
    def compute(self, pred: Tensor, target: Tensor) -> Tensor:
        """Unweighted pairwise cost.

        Args:
            pred (Tensor): Predictions ``[B, Q, *E, D]``.
            target (Tensor): Padded targets ``[B, G, ...]``.

        Returns:
            Tensor: Cost ``[B, Q, G, *E]``.
        """

    def __call__(self, preds: Dict[str, Tensor],
                 targets: Dict[str, Tensor]) -> Tensor:
        """Weighted pairwise cost.

        Args:
            preds (dict[str, Tensor]): Batched predictions.
            targets (dict[str, Tensor]): Padded batched targets.

        Returns:
            Tensor: ``weight * compute(...)``, ``[B, Q, G, *E]``.
        """
        return self.weight * self.compute(preds[self.pred_key],
                                          targets[self.target_key])

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(weight={self.weight}, '
                f'pred_key={self.pred_key!r}, '
                f'target_key={self.target_key!r})')
