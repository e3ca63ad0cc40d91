# Copyright (c) mmvb contributors. All rights reserved.
"""Gradient Surgery (PCGrad, Yu et al., NeurIPS 2020) as an optimizer
wrapper, used by DualScope's BCVE pre-training to combine the CRCD and IRDD
objectives.

The model's ``parse_losses`` hands the wrapper the *list* of task losses
(``[L_1, ..., L_K]``) instead of their sum; the wrapper computes each
task's gradient with :func:`torch.autograd.grad`, removes conflicting
components and writes the merged gradient into ``.grad``. A scalar loss is
one task, i.e. an ordinary backward pass.
"""
import math
from contextlib import ExitStack, contextmanager
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmaction.registry import OPTIM_WRAPPERS
from mmengine.device import get_device
from mmengine.dist import all_reduce, get_world_size
from mmengine.optim import OptimWrapper
from torch import Tensor


def project_conflicting(grads: Tensor,
                        generator: Optional[torch.Generator] = None) -> Tensor:
    """PCGrad's projection of task gradients.

    For each task ``i``, starting from ``g_i' = g_i`` and visiting the other
    tasks ``j`` (in a random order when there are more than two), if
    ``g_i' . g_j < 0`` then ``g_i' <- g_i' - (g_i' . g_j / |g_j|^2) g_j``;
    the projections use the original ``g_j``. With two tasks this is
    DualScope's rule: on conflict ``g_1' = g_1 - (g_1.g_2/|g_2|^2) g_2`` and
    ``g_2' = g_2 - (g_1.g_2/|g_1|^2) g_1``; otherwise both are unchanged.

    Args:
        grads (Tensor): ``[K, P]`` task gradients (rows).
        generator (torch.Generator, optional): Random source of the visiting
            order (only used for ``K > 2``).

    Returns:
        Tensor: ``[K, P]`` projected gradients (sum them for the update).
    """
    num_tasks = grads.size(0)
    out = grads.clone()
    sq_norms = (grads * grads).sum(dim=1)
    for i in range(num_tasks):
        others = [j for j in range(num_tasks) if j != i]
        if num_tasks > 2:
            order = torch.randperm(len(others), generator=generator).tolist()
            others = [others[o] for o in order]
        for j in others:
            dot = torch.dot(out[i], grads[j])
            if dot < 0 and sq_norms[j] > 0:
                out[i] = out[i] - dot / sq_norms[j] * grads[j]
    return out


@OPTIM_WRAPPERS.register_module()
class PCGradOptimWrapper(OptimWrapper):
    """Optimizer wrapper with Gradient Surgery (PCGrad) over task losses.

    ``update_params(loss)`` takes the task losses as a list (or tuple) of
    scalars; a scalar tensor is one task. Per task it computes the gradient
    of the trainable parameters; on the parameters that every task reaches
    (the shared ones) the task gradients are projected with
    :func:`project_conflicting` and summed (``Delta = g_1' + g_2'``); a
    parameter reached by only some tasks gets the sum of their unmodified
    gradients. Gradients are added to ``.grad`` only of parameters that
    received one (unused or frozen parameters keep ``grad is None``, so
    AdamW's decoupled weight decay does not touch them), which keeps
    gradient accumulation (``accumulative_counts``) working. A task reaches
    a parameter when autograd returns a gradient for it: pass the losses as
    a list, not stacked into one tensor, since ``torch.stack`` joins their
    graphs (each task would then reach every parameter, with zeros).

    Distributed training: the forward runs under the DDP wrapper's
    ``no_sync`` (per-task gradients are taken with ``torch.autograd.grad``,
    which DDP's reducer does not see), and the per-task gradients are
    averaged over ranks with one all-reduce before the projection, so every
    rank applies the same update. Mixed precision: ``dtype`` turns on
    autocast in :meth:`optim_context` (``'bfloat16'`` works on CPU too);
    with ``'float16'`` a dynamic ``GradScaler`` scales every task loss by
    the same factor (the projection is invariant to it) and ``step``
    unscales, skipping steps with non-finite gradients.

    After each backward, ``train/pcgrad_cos`` (cosine of the first two task
    gradients on the shared parameters) and ``train/pcgrad_conflict`` (1 if
    any pair conflicted) go to the message hub; :attr:`num_conflicts` and
    :attr:`num_task_steps` count them.

    Args:
        optimizer (torch.optim.Optimizer): The optimizer.
        surgery (bool): Project conflicting gradients. False sums the task
            gradients unchanged (the gradient of the summed loss), DualScope's
            "without Gradient Surgery" ablation. Defaults to True.
        dtype (str | torch.dtype, optional): Autocast dtype
            (``'float16'``, ``'bfloat16'``); None for full precision.
        loss_scale (str | float | dict, optional): ``GradScaler`` setting:
            ``'dynamic'``, a fixed initial scale, or ``GradScaler`` keyword
            arguments. Defaults to ``'dynamic'`` for ``float16`` and to no
            scaling otherwise.
        **kwargs: :class:`OptimWrapper` arguments (``accumulative_counts``,
            ``clip_grad``).
    """

    def __init__(self,
                 optimizer: torch.optim.Optimizer,
                 surgery: bool = True,
                 dtype: Union[str, torch.dtype, None] = None,
                 loss_scale: Union[str, float, dict, None] = None,
                 **kwargs) -> None:
        super().__init__(optimizer=optimizer, **kwargs)
        self.surgery = surgery
        if isinstance(dtype, str):
            dtype = getattr(torch, dtype)
        assert dtype in (None, torch.float16, torch.bfloat16), \
            f'dtype must be float16, bfloat16 or None, got {dtype}'
        self.cast_dtype = dtype
        if loss_scale is None and dtype == torch.float16:
            loss_scale = 'dynamic'
        self.loss_scaler = None
        self._scale_update_param = None
        if loss_scale is not None:
            if loss_scale == 'dynamic':
                scaler_kwargs = {}
            elif isinstance(loss_scale, (int, float)):
                self._scale_update_param = float(loss_scale)
                scaler_kwargs = dict(init_scale=float(loss_scale))
            elif isinstance(loss_scale, dict):
                scaler_kwargs = dict(loss_scale)
            else:
                raise TypeError('loss_scale must be "dynamic", a float or a '
                                f'dict, got {loss_scale!r}')
            if hasattr(torch.amp, 'GradScaler'):  # torch >= 2.3
                self.loss_scaler = torch.amp.GradScaler(
                    get_device(), **scaler_kwargs)
            else:
                self.loss_scaler = torch.cuda.amp.GradScaler(**scaler_kwargs)
        self.num_conflicts = 0
        self.num_task_steps = 0

    # ------------------------------------------------------------------
    @contextmanager
    def optim_context(self, model: nn.Module):
        """``no_sync`` for DDP-wrapped models (gradients are averaged by the
        wrapper) and autocast when ``dtype`` is set."""
        with ExitStack() as stack:
            if hasattr(model, 'no_sync'):
                stack.enter_context(model.no_sync())
            if self.cast_dtype is not None:
                from mmengine.runner.amp import autocast
                stack.enter_context(autocast(dtype=self.cast_dtype))
            yield

    def _trainable_params(self) -> List[nn.Parameter]:
        seen, params = set(), []
        for group in self.optimizer.param_groups:
            for p in group['params']:
                if p.requires_grad and id(p) not in seen:
                    seen.add(id(p))
                    params.append(p)
        return params

    def backward(self, loss: Union[Tensor, Sequence[Tensor]],
                 **kwargs) -> None:
        """Accumulate the (projected) task gradients into ``.grad``.

        Args:
            loss (Tensor | Sequence[Tensor]): Task losses: a list, or a 1-D
                tensor (see the class note on stacking); a scalar tensor is
                one task.
            kwargs: ``retain_graph`` is honoured for the last task; other
                keyword arguments of ``Tensor.backward`` are not supported.
        """
        unsupported = set(kwargs) - {'retain_graph'}
        assert not unsupported, f'unsupported backward arguments {unsupported}'
        losses = list(loss.reshape(-1).unbind()) if isinstance(
            loss, Tensor) else list(loss)
        num_tasks = len(losses)
        params = self._trainable_params()
        if not params:
            self._inner_count += 1
            return
        numels = [p.numel() for p in params]
        flat, reached = [], []
        for k in range(num_tasks):
            task_loss = losses[k]
            if self.loss_scaler is not None:
                task_loss = self.loss_scaler.scale(task_loss)
            retain = k < num_tasks - 1 or kwargs.get('retain_graph', False)
            if task_loss.requires_grad:
                grads = torch.autograd.grad(
                    task_loss, params, retain_graph=retain, allow_unused=True)
            else:  # e.g. a task without valid targets in this batch
                grads = (None, ) * len(params)
            reached.append([g is not None for g in grads])
            flat.append(
                torch.cat([(g if g is not None else
                            torch.zeros_like(p)).reshape(-1).float()
                           for g, p in zip(grads, params)]))
        flat = torch.stack(flat)  # [K, P]
        reached = torch.tensor(reached, device=flat.device)  # [K, N]
        if get_world_size() > 1:
            all_reduce(flat, op='mean')
            reached = reached.float()
            all_reduce(reached, op='sum')
            reached = reached > 0
        per_param = flat.split(numels, dim=1)  # N views [K, n_i]
        merged: List[Optional[Tensor]] = [None] * len(params)
        shared = reached.all(dim=0).tolist()
        if num_tasks > 1 and any(shared):
            idx = [i for i, s in enumerate(shared) if s]
            combined = self._combine(
                torch.cat([per_param[i] for i in idx], dim=1))
            for i, g in zip(idx, combined.split([numels[i] for i in idx])):
                merged[i] = g
        for i, used in enumerate(reached.any(dim=0).tolist()):
            if used and merged[i] is None:  # reached by some tasks only
                merged[i] = per_param[i].sum(dim=0)
        for p, g in zip(params, merged):
            if g is None:  # no task reached it: leave .grad untouched
                continue
            g = g.view_as(p).to(p.dtype)
            if p.grad is None:
                p.grad = g
            else:
                p.grad.add_(g)
        self._inner_count += 1

    def _combine(self, grads: Tensor) -> Tensor:
        """The update on the shared parameters from task gradients
        ``[K, P_shared]``: the sum of the projected gradients (of the raw
        ones without conflict or with ``surgery=False``); logs the conflict
        statistics."""
        g1, g2 = grads[0], grads[1]
        denom = g1.norm() * g2.norm()
        cos = float(torch.dot(g1, g2) / denom) if denom > 0 else 0.0
        conflict = bool(((grads @ grads.t()) < 0).any())
        self.num_task_steps += 1
        self.num_conflicts += int(conflict)
        if math.isfinite(cos):
            self.message_hub.update_scalar('train/pcgrad_cos', cos)
        self.message_hub.update_scalar('train/pcgrad_conflict',
                                       float(conflict))
        if self.surgery and conflict:
            generator = torch.Generator().manual_seed(self._inner_count)
            grads = project_conflicting(grads, generator)
        return grads.sum(dim=0)

    def scale_loss(self, loss):
        """Scale each task loss for gradient accumulation."""
        if isinstance(loss, Tensor):
            return super().scale_loss(loss)
        return [super(PCGradOptimWrapper, self).scale_loss(x) for x in loss]

    # ------------------------------------------------------------------
    def step(self, **kwargs) -> None:
        """Clip (after unscaling) and step, through the loss scaler if any.
        """
        if self.loss_scaler is None:
            return super().step(**kwargs)
        if self.clip_grad_kwargs:
            self.loss_scaler.unscale_(self.optimizer)
            self._clip_grad()
        self.loss_scaler.step(self.optimizer, **kwargs)
        self.loss_scaler.update(self._scale_update_param)

    def state_dict(self) -> dict:
        """Optimizer state plus the loss scaler's, when there is one."""
        state_dict = super().state_dict()
        if self.loss_scaler is not None:
            state_dict['loss_scaler'] = self.loss_scaler.state_dict()
        return state_dict

    def load_state_dict(self, state_dict: Dict) -> None:
        """Load what :meth:`state_dict` saved."""
        state_dict = dict(state_dict)
        scaler_state = state_dict.pop('loss_scaler', None)
        if scaler_state is not None and self.loss_scaler is not None:
            self.loss_scaler.load_state_dict(scaler_state)
        super().load_state_dict(state_dict)
