"""Station process of the SIGKILL test: push the outbox until it is empty.

Run: python kill_child.py STORE BASE_URL TOKEN STATION_ID. Prints ``pushing``
when the first round starts and ``done`` when nothing is pending.
"""
import sys

from station.api import ServerApi
from station.store import LocalStore
from station.sync import Backoff, SyncService

KEY = bytes(range(32))


def main() -> None:
    path, base, token, station_id = sys.argv[1:5]
    store = LocalStore(path, KEY, station_id)
    config = type("Cfg", (), {"campuses": ["001"]})()
    service = SyncService(store, lambda: ServerApi(base, token=token, timeout=(1.0, 5.0)), config,
                          backoff=Backoff(base_s=0.05, cap_s=0.3, attempts=4))
    print("pushing", flush=True)
    while True:
        result = service.run_round()
        if result.completed and result.pending == 0:
            break
    print("done", flush=True)


if __name__ == "__main__":
    main()
