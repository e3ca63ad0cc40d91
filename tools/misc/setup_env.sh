#!/usr/bin/env bash
# Create (if missing) and fill the project's virtual environment with the
# pinned CPU stack, then install mmvb in editable mode. A no-op (well under a
# second) when nothing it depends on changed since the last run.
#
# Environment: PYTHON (default python3.11), VENV (default .venv),
# MMVB_PINS (the pinned packages, default below).
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python3.11}
VENV=${VENV:-.venv}
MMVB_PINS=${MMVB_PINS:-"torch==2.13.0 mmengine==0.10.7 mmcv-lite==2.1.0 mmaction2==1.2.0 mmpretrain==1.2.0"}
STAMP="$VENV/.mmvb-env"
want=$( (echo "$MMVB_PINS"; cat setup.py requirements/*.txt tools/misc/setup_env.sh) | sha1sum | cut -c1-40)

if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
    if ! command -v "$PYTHON" >/dev/null 2>&1; then
        echo "error: $PYTHON not found; install Python 3.11 or set PYTHON=..." >&2
        exit 1
    fi
    echo "creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
fi
pip=("$VENV/bin/python" -m pip --disable-pip-version-check)
quiet() { grep -v -E "is ignored: it is neither a file nor a directory" || true; }

# shellcheck disable=SC2086
if ! "${pip[@]}" install -q $MMVB_PINS -r requirements/runtime.txt -r requirements/tests.txt 2>&1 | quiet; then
    echo "error: installing the pinned stack failed. Checking each pin:" >&2
    for pin in $MMVB_PINS; do
        if ! "${pip[@]}" install -q --dry-run --no-deps "$pin" >/dev/null 2>&1; then
            echo "  missing: $pin (no wheel for $("$VENV/bin/python" -V 2>&1) found on the" \
                 "package index or in PIP_FIND_LINKS=${PIP_FIND_LINKS:-<unset>})" >&2
        fi
    done
    exit 1
fi

for bad in torchvision torchaudio; do
    if "${pip[@]}" show -q "$bad" >/dev/null 2>&1; then
        echo "error: $bad is installed in $VENV; it breaks the CPU torch wheel" \
             "and mmvb must not need it: '${pip[*]} uninstall $bad'" >&2
        exit 1
    fi
done

"${pip[@]}" install -q --no-deps --no-build-isolation -e . 2>&1 | quiet
echo "$want" > "$STAMP"
echo "environment ready: $VENV"
