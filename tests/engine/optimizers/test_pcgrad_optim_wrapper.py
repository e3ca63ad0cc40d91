# Copyright (c) mmvb contributors. All rights reserved.
import os
import socket

import pytest
import torch
import torch.multiprocessing as mp
import torch.nn as nn
from mmaction.registry import OPTIM_WRAPPERS
from mmengine.logging import MessageHub

from mmvb.engine import PCGradOptimWrapper, project_conflicting


def test_project_conflicting_hand_checked_pairs():
    # Conflict: g1.g2 = -1, |g1|^2 = 1, |g2|^2 = 2.
    g = torch.tensor([[1.0, 0.0], [-1.0, 1.0]])
    out = project_conflicting(g)
    # g1' = g1 + 1/2 g2 = (0.5, 0.5); g2' = g2 + g1 = (0, 1).
    torch.testing.assert_close(out, torch.tensor([[0.5, 0.5], [0.0, 1.0]]))
    # Each projected gradient is orthogonal to the other original one.
    assert torch.dot(out[0], g[1]) == 0 and torch.dot(out[1], g[0]) == 0
    # No conflict (g1.g2 = 1 >= 0): unchanged.
    g = torch.tensor([[1.0, 0.0], [1.0, 1.0]])
    torch.testing.assert_close(project_conflicting(g), g)
    # Orthogonal (dot = 0) is no conflict either.
    g = torch.tensor([[1.0, 0.0], [0.0, 3.0]])
    torch.testing.assert_close(project_conflicting(g), g)
    # Opposite gradients cancel completely.
    g = torch.tensor([[2.0, 0.0], [-1.0, 0.0]])
    torch.testing.assert_close(project_conflicting(g), torch.zeros(2, 2))
    # Three tasks: every projected gradient has no conflict left with the
    # original gradients it was projected on last; the rows are finite.
    g = torch.tensor([[1.0, 0.0, 0.0], [-1.0, 1.0, 0.0], [0.0, -1.0, 1.0]])
    out = project_conflicting(g, torch.Generator().manual_seed(0))
    assert torch.isfinite(out).all()


class TwoTask(nn.Module):
    """L1 = a . x1 + c . x1, L2 = a . x2 (+ 0 * b): the shared parameter
    ``a`` gets dL1/da = x1 and dL2/da = x2; ``c`` is task-1 only; ``b`` is
    in the graph of no task; ``frozen`` does not train."""

    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(torch.zeros(2))
        self.c = nn.Parameter(torch.zeros(2))
        self.b = nn.Parameter(torch.zeros(2))
        self.frozen = nn.Parameter(torch.zeros(2), requires_grad=False)

    def forward(self, x1, x2):
        l1 = (self.a * x1).sum() + (self.c * x1).sum()
        l2 = (self.a * x2).sum() + (self.frozen * x2).sum()
        return [l1, l2]


def _wrapper(model, **kwargs):
    MessageHub.get_instance('pcgrad_test')
    return PCGradOptimWrapper(
        optimizer=torch.optim.SGD(model.parameters(), lr=1.0), **kwargs)


def test_wrapper_projects_on_conflict_and_sums():
    model = TwoTask()
    wrapper = _wrapper(model)
    x1, x2 = torch.tensor([1.0, 0.0]), torch.tensor([-1.0, 1.0])
    wrapper.backward(model(x1, x2))
    # Shared a: (g1' + g2') = (0.5, 0.5) + (0, 1).
    torch.testing.assert_close(model.a.grad, torch.tensor([0.5, 1.5]))
    # Task-specific c: task 1's own gradient, unprojected.
    torch.testing.assert_close(model.c.grad, x1)
    # Untouched parameters keep grad None (weight decay cannot reach them).
    assert model.b.grad is None and model.frozen.grad is None
    assert wrapper.num_conflicts == 1 and wrapper.num_task_steps == 1
    hub = MessageHub.get_current_instance()
    cos = hub.get_scalar('train/pcgrad_cos').current()
    assert cos == pytest.approx(-1 / 2**0.5)
    assert hub.get_scalar('train/pcgrad_conflict').current() == 1.0
    # The SGD step (lr 1) applies -grad.
    wrapper.step()
    torch.testing.assert_close(model.a.data, torch.tensor([-0.5, -1.5]))
    wrapper.zero_grad()
    assert model.a.grad is None


def test_wrapper_without_conflict_or_surgery_is_the_summed_gradient():
    x1, x2 = torch.tensor([1.0, 0.0]), torch.tensor([1.0, 1.0])
    model = TwoTask()
    wrapper = _wrapper(model)
    wrapper.backward(model(x1, x2))
    torch.testing.assert_close(model.a.grad, x1 + x2)
    assert wrapper.num_conflicts == 0
    # surgery=False: the plain sum even on conflict.
    x2 = torch.tensor([-1.0, 1.0])
    model = TwoTask()
    wrapper = _wrapper(model, surgery=False)
    wrapper.backward(model(x1, x2))
    ref = TwoTask()
    sum(ref(x1, x2)).backward()
    torch.testing.assert_close(model.a.grad, ref.a.grad)
    torch.testing.assert_close(model.c.grad, ref.c.grad)
    assert wrapper.num_conflicts == 1  # still counted


def test_wrapper_scalar_loss_accumulation_and_registry():
    model = TwoTask()
    wrapper = OPTIM_WRAPPERS.build(
        dict(
            type='PCGradOptimWrapper',
            optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
            accumulative_counts=2))
    x1, x2 = torch.tensor([1.0, 0.0]), torch.tensor([-1.0, 1.0])
    # A scalar is one task: the ordinary gradient.
    wrapper.update_params(sum(model(x1, x2)))
    # Accumulating (first of two): loss scaled by 1/2, no step yet.
    torch.testing.assert_close(model.a.grad, (x1 + x2) / 2)
    assert torch.equal(model.a.data, torch.zeros(2))
    wrapper.update_params(model(x1, x2))
    # Second: the projected update / 2 added, then the step and zero_grad.
    expected = (x1 + x2) / 2 + torch.tensor([0.5, 1.5]) / 2
    torch.testing.assert_close(model.a.data, -0.1 * expected)
    assert model.a.grad is None


def test_stacked_losses_join_the_task_graphs():
    """Documented caveat: stacked losses make every task reach ``c``."""
    model = TwoTask()
    wrapper = _wrapper(model)
    x1, x2 = torch.tensor([1.0, 0.0]), torch.tensor([-1.0, 1.0])
    wrapper.backward(torch.stack(model(x1, x2)))
    assert not torch.allclose(model.c.grad, x1)


def test_wrapper_task_without_graph():
    model = TwoTask()
    wrapper = _wrapper(model)
    x1 = torch.tensor([1.0, 2.0])
    losses = [(model.a * x1).sum(), torch.zeros(())]
    wrapper.backward(losses)
    torch.testing.assert_close(model.a.grad, x1)
    assert model.c.grad is None


def test_wrapper_bf16_autocast_on_cpu():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))
    wrapper = _wrapper(model, dtype='bfloat16')
    assert wrapper.loss_scaler is None
    x = torch.randn(4, 8)
    with wrapper.optim_context(model):
        out = model(x)
        assert out.dtype == torch.bfloat16
        losses = [out[:, 0].float().mean(), -out.float().mean()]
    before = [p.detach().clone() for p in model.parameters()]
    wrapper.update_params(losses)
    for p, b in zip(model.parameters(), before):
        assert p.grad is None  # zeroed after the step
        assert not torch.equal(p, b) and p.dtype == torch.float32
    assert wrapper.num_task_steps == 1


def test_wrapper_loss_scaler_unscales_and_saves_state():
    model = TwoTask()
    wrapper = _wrapper(model, loss_scale=8.0)
    x1, x2 = torch.tensor([1.0, 0.0]), torch.tensor([-1.0, 1.0])
    wrapper.backward(model(x1, x2))
    # Scaled gradients (projection is scale invariant) ...
    torch.testing.assert_close(model.a.grad, 8.0 * torch.tensor([0.5, 1.5]))
    wrapper.step()
    # ... unscaled by the step.
    torch.testing.assert_close(model.a.data, -torch.tensor([0.5, 1.5]))
    state = wrapper.state_dict()
    assert state['loss_scaler']['scale'] == 8.0
    other = _wrapper(TwoTask(), loss_scale=8.0)
    other.load_state_dict(state)
    assert other.loss_scaler.get_scale() == 8.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _ddp_worker(rank, world_size, port, out_dir):
    from mmengine.dist import init_dist
    from mmengine.model import MMDistributedDataParallel

    import mmvb  # noqa: F401  (CPU DDP shims)
    os.environ.update(
        MASTER_ADDR='127.0.0.1',
        MASTER_PORT=str(port),
        RANK=str(rank),
        LOCAL_RANK=str(rank),
        WORLD_SIZE=str(world_size))
    init_dist('pytorch', backend='gloo')
    model = TwoTask()
    ddp = MMDistributedDataParallel(module=model)
    wrapper = _wrapper(ddp)
    # Rank r sees its own data; the averaged task gradients are
    # g1 = mean(x1) and g2 = mean(x2).
    xs = [(torch.tensor([2.0, 0.0]), torch.tensor([-2.0, 0.0])),
          (torch.tensor([0.0, 0.0]), torch.tensor([0.0, 2.0]))]
    for _ in range(2):  # two iterations: DDP must not expect a reduction
        with wrapper.optim_context(ddp):
            losses = ddp(*xs[rank])
        wrapper.update_params(losses)
    torch.save({k: v.detach()
                for k, v in model.state_dict().items()},
               os.path.join(out_dir, f'rank{rank}.pth'))


def test_wrapper_under_ddp_with_two_gloo_processes(tmp_path):
    mp.spawn(
        _ddp_worker,
        args=(2, _free_port(), str(tmp_path)),
        nprocs=2,
        join=True)
    states = [torch.load(tmp_path / f'rank{r}.pth') for r in range(2)]
    for key in states[0]:
        torch.testing.assert_close(states[0][key], states[1][key])
    # Reference on one process with the rank-averaged task gradients:
    # g1 = (1, 0), g2 = (-1, 1) on `a` -> update (0.5, 1.5) per step;
    # `c` (task 1 only) gets g1 = (1, 0) per step; lr 1, two steps.
    torch.testing.assert_close(states[0]['a'], -2 * torch.tensor([0.5, 1.5]))
    torch.testing.assert_close(states[0]['c'], -2 * torch.tensor([1.0, 0.0]))
    torch.testing.assert_close(states[0]['b'], torch.zeros(2))
