#!/usr/bin/env bash
# The device run of tools/analysis/gpu_check.py, from the repository root of
# a machine with a CUDA build of PyTorch:
#
#   bash tools/analysis/gpu_check.sh [OUT_DIR] [gpu_check.py arguments]
#
# OUT_DIR (default work_dirs/gpu_check) receives gpu_check.json,
# gpu_check.md and gpu_check.log. When the machine has no OpenMMLab
# packages, put their wheels into .whl/ first (pure Python, e.g. for
# Python 3.12: pip download --no-deps --only-binary=:all: \
#   --python-version 3.12 -d .whl mmengine==0.10.7 mmcv-lite==2.1.0 \
#   mmaction2==1.2.0 mmpretrain==1.2.0 addict yapf termcolor \
#   importlib_metadata mat4py modelindex ordered-set); they are installed
# into a temporary folder, nothing else is changed. The check stops
# starting new work after 420 s (--time-limit) and takes about 8 minutes at
# most on one H100/H200.
set -eo pipefail
out=${1:-work_dirs/gpu_check}
shift || true
if compgen -G '.whl/*.whl' >/dev/null; then
  site=$(mktemp -d)
  python3 -m pip install -q --no-index --no-deps --no-compile \
    --no-cache-dir --target "$site" .whl/*.whl
  export PYTHONPATH=$site:$PWD
else
  export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
fi
mkdir -p "$out"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv \
  >"$out/nvidia-smi.txt" 2>&1 || true
python3 tools/analysis/gpu_check.py --out-dir "$out" "$@" 2>&1 \
  | tee "$out/gpu_check.log"
