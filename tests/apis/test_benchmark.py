# Copyright (c) mmvb contributors. All rights reserved.
import time

import torch

from mmvb.apis.benchmark import (device_name, peak_memory_gib,
                                 reset_peak_memory, time_steps)


def test_time_steps_counts_and_deadline():
    calls = []
    ticks = iter(range(100))

    def step():
        calls.append(1)

    times = time_steps(
        step, torch.device('cpu'), 2, 3, 4, clock=lambda: next(ticks))
    # 2 warm-up + 3 repeats of 4 steps; the fake clock advances by one per
    # reading, so each repeat measures 1 / 4 s per step.
    assert len(calls) == 2 + 12 and times == [0.25] * 3
    calls.clear()
    times = time_steps(
        step, torch.device('cpu'), 2, 3, 4, deadline=time.monotonic() - 1)
    # Past the deadline: the warm-up and one repeat only.
    assert len(calls) == 2 + 4 and len(times) == 1


def test_device_helpers_on_cpu():
    assert device_name(torch.device('cpu')) == 'cpu'
    reset_peak_memory('cpu')
    assert peak_memory_gib('cpu') is None
