# Copyright (c) mmvb contributors. All rights reserved.
"""``pip install .`` (a wheel) ships configs and tools under ``mmvb/.mim``,
where ``mim`` and mmengine look for them."""
import os.path as osp
import shutil
import subprocess
import sys

IGNORE = shutil.ignore_patterns('.git', '.venv', '.whl', 'work_dirs', 'data',
                                '__pycache__', '*.pyc', '.mim', '*.egg-info',
                                'build', 'dist', '.pytest_cache')


def test_wheel_install_has_mim_folder(repo_root, tmp_path, tool_env):
    src = tmp_path / 'src'
    shutil.copytree(repo_root, src, ignore=IGNORE, symlinks=True)
    site = tmp_path / 'site'
    proc = subprocess.run([
        sys.executable, '-m', 'pip', 'install', '--no-deps',
        '--no-build-isolation', '--no-cache-dir', '--target',
        str(site),
        str(src)
    ],
                          capture_output=True,
                          text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    mim = site / 'mmvb' / '.mim'
    assert (mim / 'model-index.yml').is_file()
    assert (mim / 'tools' / 'train.py').is_file()
    assert (mim / 'tools' / 'dist_train.sh').is_file()
    assert (mim / 'configs' / '_base_' / 'default_runtime.py').is_file()
    assert (mim / 'configs' / 'synthetic' / 'metafile.yml').is_file()
    # The installed package finds its configs in .mim (not the checkout).
    env = tool_env()
    env['PYTHONPATH'] = str(site)
    check = subprocess.run([
        sys.executable, '-c',
        'import mmvb, mmvb.testing as t; print(mmvb.__file__); '
        'print(t.get_config_root()); '
        'from mmvb.utils.compat import get_installed_path; '
        'print(get_installed_path("mmvb"))'
    ],
                           cwd=str(tmp_path),
                           env=env,
                           capture_output=True,
                           text=True,
                           timeout=300)
    assert check.returncode == 0, check.stderr[-3000:]
    lines = check.stdout.split()
    assert lines[0] == str(site / 'mmvb' / '__init__.py')
    assert lines[1] == str(mim / 'configs')
    assert osp.samefile(lines[2], site / 'mmvb')
