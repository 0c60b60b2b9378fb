#!/usr/bin/env bash
# Build the frozen station (PyInstaller, build.spec) and check it: --version, --self-check,
# start-to-sign-in-window time, bundle contents. Takes a few minutes; run it before a release,
# after changing build.spec or dependencies, and after adding run-time files (see README,
# "Paquete ejecutable (Windows)"). Figures: dist/frozen-report.json.
#
#   scripts/build_frozen.sh              build, then test
#   scripts/build_frozen.sh --no-build   test the existing dist/credencializacion
#
# Uses the Python of $VIRTUAL_ENV, else .venv/, else /work/venv (the development machines).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${VIRTUAL_ENV:-}" ]; then PY="$VIRTUAL_ENV/bin/python"
elif [ -x .venv/bin/python ]; then PY=.venv/bin/python
else PY=/work/venv/bin/python; fi
if [ "${1:-}" = "--no-build" ]; then export CREDENCIALIZACION_FROZEN_SKIP_BUILD=1; fi
export CREDENCIALIZACION_BUILD_FROZEN=1
"$PY" -m pytest tests/packaging/test_frozen.py -q -s -p no:cacheprovider
