"""Keys, revocations and user status from the server at each sync round (issue 14 §4, §5).

:func:`refresh_trust` pages ``GET /trust`` from the cursor kept in the
trust file (:mod:`station.documents.keys`), merges each page (keys
replaced, revocations added) and removes the offline sign-in records of
users the server reports disabled or unknown
(:func:`station.auth.drop_disabled_users`).
"""
from __future__ import annotations

from pathlib import Path

from station.api import ServerApiError
from station.auth import drop_disabled_users, offline_usernames
from station.documents.keys import KeysFileError, known_keys_path, load_trust, merge_trust

MAX_PAGES = 100


def refresh_trust(store, transport, data_dir: Path | str) -> dict:
    """Download and save keys and revocations; returns ``{"keys", "revocations", "users_removed"}``.

    Raises :class:`station.api.ServerApiError` (network/server, or ``bad_response``
    when the answer is malformed — nothing saved from that page).
    """
    path = known_keys_path(data_dir)
    try:
        cursor = load_trust(path).cursor
    except KeysFileError:
        cursor = 0  # a damaged file is rebuilt from the server
        path.unlink(missing_ok=True)
    users = offline_usernames(store)
    removed: list[str] = []
    received = 0
    for page in range(MAX_PAGES):
        answer = transport.trust(cursor, users if page == 0 else [])
        try:
            trust = merge_trust(path, answer)
        except KeysFileError as exc:
            raise ServerApiError("bad_response", str(exc)) from None
        received += len(answer.get("revocations") or [])
        if page == 0 and users:
            removed = drop_disabled_users(store, {str(k): bool(v) for k, v in (answer.get("users") or {}).items()})
        if not answer.get("more") or trust.cursor <= cursor:
            break
        cursor = trust.cursor
    return {"keys": len(load_trust(path).keys), "revocations": received, "users_removed": removed}
