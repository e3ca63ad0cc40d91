# Copyright (c) mmvb contributors. All rights reserved.
"""The environment bootstrap behind ``make demo`` / ``make test``."""
import os.path as osp
import subprocess
import time

import pytest

SCRIPT = 'tools/misc/setup_env.sh'


def _installed_by_make(repo_root) -> bool:
    return osp.isfile(osp.join(repo_root, '.venv', '.mmvb-env'))


def test_no_op_install_is_fast(repo_root, tool_env):
    """On an installed machine the bootstrap checks a stamp and returns."""
    if not _installed_by_make(repo_root):
        pytest.skip('this environment was not created by `make install`')
    start = time.perf_counter()
    proc = subprocess.run(['bash', SCRIPT],
                          cwd=repo_root,
                          env=tool_env(),
                          capture_output=True,
                          text=True,
                          timeout=900)
    first = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    start = time.perf_counter()
    proc = subprocess.run(['bash', SCRIPT],
                          cwd=repo_root,
                          env=tool_env(),
                          capture_output=True,
                          text=True,
                          timeout=60)
    second = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == '' and proc.stderr == ''  # nothing installed
    assert second < 15, f'no-op install took {second:.1f}s (first {first})'


def test_missing_pinned_wheel_is_named(repo_root, tool_env, tmp_path):
    venv = tmp_path / 'venv'
    proc = subprocess.run(['bash', SCRIPT],
                          cwd=repo_root,
                          env=tool_env(
                              VENV=venv,
                              MMVB_PINS='torch==0.0.1 mmengine==0.10.7'),
                          capture_output=True,
                          text=True,
                          timeout=900)
    assert proc.returncode != 0
    assert 'missing: torch==0.0.1' in proc.stderr
    assert 'missing: mmengine' not in proc.stderr
    # the stamp is written only after a successful install
    assert not (venv / '.mmvb-env').exists()
