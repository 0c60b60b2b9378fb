"""Push and pull against a :class:`~station.sync.transport.Transport` (issue 4 §2–§4).

Push: blobs first (ask the server which are missing, upload only those, one
at a time so an interrupted round never resends what arrived), then the
pending commands in station sequence order, one request each with its
idempotency key. Outcomes: accepted → ``done``; refused (403/404/409/422) →
``incidencia`` with the server's Spanish reason, data kept, the queue goes
on; network/5xx → retried with :class:`~station.sync.backoff.Backoff`;
401, TLS or exhausted retries abort the round (:class:`RoundAborted`) with
the queue intact.

Pull: ``changes(since=cursor)`` pages ordered by the server's change number;
each page is merged and the cursor advanced *in the same local transaction*
(so it is saved only if the records are). Records with pending commands are
stored as server version + pending commands replayed (:mod:`.replay`).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Iterable, TypeVar

from sqlalchemy import select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from station.api import ServerApiError, is_offline
from station.domain import Status, Student
from station.store import BlobDecryptError, LocalStore, OutboxCommand
from station.store.retention import biometrics_deleted, erase_biometrics
from station.store.schema import BlobRow, CampusRow, OutboxRow, SettingRow, StudentRow
from station.store.store import student_values
from station.sync.backoff import Backoff
from station.sync.replay import replay
from station.sync.state import Progress, StateTracker
from station.sync.transport import REFUSAL_STATUSES, PushAnswer, Transport

T = TypeVar("T")

CURSOR_KEY = "sync.cursor"
BLOB_MARK_BATCH = 25


class RoundAborted(Exception):
    """The round stopped early; ``error`` is the :class:`ServerApiError` that stopped it."""

    def __init__(self, error: ServerApiError):
        super().__init__(error.message)
        self.error = error


def utcnow() -> datetime:
    """Aware UTC now."""
    return datetime.now(timezone.utc)


def outbox_command(row: OutboxRow) -> OutboxCommand:
    """Domain-side view of an outbox row."""
    return OutboxCommand(row.seq, row.op_id, row.station_id, row.command, row.matricula,
                         Status(row.expected_status) if row.expected_status else None, dict(row.payload or {}),
                         list(row.blob_sha256s or []), row.username, row.created_at, row.state, row.attempts,
                         row.last_error, row.server_reason)


def wire_op(op: OutboxCommand) -> dict[str, Any]:
    """The JSON body of ``POST /sync/commands`` for an outbox command."""
    return {"op_id": op.op_id, "station_id": op.station_id, "seq": op.seq, "command": op.command,
            "matricula": op.matricula, "expected_status": op.expected_status.value if op.expected_status else None,
            "payload": op.payload, "blob_sha256s": op.blob_sha256s, "username": op.username,
            "created_at": op.created_at.isoformat()}


def is_transient(exc: ServerApiError) -> bool:
    """Worth retrying within the round: network, timeouts, 5xx, unreadable answers,
    and a blob the server found corrupted on the way."""
    return exc.is_transient or exc.code == "blob_hash_mismatch"


def get_cursor(store: LocalStore, campuses: list[str]) -> int:
    """The saved change number for this set of planteles (0 = full pull needed)."""
    value = store.get_setting(CURSOR_KEY)
    if isinstance(value, dict) and sorted(value.get("campuses") or []) == sorted(campuses):
        return int(value.get("seq") or 0)
    return 0


def _server_seq(state: dict | None) -> int:
    if not state:
        return -1
    try:
        return int(state.get("change_seq", -1))
    except (TypeError, ValueError):
        return -1


def merge_server_records(session: Session, items: Iterable[dict], rederive: Iterable[str] = ()) -> int:
    """Store server versions and re-derive the shown records, inside ``session``'s transaction.

    ``items``: student dicts with ``change_seq``; an item older than the
    stored ``server_state`` is ignored. ``rederive``: matrículas whose shown
    record must be recomputed even without a new item (a command of theirs
    just left the queue). Returns how many server versions were stored.
    """
    items = list(items)
    wanted = {str(i["matricula"]) for i in items} | set(rederive)
    if not wanted:
        return 0
    keys = sorted(wanted)
    existing: dict[str, dict | None] = {}
    pending: dict[str, list[OutboxCommand]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        for m, state in session.execute(select(StudentRow.matricula, StudentRow.server_state)
                                        .where(StudentRow.matricula.in_(chunk))):
            existing[m] = state
        for row in session.scalars(select(OutboxRow).where(OutboxRow.state == "pending",
                                                           OutboxRow.matricula.in_(chunk)).order_by(OutboxRow.seq)):
            pending.setdefault(row.matricula, []).append(outbox_command(row))
    newest: dict[str, dict] = {}
    for item in items:
        m = str(item["matricula"])
        if _server_seq(item) > max(_server_seq(existing.get(m)), _server_seq(newest.get(m))):
            newest[m] = item
    values: list[dict] = []
    campuses: dict[str, str] = {}
    for m in keys:
        state = newest.get(m) or existing.get(m)
        if not state:
            continue  # never seen on the server: keep the local record as it is
        server = Student.from_dict(state)
        shown = replay(server, pending.get(m, ())) or server
        row = student_values(shown)
        row["server_state"] = dict(state)
        values.append(row)
        campuses[server.campus_code] = server.campus_name
    if values:
        table = StudentRow.__table__
        stmt = sqlite_insert(table)
        stmt = stmt.on_conflict_do_update(index_elements=["matricula"],
                                          set_={c.name: stmt.excluded[c.name] for c in table.columns
                                                if c.name != "matricula"})
        session.execute(stmt, values)
    if campuses:
        known = set(session.scalars(select(CampusRow.code).where(CampusRow.code.in_(list(campuses)))))
        for code, name in campuses.items():
            if code not in known:
                session.add(CampusRow(code=code, name=name or code))
    # the state office deleted these students' biometrics on the server (issue 14 §6): drop our copies too
    erase_biometrics(session, [m for m, item in newest.items() if biometrics_deleted(existing.get(m), item)])
    return len(newest)


class SyncEngine:
    """One station's push and pull (see module doc).

    ``campuses``: planteles to pull (empty = whatever the server gives the
    signed-in user); ``page_size``: records per pull page; ``tracker``
    receives progress and online/offline changes.
    """

    def __init__(self, store: LocalStore, transport: Transport, tracker: StateTracker | None = None,
                 backoff: Backoff | None = None, campuses: list[str] | None = None, page_size: int = 500):
        self.store = store
        self.transport = transport
        self.tracker = tracker or StateTracker()
        self.backoff = backoff or Backoff()
        self.campuses = sorted(campuses or [])
        self.page_size = page_size
        self.errors: list[dict] = []
        #: blob SHA-256 → Spanish reason, for local blobs that failed to decrypt this round
        self.broken_blobs: dict[str, str] = {}

    # --- plumbing -------------------------------------------------------

    def _progress(self, done: int, total: int, phase: str) -> None:
        self.tracker.update(progress=Progress(done, total, phase))

    def _note_op_error(self, seq: int | None, exc: ServerApiError) -> None:
        if seq is None:
            return
        with self.store.session() as s, s.begin():
            s.execute(update(OutboxRow).where(OutboxRow.seq == seq)
                      .values(attempts=OutboxRow.attempts + 1, last_error=exc.message[:2000]))

    def call(self, fn: Callable[[], T], seq: int | None = None) -> T:
        """Run ``fn`` with retries on transient failures; raise :class:`RoundAborted` otherwise."""
        attempts = max(1, self.backoff.attempts)
        for attempt in range(1, attempts + 1):
            try:
                result = fn()
            except ServerApiError as exc:
                self.tracker.update(online=not is_offline(exc))
                if not is_transient(exc):
                    raise
                self._note_op_error(seq, exc)
                self.errors.append({"cause": exc.cause, "status": exc.status, "message": exc.message})
                if attempt == attempts:
                    raise RoundAborted(exc) from None
                self.backoff.wait(attempt)
                continue
            self.tracker.update(online=True)
            return result
        raise AssertionError("unreachable")

    # --- push -----------------------------------------------------------

    def pending_ops(self) -> list[OutboxCommand]:
        """Pending outbox commands in sequence order."""
        with self.store.session() as s:
            return [outbox_command(r) for r in
                    s.scalars(select(OutboxRow).where(OutboxRow.state == "pending").order_by(OutboxRow.seq))]

    def upload_blobs(self, ops: list[OutboxCommand], force: bool = False) -> int:
        """Upload the blobs of ``ops`` the server lacks; returns how many were sent.

        Without ``force`` blobs already marked ``uploaded`` are not even asked about.
        """
        pairs = list(dict.fromkeys((sha, op.matricula) for op in ops for sha in op.blob_sha256s))
        if not pairs:
            return 0
        shas = list(dict.fromkeys(sha for sha, _m in pairs))
        with self.store.session() as s:
            rows = {r.sha256: (r.kind, r.uploaded) for r in s.execute(
                select(BlobRow.sha256, BlobRow.kind, BlobRow.uploaded).where(BlobRow.sha256.in_(shas)))}
        todo = [(sha, m) for sha, m in pairs if sha in rows and (force or not rows[sha][1])]
        if not todo:
            return 0
        self._progress(0, len(todo), "blobs")
        missing = set(self.call(lambda: self.transport.missing_blobs([sha for sha, _m in todo],
                                                                     [m for _sha, m in todo])))
        self._mark_uploaded(list(dict.fromkeys(sha for sha, _m in todo if sha not in missing)))
        sent, batch = 0, []
        for sha, matricula in [(sha, m) for sha, m in todo if sha in missing]:
            try:
                data = self.store.get_blob(sha)
            except BlobDecryptError as exc:  # one damaged blob must not stop the others (issue 14 §3)
                self.broken_blobs[sha] = str(exc)
                continue
            kind = rows[sha][0]
            self.call(lambda: self.transport.put_blob(sha, data, kind, matricula))
            sent += 1
            batch.append(sha)
            if len(batch) >= BLOB_MARK_BATCH:
                self._mark_uploaded(batch)
                batch = []
            self._progress(sent, len(missing), "blobs")
        self._mark_uploaded(batch)
        return sent

    def _mark_uploaded(self, shas: list[str]) -> None:
        if shas:
            with self.store.session() as s, s.begin():
                s.execute(update(BlobRow).where(BlobRow.sha256.in_(shas)).values(uploaded=True))

    def push_one(self, op: OutboxCommand) -> PushAnswer:
        """Send one command until the server answers (accepted or refused).

        A 424 ``blob_missing`` re-uploads the command's blobs (twice at most).
        Raises :class:`RoundAborted` or a non-refusal :class:`ServerApiError` (401…).
        """
        body = wire_op(op)
        from station.auth import attestation_for

        attestation = attestation_for(self.store, op.username, op.created_at)
        if attestation:
            body["attestation"] = attestation
        reuploads = 0
        while True:
            try:
                return self.call(lambda: self.transport.push_command(body), op.seq)
            except ServerApiError as exc:
                if exc.code == "blob_missing" and reuploads < 2:
                    reuploads += 1
                    self.upload_blobs([op], force=True)
                    continue
                if exc.status in REFUSAL_STATUSES:
                    return PushAnswer(False, None, exc.code or "", exc.message, exc.field)
                raise

    def record_answer(self, op: OutboxCommand, answer: PushAnswer) -> None:
        """Mark ``op`` done or incidencia and refresh its student, in ONE local transaction."""
        with self.store.session() as s, s.begin():
            row = s.get(OutboxRow, op.seq)
            if row is None or row.state != "pending":
                return
            row.state = "done" if answer.accepted else "incidencia"
            row.server_reason = "" if answer.accepted else (answer.message or "El servidor rechazó la acción.")
            row.attempts = row.attempts + 1
            row.last_error = ""
            s.flush()
            merge_server_records(s, [answer.student] if answer.student else [], rederive=[op.matricula])

    def push(self) -> tuple[int, int]:
        """Upload blobs then commands; returns ``(accepted, refused)``.

        Raises :class:`RoundAborted` / :class:`ServerApiError` (401, TLS…) with
        what was done so far kept.
        """
        ops = self.pending_ops()
        if not ops:
            return 0, 0
        self.upload_blobs(ops)
        accepted = refused = 0
        self._progress(0, len(ops), "commands")
        for done, op in enumerate(ops, start=1):
            broken = [self.broken_blobs[sha] for sha in op.blob_sha256s if sha in self.broken_blobs]
            if broken:
                answer = PushAnswer(False, None, "blob_undecryptable",
                                    "No se envió: un dato biométrico guardado en esta estación no se pudo "
                                    f"descifrar ({broken[0]}). Vuelva a capturar al alumno.", None)
            else:
                answer = self.push_one(op)
            self.record_answer(op, answer)
            if answer.accepted:
                accepted += 1
            else:
                refused += 1
            self._progress(done, len(ops), "commands")
        return accepted, refused

    # --- pull -----------------------------------------------------------

    def cursor(self) -> int:
        """The saved cursor for this station's planteles."""
        return get_cursor(self.store, self.campuses)

    def pull(self) -> int:
        """Fetch changes since the cursor, page by page; returns records received."""
        cursor = self.cursor()
        pulled = 0
        while True:
            since = cursor
            page = self.call(lambda: self.transport.changes(since, self.page_size, self.campuses or None))
            items = list(page.get("items") or [])
            nxt = max(cursor, int(page.get("next") or 0))
            with self.store.session() as s, s.begin():
                merge_server_records(s, items)
                if nxt > cursor:
                    s.merge(SettingRow(key=CURSOR_KEY, value={"campuses": self.campuses, "seq": nxt}))
            cursor = nxt
            pulled += len(items)
            self._progress(pulled, pulled + int(page.get("remaining") or 0), "pull")
            if not page.get("more") or not items:
                return pulled
