# Copyright (c) mmvb contributors. All rights reserved.
"""Shared fixtures: the repository root, a tool runner and tiny data.

mmvb is imported first, so that its compatibility shims (see
:mod:`mmvb.utils.compat`) are active before any test module imports
``mmaction.models``.

Under pytest-xdist (``make test`` runs ``-n auto --dist loadgroup``) each
worker gets an equal share of the cores for torch's intra-op threads, and
tests marked ``slow`` are collected first so that the longest runs start
at once, on different workers, instead of last.
"""
import logging
import os
import os.path as osp
import socket
import subprocess
import sys

import pytest
import torch
from mmengine.config import config as mmengine_config_module
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope

import mmvb  # noqa: F401

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TINY_CFG = osp.join(REPO_ROOT, 'tests', 'data', 'configs',
                    'tsn-r18-stage1_tiny_synthetic-motion.py')


def _usable_cores() -> int:
    if hasattr(os, 'sched_getaffinity'):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def threads_per_worker() -> int:
    """Torch threads for this process: the usable cores shared equally
    among the pytest-xdist workers (all of them without xdist)."""
    workers = int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', '1'))
    return max(1, _usable_cores() // max(1, workers))


def _unformatted_config_text(text, **kwargs):
    return text, False


# mmengine formats the text of a config with yapf each time it logs, dumps
# or stores it in a checkpoint (``Config.pretty_text``; 1.3 s a call for
# BMViT's synthetic config, five calls per Runner): the tests' Runners keep
# mmengine's unformatted text, which is the same Python code.
mmengine_config_module.FormatCode = _unformatted_config_text

if 'PYTEST_XDIST_WORKER' in os.environ:
    # Two workers with torch's default (one thread per core each) would
    # oversubscribe the CPU.
    torch.set_num_threads(threads_per_worker())


def pytest_collection_modifyitems(config, items):
    """Run ``slow`` tests first (a stable sort: otherwise in file order)."""
    items.sort(key=lambda item: item.get_closest_marker('slow') is None)


def tool_env(**extra) -> dict:
    """Environment for a subprocess: this checkout first on the path,
    one OpenMP thread per process (tests run several at once)."""
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [REPO_ROOT] + [p for p in [env.get('PYTHONPATH')] if p])
    env.setdefault('OMP_NUM_THREADS', '1')
    env.update({k: str(v) for k, v in extra.items()})
    return env


def free_port() -> int:
    """A TCP port that is free right now (for torch.distributed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def run_tool(args, cwd=None, env=None, check=True, timeout=600):
    """Run ``python <args>`` (or a shell script) from the repository root.

    Returns:
        subprocess.CompletedProcess: with ``stdout``+``stderr`` in
        ``output``.
    """
    if args[0].endswith('.sh'):
        cmd = ['bash'] + list(args)
    else:
        cmd = [sys.executable] + list(args)
    proc = subprocess.run(
        cmd,
        cwd=cwd or REPO_ROOT,
        env=env or tool_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout)
    proc.output = proc.stdout
    if check and proc.returncode != 0:
        raise AssertionError(f'{" ".join(cmd)} failed ({proc.returncode}):\n'
                             f'{proc.output[-6000:]}')
    return proc


@pytest.fixture(scope='session')
def repo_root():
    """The checkout under test."""
    return REPO_ROOT


@pytest.fixture(name='tool_env', scope='session')
def tool_env_fixture():
    """:func:`tool_env` as a fixture."""
    return tool_env


@pytest.fixture(name='run_tool', scope='session')
def run_tool_fixture():
    """:func:`run_tool` as a fixture."""
    return run_tool


@pytest.fixture(name='free_port')
def free_port_fixture():
    """:func:`free_port` as a fixture (a fresh port per test)."""
    return free_port()


@pytest.fixture(scope='session')
def tiny_cfg():
    """Path of the tiny tool-test config."""
    return TINY_CFG


@pytest.fixture(scope='session')
def motion_data(tmp_path_factory):
    """A tiny temporal-order set: 16 train / 8 val clips of 16 frames."""
    from mmvb.datasets.synthetic import generate_motion_dataset
    root = str(tmp_path_factory.mktemp('motion'))
    generate_motion_dataset(root, num_train=16, num_val=8, progress=False)
    return root


@pytest.fixture
def quiet_mmaction_scope():
    """Default scope ``mmaction`` and no per-parameter init logs (mmengine
    logs every initialised parameter at INFO level)."""
    init_default_scope('mmaction')
    logger = MMLogger.get_instance('mmengine')
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)
