# Copyright (c) mmvb contributors. All rights reserved.
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmaction.registry import TASK_UTILS
from mmaction.utils import ConfigType
from scipy.optimize import linear_sum_assignment
from torch import Tensor

from mmvb.utils import host_to_device
from .match_costs import BaseMatchCost

TensorDict = Dict[str, Tensor]
TargetType = Union[Sequence[TensorDict], TensorDict]
MatchResult = List[Tuple[Tensor, Tensor]]


def pad_targets(targets: Sequence[TensorDict]) -> Tuple[TensorDict, Tensor]:
    """Stack per-sample targets into zero-padded batch tensors.

    Args:
        targets (Sequence[dict[str, Tensor]]): One dict per sample; every
            tensor has the sample's number of targets ``G_b`` as its first
            dimension and all samples have the same keys and trailing
            shapes.

    Returns:
        tuple[dict[str, Tensor], Tensor]: The padded targets, each
        ``[B, G, ...]`` with ``G = max_b G_b`` (padding is 0 / False), and
        the mask ``[B, G]`` (bool) of real targets.
    """
    assert len(targets) > 0, 'targets must hold at least one sample'
    keys = list(targets[0].keys())
    assert keys, 'each target dict needs at least one tensor'
    sizes = [int(t[keys[0]].shape[0]) for t in targets]
    num = max(sizes)
    padded = {}
    for key in keys:
        ref = targets[0][key]
        out = ref.new_zeros((len(targets), num) + tuple(ref.shape[1:]))
        for b, t in enumerate(targets):
            assert t[key].shape[0] == sizes[b], \
                f'targets[{b}][{key!r}] has {t[key].shape[0]} rows, ' \
                f'expected {sizes[b]}'
            out[b, :sizes[b]] = t[key]
        padded[key] = out
    # Filled slice by slice: no tensor made from the host-side sizes.
    mask = torch.zeros((len(targets), num),
                       dtype=torch.bool,
                       device=targets[0][keys[0]].device)
    for b, size in enumerate(sizes):
        mask[b, :size] = True
    return padded, mask


@TASK_UTILS.register_module()
class HungarianMatcher:
    """Batched one-to-one matching of predictions and targets.

    The bipartite matching of DETR (Carion et al., ECCV 2020), of BMViT
    (tokens to ground-truth actors of the key frame, Eq. 3 of the paper)
    and of InstBlink (query tubes to ground-truth face tracklets over the
    ``T`` frames of a clip; ``TeViTHungarianAssigner`` in
    ``mmdet/core/bbox/assigners/tevit_hungarian_assigner.py``,
    wenzhengzeng/MPEblink@ee9a44f).

    The total cost is the sum of the weighted ``costs``, each computed for
    the whole batch in one tensor expression, giving ``[B, Q, G]`` or, for
    tubes, ``[B, Q, G, T]``. Each tube cost is reduced to ``[B, Q, G]`` by
    a mean over the frames where the target exists (``targets[valid_key]``,
    ``[B, G, T]``; a plain mean over ``T`` when the key is absent); as the
    mean is linear, the sum equals the official InstBlink assigner's::

        C[q, g] = sum_t valid[g, t] * C_t[q, g] / sum_t valid[g, t]

    (0 for a target present in no frame), and clip-level (``[B, Q, G]``)
    and frame-level terms can be mixed. Padded target columns are set to 0
    and never reach the assignment. Only
    ``scipy.optimize.linear_sum_assignment`` runs per sample, on the CPU.

    Inputs are dicts of tensors whose keys the costs name (``pred_key`` /
    ``target_key``): predictions ``[B, Q, *E, D]``; targets either one dict
    per sample (``[G_b, ...]``, padded by :func:`pad_targets`) or padded
    ``[B, G, ...]`` with a ``[B, G]`` mask.

    Example configs::

        # BMViT (normalised cxcywh boxes, 2-way actor logits, sigmoid
        # multi-label action logits). Eq. 3 is unweighted; DETR practice
        # reuses the loss weights of Eq. 4.
        matcher = dict(
            type='HungarianMatcher',
            costs=[
                dict(type='BoxL1MatchCost', weight=5.0),
                dict(type='GIoUMatchCost', weight=2.0, box_format='cxcywh'),
                dict(type='ActorMatchCost', weight=2.0),
                dict(type='MultiLabelMatchCost', weight=6.0),
            ])
        # InstBlink (normalised xyxy tubes [B, Q, T, 4], face logits
        # [B, Q, T, 1], labels [B, G], presence valid [B, G, T]).
        matcher = dict(
            type='HungarianMatcher',
            costs=[
                dict(type='FocalMatchCost', weight=2.0),
                dict(type='BoxL1MatchCost', weight=5.0),
                dict(type='GIoUMatchCost', weight=2.0),
            ])

    Args:
        costs (list[dict | BaseMatchCost]): Cost configs (built from
            ``TASK_UTILS``) or instances. Costs with weight 0 are skipped.
        valid_key (str): Target key of the per-frame presence mask used to
            average tube costs. Defaults to ``'valid'``.
    """

    def __init__(self,
                 costs: List[Union[ConfigType, BaseMatchCost]],
                 valid_key: str = 'valid') -> None:
        assert len(costs) > 0, 'HungarianMatcher needs at least one cost'
        self.costs = [
            TASK_UTILS.build(c) if isinstance(c, dict) else c for c in costs
        ]
        self.valid_key = valid_key

    @torch.no_grad()
    def compute_cost(self, preds: TensorDict, targets: TensorDict,
                     target_mask: Tensor) -> Tensor:
        """Total matching cost for a batch.

        Args:
            preds (dict[str, Tensor]): Predictions, each ``[B, Q, *E, D]``.
            targets (dict[str, Tensor]): Padded targets, each
                ``[B, G, ...]``, optionally with ``valid_key``
                ``[B, G, *E]`` (bool).
            target_mask (Tensor): Real (non-padding) targets ``[B, G]``.

        Returns:
            Tensor: Cost ``[B, Q, G]`` (float32); padded columns are 0.
        """
        valid = targets.get(self.valid_key)
        total = None
        for cost in self.costs:
            if cost.weight == 0:
                continue
            value = self._reduce_extra_axes(cost(preds, targets), valid)
            total = value if total is None else total + value
        assert total is not None, 'all cost weights are 0'
        mask = target_mask[:, None, :].bool()
        return torch.where(mask, total, total.new_zeros(())).float()

    @staticmethod
    def _reduce_extra_axes(cost: Tensor, valid: Optional[Tensor]) -> Tensor:
        """Mean of a tube cost over the frames where the target exists.

        Args:
            cost (Tensor): ``[B, Q, G]`` (returned as is) or
                ``[B, Q, G, *E]``.
            valid (Tensor, optional): Target presence ``[B, G, *E]``; a
                plain mean over ``E`` when None.

        Returns:
            Tensor: ``[B, Q, G]``; 0 for a target present nowhere.
        """
        if cost.dim() == 3:
            return cost
        b, q, g = cost.shape[:3]
        cost = cost.reshape(b, q, g, -1)
        if valid is None:
            return cost.mean(-1)
        valid = valid.reshape(b, 1, g, -1).bool()
        num = valid.sum(-1).clamp(min=1)
        return torch.where(valid, cost, cost.new_zeros(())).sum(-1) / num

    @torch.no_grad()
    def __call__(self,
                 preds: TensorDict,
                 targets: TargetType,
                 target_mask: Optional[Tensor] = None) -> MatchResult:
        """Match every sample of a batch.

        Args:
            preds (dict[str, Tensor]): Predictions, each ``[B, Q, *E, D]``.
            targets (list[dict[str, Tensor]] | dict[str, Tensor]): Either
                one dict per sample (tensors ``[G_b, ...]``, padded here
                with :func:`pad_targets`) or already padded tensors
                ``[B, G, ...]``.
            target_mask (Tensor, optional): ``[B, G]`` mask of real targets
                when ``targets`` is already padded; all real if None.

        Returns:
            list[tuple[Tensor, Tensor]]: Per sample, ``(query_idx,
            target_idx)`` (long, on the predictions' device, sorted by query
            index) of the ``min(Q, G_b)`` matched pairs.
        """
        if isinstance(targets, dict):
            padded = targets
            if target_mask is None:
                ref = next(iter(targets.values()))
                target_mask = ref.new_ones(ref.shape[:2], dtype=torch.bool)
        else:
            padded, target_mask = pad_targets(targets)
        ref = next(iter(preds.values()))
        device = ref.device
        sizes = target_mask.sum(1).tolist()
        empty = torch.zeros(0, dtype=torch.long, device=device)
        if max(sizes, default=0) == 0:
            return [(empty, empty) for _ in sizes]
        cost = self.compute_cost(preds, padded, target_mask).cpu()
        real = target_mask[:, None, :].expand_as(cost).cpu()
        if not torch.isfinite(cost[real]).all():
            raise ValueError('HungarianMatcher: the matching cost has '
                             'NaN/inf entries (non-finite predictions or '
                             'degenerate boxes?)')
        results = []
        for b, num in enumerate(sizes):
            if num == 0:
                results.append((empty, empty))
                continue
            cols = target_mask[b].nonzero().flatten().cpu()
            rows, picked = linear_sum_assignment(cost[b][:, cols].numpy())
            results.append(
                (torch.as_tensor(rows, dtype=torch.long, device=device),
                 cols[torch.as_tensor(picked, dtype=torch.long)].to(device)))
        return results

    @torch.no_grad()
    def assign(self, cost: Tensor, sizes: Sequence[int]) -> Tensor:
        """Dense assignment of a stack of cost matrices, one host round trip.

        The whole stack (e.g. the batch of every iteration of an iterative
        head) is copied to the host **once** (the only point where the host
        waits for the device: ``linear_sum_assignment`` runs on the CPU),
        solved matrix by matrix, and the assignment goes back with
        :func:`mmvb.utils.host_to_device` (pinned memory, not waited for).
        Non-finite real entries raise.

        Args:
            cost (Tensor): Costs ``[*S, B, Q, G]`` (:meth:`compute_cost`),
                the real target columns of sample ``b`` first, as
                :func:`pad_targets` lays them out.
            sizes (Sequence[int]): Real targets per sample ``G_b``, known on
                the host (e.g. from the data samples).

        Returns:
            Tensor: ``[*S, B, Q]`` (long, on the device of ``cost``): the
            matched target of each query, -1 for unmatched queries.
        """
        *lead, b, q, g = cost.shape
        assert len(sizes) == b, f'{len(sizes)} sizes for a batch of {b}'
        assert max(sizes, default=0) <= g, \
            f'sizes {list(sizes)} exceed the {g} cost columns'
        if max(sizes, default=0) == 0:
            return torch.full(
                cost.shape[:-1], -1, dtype=torch.long, device=cost.device)
        host = cost.detach().float().cpu().numpy().reshape(-1, b, q, g)
        out = np.full(host.shape[:-1], -1, dtype=np.int64)
        for s, matrices in enumerate(host):
            for i, num in enumerate(sizes):
                if num == 0:
                    continue
                sub = matrices[i, :, :num]
                if not np.isfinite(sub).all():
                    raise ValueError(
                        'HungarianMatcher: the matching cost has NaN/inf '
                        'entries (non-finite predictions or degenerate '
                        'boxes?)')
                rows, cols = linear_sum_assignment(sub)
                out[s, i, rows] = cols
        return host_to_device(out.reshape(cost.shape[:-1]), cost.device)

    @staticmethod
    def to_assignment(indices: MatchResult, num_queries: int) -> Tensor:
        """Dense form of the matching result.

        Args:
            indices (list[tuple[Tensor, Tensor]]): Output of
                :meth:`__call__` for ``B`` samples.
            num_queries (int): ``Q``.

        Returns:
            Tensor: ``[B, Q]`` (long) with the matched target index of
            each query, -1 for unmatched queries.
        """
        device = indices[0][0].device if indices else None
        out = torch.full((len(indices), num_queries),
                         -1,
                         dtype=torch.long,
                         device=device)
        for b, (query_idx, target_idx) in enumerate(indices):
            out[b, query_idx] = target_idx
        return out

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(costs={self.costs}, '
                f'valid_key={self.valid_key!r})')
