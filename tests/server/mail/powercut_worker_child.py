"""Child of the mail worker's power-cut test: ``credencializacion-server mail worker`` over
the power-cut VFS (:mod:`tests.powercut`), so SIGKILL of this process is a power cut.

Run: python powercut_worker_child.py DB_URL SYNCHRONOUS (empty: the product's setting,
:data:`server.mail.worker.WORKER_SQLITE_SYNCHRONOUS`)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests import powercut  # noqa: E402

powercut.install()  # the system libsqlite3 of the sqlite3 module (the SQLite server's)

import server.mail.worker  # noqa: E402
from server.cli import main  # noqa: E402
from tests.server.mail.conftest import WORKER_ARGS  # noqa: E402

if __name__ == "__main__":
    url, synchronous = sys.argv[1], sys.argv[2]
    if synchronous:
        server.mail.worker.WORKER_SQLITE_SYNCHRONOUS = synchronous
    print("ready", flush=True)
    main(["mail", "worker", "--db", url, *WORKER_ARGS])
