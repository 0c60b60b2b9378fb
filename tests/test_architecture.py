"""The layering of DESIGN.md §2 holds: every ``[tool.importlinter]`` contract of
pyproject.toml is kept (``.ci/run`` also runs ``lint-imports``; this test makes a
broken arrow visible in a local ``pytest`` run too)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout
