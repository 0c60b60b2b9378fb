"""A server process for fault tests: uvicorn on 127.0.0.1 with optional faults.

Run: python server_child.py URL PORT [--powercut] [--synchronous MODE] [--kill-after-commit FLAG]

- ``--powercut``: SQLite over the power-cut VFS (:mod:`tests.powercut`); SIGKILL
  of this process is then a power cut. ``--synchronous`` overrides the server's
  ``PRAGMA synchronous`` (for the inverse check).
- ``--kill-after-commit FLAG``: when the file ``FLAG`` exists as a transaction
  of a route commits, the file is removed and the process SIGKILLs itself —
  after the commit, before any answer is written: the exact window in which a
  station cannot know whether its command was applied.
"""
import argparse
import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("port", type=int)
    parser.add_argument("--powercut", action="store_true")
    parser.add_argument("--synchronous", default="")
    parser.add_argument("--kill-after-commit", default="")
    args = parser.parse_args()
    if args.powercut:
        from tests import powercut

        powercut.install()
    if args.synchronous:
        import server.db.engine

        server.db.engine.SQLITE_SYNCHRONOUS = args.synchronous
    if args.kill_after_commit:
        import server.api.common

        flag = Path(args.kill_after_commit)
        committed = server.api.common.run_transaction

        def run_transaction(*a, **kw):
            result = committed(*a, **kw)
            try:
                flag.unlink()
            except FileNotFoundError:
                return result
            os.kill(os.getpid(), signal.SIGKILL)
            return result

        server.api.common.run_transaction = run_transaction

    import uvicorn

    from server.app import create_app
    from server.settings import FAST_TEST_SETTINGS

    app = create_app(args.url, settings=FAST_TEST_SETTINGS, migrate=False)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
