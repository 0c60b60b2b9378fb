"""Child of the power-cut test: the station store over the power-cut VFS
(:mod:`tests.powercut`), saving captures and printing each matrícula only after
its commit returned. Run: python powercut_child.py DB COUNT SYNCHRONOUS (empty: the product's
setting, :data:`station.store.db.SYNCHRONOUS`)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests import powercut  # noqa: E402

import sqlcipher3._sqlite3  # noqa: E402  the station store's SQLite (SQLCipher, bundled in the wheel)

powercut.install(sqlcipher3._sqlite3.__file__)

import station.store.db  # noqa: E402
from tests.store import capture_child  # noqa: E402

if __name__ == "__main__":
    synchronous = sys.argv.pop(3)
    if synchronous:
        station.store.db.SYNCHRONOUS = synchronous
    capture_child.main()
