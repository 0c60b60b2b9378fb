"""Child process of the durability test: saves captures and reports each one
on stdout only after its commit returned. Run: python capture_child.py DB COUNT"""
import os
import sys

from station.domain import Actor, Role, Status
from station.store import LocalStore
from station.domain.demo import DEMO_CONSENT

KEY = bytes(range(32))


def main() -> None:
    path, count = sys.argv[1], int(sys.argv[2])
    store = LocalStore(path, KEY, "EST-001-01")
    actor = Actor("capturista", Role.OPERATOR, frozenset({"001"}), "EST-001-01")
    todo = store.find_students(statuses=[Status.ENROLLED], limit=count)
    print("ready", flush=True)
    for student in todo:
        photo = b"\xff\xd8\xff\xe0" + os.urandom(50_000) + b"\xff\xd9"
        signature = ('{"strokes": [], "m": "%s"}' % student.matricula).encode()
        result = store.execute("capture", student.matricula, actor, dict(DEMO_CONSENT),
                               blobs={"photo": photo, "signature": signature, "signature_png": b"\x89PNG" + photo[:900]})
        assert result.status == Status.CAPTURED
        print(student.matricula, flush=True)
    print("done", flush=True)


if __name__ == "__main__":
    main()
