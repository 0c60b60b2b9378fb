"""``python -m benchmarks``: run every ``benchmarks/bench_*.py`` and print one JSON object.

Each module exposes ``run() -> dict[str, float]``; every figure it returns is
already a median over several runs (see the module). ``--only NAME`` runs the
modules whose name contains NAME. Budgets are in DESIGN.md §10.
"""
from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
import traceback

import benchmarks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--only", action="append", default=[], help="run only modules containing this text")
    args = parser.parse_args(argv)
    from drivers.doubles import set_mode

    set_mode("prueba")  # the camera benchmark plays the demo photo (a test double)
    figures: dict[str, object] = {}
    errors: dict[str, str] = {}
    names = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    for name in names:
        if args.only and not any(o in name for o in args.only):
            continue
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            figures.update(module.run())
        except Exception as exc:  # report and go on: one broken benchmark must not hide the others
            errors[name] = f"{type(exc).__name__}: {exc}"
            traceback.print_exc(file=sys.stderr)
        print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if errors:
        figures["errors"] = errors
    print(json.dumps(figures, indent=2, sort_keys=True))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
