"""Push and pull against a :class:`~station.sync.transport.Transport` (issue 4 §2–§4).

Push: blobs first (ask the server which are missing, upload only those, in
bounded batches whose stored blobs are marked at once, so an interrupted
round never resends what arrived), then the pending commands in station
sequence order, in batches (``POST /sync/commands/batch``) where each
command keeps its own idempotency key and answer; the answers of one
response are committed in ONE local transaction (issue 15). Outcomes:
accepted → ``done``; refused (403/404/409/422) →
``incidencia`` with the server's Spanish reason, data kept, the queue goes
on; network/5xx → retried with :class:`~station.sync.backoff.Backoff`;
401, TLS or exhausted retries abort the round (:class:`RoundAborted`) with
the queue intact.

Pull: ``changes(since=cursor)`` pages ordered by the server's change number;
each page is merged and the cursor advanced *in the same local transaction*
(so it is saved only if the records are), while the next page is already being
fetched on a helper thread. Records with pending commands are
stored as server version + pending commands replayed (:mod:`.replay`).
"""
from __future__ import annotations

import dataclasses
import json
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime, timezone
from typing import Any, Callable, Iterable, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from station.api import ServerApiError, is_offline
from station.domain import Status, Student
from station.store import BlobDecryptError, LocalStore, OutboxCommand
from station.store.retention import biometrics_deleted, erase_biometrics
from station.store.schema import BlobRow, CampusRow, OutboxRow, SettingRow, StudentRow, UTCDateTime
from station.store.store import student_values
from station.sync.backoff import Backoff
from station.sync.replay import replay
from station.sync.state import Progress, StateTracker
from station.sync.transport import REFUSAL_STATUSES, PushAnswer, Transport

T = TypeVar("T")

CURSOR_KEY = "sync.cursor"
#: Most commands per ``POST /sync/commands/batch`` (the server takes up to 100).
COMMAND_BATCH = 50
#: Most blobs and bytes per ``POST /blobs/batch`` (the server takes up to 64 and 16 MB).
BLOB_BATCH_COUNT = 48
BLOB_BATCH_BYTES = 8 * 1024 * 1024


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


#: Columns of the station's ``students`` table, in the order of :data:`_UPSERT_SQL`'s parameters.
_COLUMNS = [c.name for c in StudentRow.__table__.columns]
_REQUIRED = ("matricula", "curp", "first_names", "first_surname")
_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Student)
             if f.name in _COLUMNS and f.default is not dataclasses.MISSING}
_TIME_COLUMNS = frozenset(c.name for c in StudentRow.__table__.columns if isinstance(c.type, UTCDateTime))
_UPSERT_SQL = (f"INSERT INTO students ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))}) "
               "ON CONFLICT(matricula) DO UPDATE SET "
               + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "matricula"))


def _time(value: Any) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        raise ValueError("Se requiere una fecha con zona horaria (UTC).")
    return moment.astimezone(timezone.utc).isoformat()


def _date(value: Any) -> str:
    return (date.fromisoformat(value[:10]) if isinstance(value, str) else value).isoformat()


#: Column → how SQLite stores its value (what SQLAlchemy's bind processing would write): ISO UTC
#: text for times, ISO date, 0/1, the status code; other columns as they are. Each raises
#: ``ValueError`` for a malformed date, a naive time or an unknown status.
_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    **{c: _time for c in _TIME_COLUMNS}, "valid_until": _date, "status": lambda v: Status(v).value,
    "temporary_returned": lambda v: int(bool(v)),
}
_PLAN = [(c, _CONVERTERS.get(c), _DEFAULTS.get(c)) for c in _COLUMNS if c != "server_state"]
_STATE_INDEX = _COLUMNS.index("server_state")


def stored_row(values: dict[str, Any], server_state: dict) -> tuple:
    """One parameter tuple of :data:`_UPSERT_SQL`: the shown record ``values`` (a
    ``Student.to_dict()``-shaped dict or :func:`station.store.store.student_values`) with
    ``server_state`` as its JSON copy. Raises ``ValueError`` for a record missing its
    identity or with malformed values (as ``Student.from_dict`` would)."""
    if not all(values.get(k) for k in _REQUIRED):
        missing = [k for k in _REQUIRED if not values.get(k)]
        raise ValueError(f"El registro del servidor no trae {', '.join(missing)}.")
    out = []
    for column, convert, default in _PLAN:
        value = values.get(column, default)
        out.append(convert(value) if convert is not None and value is not None else value)
    out.insert(_STATE_INDEX, json.dumps(server_state, separators=(",", ":")))
    return tuple(out)


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
    rows: list[tuple] = []
    campuses: dict[str, str] = {}
    for m in keys:
        state = newest.get(m) or existing.get(m)
        if not state:
            continue  # never seen on the server: keep the local record as it is
        if pending.get(m):
            server = Student.from_dict(state)
            shown = replay(server, pending[m]) or server
            rows.append(stored_row(student_values(shown), state))
        else:  # the common case (a whole page of a first pull): no domain object needed
            rows.append(stored_row(state, state))
        campuses[str(state.get("campus_code") or "")] = str(state.get("campus_name") or "")
    if rows:
        session.connection().exec_driver_sql(_UPSERT_SQL, rows)
    campuses.pop("", None)
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
    signed-in user); ``page_size``: records per pull page; ``batch_size``:
    commands per push request; ``blob_batch``: blobs per upload request; ``tracker``
    receives progress and online/offline changes.
    """

    def __init__(self, store: LocalStore, transport: Transport, tracker: StateTracker | None = None,
                 backoff: Backoff | None = None, campuses: list[str] | None = None, page_size: int = 500,
                 batch_size: int = COMMAND_BATCH, blob_batch: int = BLOB_BATCH_COUNT):
        self.store = store
        self.transport = transport
        self.tracker = tracker or StateTracker()
        self.backoff = backoff or Backoff()
        self.campuses = sorted(campuses or [])
        self.page_size = page_size
        self.batch_size = max(1, batch_size)
        self.blob_batch = max(1, blob_batch)
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
        Sent in batches (:data:`BLOB_BATCH_COUNT` blobs, :data:`BLOB_BATCH_BYTES`) through
        :meth:`Transport.put_blobs`; each batch's stored blobs are marked ``uploaded`` in one
        local transaction. A blob the server refuses raises that refusal (as a single upload
        would), after the others of its batch are marked.
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
        wanted = [(sha, m) for sha, m in todo if sha in missing]
        sent, batch, batch_bytes = 0, [], 0
        for sha, matricula in wanted:
            try:
                data = self.store.get_blob(sha)
            except BlobDecryptError as exc:  # one damaged blob must not stop the others (issue 14 §3)
                self.broken_blobs[sha] = str(exc)
                continue
            if batch and (len(batch) >= self.blob_batch or batch_bytes + len(data) > BLOB_BATCH_BYTES):
                sent += self._send_blob_batch(batch)
                self._progress(sent, len(wanted), "blobs")
                batch, batch_bytes = [], 0
            batch.append((sha, data, rows[sha][0], matricula))
            batch_bytes += len(data)
        if batch:
            sent += self._send_blob_batch(batch)
            self._progress(sent, len(wanted), "blobs")
        return sent

    def _send_blob_batch(self, batch: list[tuple[str, bytes, str, str]]) -> int:
        """Upload ``batch`` until every blob is stored; a transient per-blob failure (the bytes
        were damaged on the way) resends just those, a final one is raised."""
        remaining, sent = list(batch), 0

        def attempt():
            nonlocal remaining, sent
            results = self.transport.put_blobs(remaining)
            stored = [item[0] for item, err in zip(remaining, results) if err is None]
            self._mark_uploaded(stored)
            sent += len(stored)
            failed = [(item, err) for item, err in zip(remaining, results) if err is not None]
            remaining = [item for item, _err in failed]
            if failed:
                raise failed[0][1]

        self.call(attempt)
        return sent

    def _mark_uploaded(self, shas: list[str]) -> None:
        if shas:
            with self.store.session() as s, s.begin():
                s.execute(update(BlobRow).where(BlobRow.sha256.in_(shas)).values(uploaded=True))

    def wire_body(self, op: OutboxCommand) -> dict[str, Any]:
        """The wire body of ``op`` with the author's offline sign-in attestation, if any."""
        from station.auth import attestation_for

        body = wire_op(op)
        attestation = attestation_for(self.store, op.username, op.created_at)
        if attestation:
            body["attestation"] = attestation
        return body

    def push_one(self, op: OutboxCommand) -> PushAnswer:
        """Send one command alone (``POST /sync/commands``) until the server answers.

        A 424 ``blob_missing`` re-uploads the command's blobs (twice at most).
        Raises :class:`RoundAborted` or a non-refusal :class:`ServerApiError` (401…).
        """
        body = self.wire_body(op)
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

    def push_batch(self, ops: list[OutboxCommand], on_answers: Callable[[list[tuple[OutboxCommand, PushAnswer]]],
                                                                         None]) -> None:
        """Send ``ops`` (station order) as batches (``POST /sync/commands/batch``) until each has a
        final answer; ``on_answers`` gets each response's final answers, in order, before anything
        else is sent (the caller commits them in one local transaction).

        The server answers in order and stops at the first non-final answer: a 424
        ``blob_missing`` re-uploads that command's blobs (twice at most per command) and the
        batch resumes from it; any other non-final answer is raised as a single push would.
        Raises :class:`RoundAborted` or a non-refusal :class:`ServerApiError` (401…).
        """
        remaining = [(op, self.wire_body(op)) for op in ops]
        reuploads: dict[int, int] = {}
        while remaining:
            results = self.call(lambda: self.transport.push_commands([b for _op, b in remaining]),
                                remaining[0][0].seq)
            final: list[tuple[OutboxCommand, PushAnswer]] = []
            for (op, _body), item in zip(remaining, results):
                if not isinstance(item, PushAnswer):
                    break
                final.append((op, item))
            if final:
                on_answers(final)
            remaining = remaining[len(final):]
            if not remaining:
                return
            op, item = remaining[0][0], results[len(final)]
            if item is None:  # a skipped first command: the server never looked at it
                raise ServerApiError("bad_response", "El servidor omitió una acción del lote sin indicar por qué.")
            if item.code == "blob_missing" and reuploads.get(op.seq, 0) < 2:
                reuploads[op.seq] = reuploads.get(op.seq, 0) + 1
                self.upload_blobs([op], force=True)
                continue
            if item.status in REFUSAL_STATUSES:  # defensive: a refusal shaped as an error is still final
                on_answers([(op, PushAnswer(False, None, item.code or "", item.message, item.field))])
                remaining = remaining[1:]
                continue
            raise item

    def record_answer(self, op: OutboxCommand, answer: PushAnswer) -> None:
        """Mark ``op`` done or incidencia and refresh its student, in ONE local transaction."""
        self.record_answers([(op, answer)])

    def record_answers(self, answers: list[tuple[OutboxCommand, PushAnswer]]) -> None:
        """Mark each op done or incidencia and refresh their students, all in ONE local transaction."""
        with self.store.session() as s, s.begin():
            rows = {r.seq: r for r in s.scalars(select(OutboxRow).where(
                OutboxRow.seq.in_([op.seq for op, _a in answers])))}
            students: list[dict] = []
            rederive: list[str] = []
            for op, answer in answers:
                row = rows.get(op.seq)
                if row is None or row.state != "pending":
                    continue
                row.state = "done" if answer.accepted else "incidencia"
                row.server_reason = "" if answer.accepted else (answer.message or "El servidor rechazó la acción.")
                row.attempts = row.attempts + 1
                row.last_error = ""
                if answer.student:
                    students.append(answer.student)
                rederive.append(op.matricula)
            s.flush()
            merge_server_records(s, students, rederive=rederive)

    def push(self) -> tuple[int, int]:
        """Upload blobs then commands in batches of :attr:`batch_size`; returns ``(accepted, refused)``.

        Each batch's answers are committed in one local transaction. Raises
        :class:`RoundAborted` / :class:`ServerApiError` (401, TLS…) with what was
        done so far kept.
        """
        ops = self.pending_ops()
        if not ops:
            return 0, 0
        self.upload_blobs(ops)
        counts = {"accepted": 0, "refused": 0, "done": 0}
        self._progress(0, len(ops), "commands")

        def on_answers(answers: list[tuple[OutboxCommand, PushAnswer]]) -> None:
            self.record_answers(answers)
            for _op, answer in answers:
                counts["accepted" if answer.accepted else "refused"] += 1
            counts["done"] += len(answers)
            self._progress(counts["done"], len(ops), "commands")

        for start in range(0, len(ops), self.batch_size):
            chunk, sendable = ops[start:start + self.batch_size], []
            for op in chunk:
                broken = [self.broken_blobs[sha] for sha in op.blob_sha256s if sha in self.broken_blobs]
                if not broken:
                    sendable.append(op)
                    continue
                if sendable:  # keep the station's order: what came before goes first
                    self.push_batch(sendable, on_answers)
                    sendable = []
                on_answers([(op, PushAnswer(False, None, "blob_undecryptable",
                                            "No se envió: un dato biométrico guardado en esta estación no se pudo "
                                            f"descifrar ({broken[0]}). Vuelva a capturar al alumno.", None))])
            if sendable:
                self.push_batch(sendable, on_answers)
        return counts["accepted"], counts["refused"]

    # --- pull -----------------------------------------------------------

    def cursor(self) -> int:
        """The saved cursor for this station's planteles."""
        return get_cursor(self.store, self.campuses)

    def pull(self) -> int:
        """Fetch changes since the cursor, page by page; returns records received.

        Each page is merged and the cursor advanced in one local transaction. While
        page *k* is being stored, page *k+1* (whose ``since`` is page *k*'s ``next``,
        known before the commit) is already being fetched on one helper thread, so the
        server's work and the wait overlap the local writes (issue 15 item 4). Only the
        first attempt of a page runs there: its failure is raised here, after page *k*
        is committed, and retries (backoff, tracker) run on the calling thread as
        before. Whatever stops the pull leaves pages before the failure committed and
        the cursor after the last of them; an in-flight fetch is waited for (its answer
        dropped) so the transport is never used by two threads at once.
        """
        cursor = self.cursor()
        pulled = 0
        ahead: Future | None = None
        pool: ThreadPoolExecutor | None = None

        def fetch(since: int) -> dict:
            return self.transport.changes(since, self.page_size, self.campuses or None)

        def take() -> dict:  # the prefetched page on the first attempt, a direct fetch on retries
            nonlocal ahead
            if ahead is not None:
                future, ahead = ahead, None
                return future.result()
            return fetch(cursor)

        try:
            while True:
                page = self.call(take)
                items = list(page.get("items") or [])
                nxt = max(cursor, int(page.get("next") or 0))
                last = not page.get("more") or not items
                if not last:
                    pool = pool or ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull")
                    ahead = pool.submit(fetch, nxt)
                with self.store.session() as s, s.begin():
                    merge_server_records(s, items)
                    if nxt > cursor:
                        s.merge(SettingRow(key=CURSOR_KEY, value={"campuses": self.campuses, "seq": nxt}))
                cursor = nxt
                pulled += len(items)
                self._progress(pulled, pulled + int(page.get("remaining") or 0), "pull")
                if last:
                    return pulled
        finally:
            if ahead is not None:
                ahead.cancel()
            if pool is not None:
                pool.shutdown(wait=True)
