"""Test support for sync: an in-process model server and a fault-injecting transport.

:class:`FakeServer` follows the wire contract of ``station.sync`` (blobs
re-hashed, idempotency table, refusal answers with the current record,
change numbers) and applies commands with the one transition table — so the
station engine can be tested before and independently of the HTTP server.
:class:`FaultyTransport` wraps any transport and drops, duplicates, delays
(re-delivering later, hence reordering) and loses answers after the server
acted; ``crash`` raises :class:`SimulatedCrash` after the server committed.
"""
from __future__ import annotations

import hashlib
import json
import random
import threading
from collections import Counter
from datetime import datetime, timezone

from station.api import ServerApiError
from station.domain import Actor, Command, Context, Refusal, Status, Student, apply_command
from station.sync.transport import PushAnswer


class SimulatedCrash(BaseException):
    """The station process 'dies' here (BaseException: nothing catches it)."""


def _net(message="Se perdió la conexión (simulada)."):
    return ServerApiError("network", message)


class FakeServer:
    """Model server. ``users``: username → :class:`Actor` (role and planteles)."""

    def __init__(self, students: list[Student], users: dict[str, Actor]):
        self.lock = threading.Lock()
        self.users = users
        self.students: dict[str, Student] = {}
        self.seqs: dict[str, int] = {}
        self.counter = 0
        self.ops: dict[str, tuple[str, bool, dict]] = {}
        self.applied: Counter = Counter()
        self.blobs: dict[str, bytes] = {}
        for st in students:
            self._store(st)

    def _store(self, student: Student) -> None:
        self.counter += 1
        self.students[student.matricula] = student
        self.seqs[student.matricula] = self.counter

    def record(self, matricula: str) -> dict | None:
        st = self.students.get(matricula)
        if st is None:
            return None
        return {**st.to_dict(), "change_seq": self.seqs[matricula]}

    # --- transport methods --------------------------------------------

    def missing_blobs(self, sha256s, matriculas=None):
        with self.lock:
            return [s for s in sha256s if s not in self.blobs]

    def put_blob(self, sha256, data, kind, matricula=""):
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ServerApiError("invalid", "El archivo no corresponde a su huella SHA-256.", 422, "blob_hash_mismatch")
        with self.lock:
            self.blobs[sha256] = bytes(data)

    def get_blob(self, sha256):
        with self.lock:
            if sha256 not in self.blobs:
                raise ServerApiError("not_found", "No existe.", 404, "blob_not_found")
            return self.blobs[sha256]

    def push_command(self, op):
        body_hash = hashlib.sha256(json.dumps({k: op[k] for k in sorted(op)}, sort_keys=True).encode()).hexdigest()
        with self.lock:
            if op["op_id"] in self.ops:
                stored_hash, accepted, answer = self.ops[op["op_id"]]
                if stored_hash != body_hash:
                    raise ServerApiError("invalid", "La clave de idempotencia ya se usó con otro contenido.", 422,
                                   "idempotency_key_reused")
                return PushAnswer(accepted, answer.get("student"), answer.get("code", ""), answer.get("message", ""))
            missing = [s for s in op.get("blob_sha256s", []) if s not in self.blobs]
            if missing:
                raise ServerApiError("invalid", "Faltan archivos.", 424, "blob_missing")
            m = op["matricula"]
            actor = self.users[op["username"]]
            student = self.students.get(m)
            expected = Status(op["expected_status"]) if op.get("expected_status") else None
            if expected is not None and student is not None and student.status != expected:
                result = Refusal("status_changed", f"El estatus del alumno cambió a «{student.status.label}» "
                                                   f"(se esperaba «{expected.label}»).")
            else:
                result = apply_command(student, op["command"], actor, {"matricula": m, **op["payload"]},
                                       Context(now=datetime.now(timezone.utc), online=True))
            if isinstance(result, Refusal):
                answer = {"student": self.record(m), "code": result.code, "message": result.message}
                self.ops[op["op_id"]] = (body_hash, False, answer)
                return PushAnswer(False, answer["student"], result.code, result.message)
            self._store(result)
            self.applied[op["op_id"]] += 1
            answer = {"student": self.record(m)}
            self.ops[op["op_id"]] = (body_hash, True, answer)
            return PushAnswer(True, answer["student"])

    def push_commands(self, ops):
        """Batch: each op as :meth:`push_command`; stops at the first non-final answer (the rest ``None``)."""
        out = []
        for op in ops:
            if out and not isinstance(out[-1], PushAnswer):
                out.append(None)
                continue
            try:
                out.append(self.push_command(op))
            except ServerApiError as exc:
                final = exc.status in (403, 404, 409, 422)
                out.append(PushAnswer(False, None, exc.code or "", exc.message, exc.field) if final else exc)
        return out

    def put_blobs(self, items):
        out = []
        for sha, data, kind, matricula in items:
            try:
                self.put_blob(sha, data, kind, matricula)
                out.append(None)
            except ServerApiError as exc:
                out.append(exc)
        return out

    def changes(self, since, limit, campuses):
        with self.lock:
            rows = sorted((seq, m) for m, seq in self.seqs.items() if seq > since
                          and (not campuses or self.students[m].campus_code in campuses))
            page = rows[:limit]
            more = len(rows) > limit
            nxt = page[-1][0] if more else max(since, self.counter)
            return {"items": [self.record(m) for _, m in page], "next": nxt, "more": more,
                    "remaining": len(rows) - len(page)}

    def apply_direct(self, matricula, command, actor, payload):
        """A change made on the server by someone else (e.g. the state office)."""
        with self.lock:
            result = apply_command(self.students.get(matricula), command, actor, {"matricula": matricula, **payload},
                                   Context(now=datetime.now(timezone.utc), online=True))
            if not isinstance(result, Refusal):
                self._store(result)
            return result


class FaultyTransport:
    """Wraps a transport; ``faults`` is a list consumed per call (``None`` = deliver
    normally) or, when empty, ``rng`` draws from ``rates``.

    Faults: ``drop`` (request lost), ``lose`` (server acts, answer lost),
    ``dup`` (delivered twice), ``delay`` (held, delivered at a later call →
    reorder; the caller sees a timeout), ``5xx``, ``crash`` (server acts, then
    :class:`SimulatedCrash`).
    """

    KINDS = ("drop", "lose", "dup", "delay", "5xx", "crash")

    def __init__(self, inner, rng: random.Random | None = None, rates: dict[str, float] | None = None):
        self.inner = inner
        self.rng = rng or random.Random(0)
        self.rates = rates or {}
        self.faults: list[str | None] = []
        self.delayed: list[tuple[str, tuple]] = []
        self.down = False
        self.log: Counter = Counter()

    def _fault(self) -> str | None:
        if self.faults:
            return self.faults.pop(0)
        roll = self.rng.random()
        acc = 0.0
        for kind in self.KINDS:
            acc += self.rates.get(kind, 0.0)
            if roll < acc:
                return kind
        return None

    def flush_delayed(self, count: int | None = None) -> None:
        """Deliver held requests (answers discarded) — late, possibly after newer ones."""
        held, self.delayed = self.delayed, []
        if count is not None:
            held, self.delayed = held[:count], held[count:]
        for name, args in held:
            try:
                getattr(self.inner, name)(*args)
            except ServerApiError:
                pass

    def _call(self, name, *args):
        if self.down:
            raise ServerApiError("refused", "El servidor rechazó la conexión (simulado).")
        if self.delayed and self.rng.random() < 0.3:
            self.flush_delayed(1)
        fault = self._fault()
        self.log[fault] += 1
        if fault == "drop":
            raise _net()
        if fault == "5xx":
            raise ServerApiError("server", "Error interno (simulado).", 503)
        if fault == "delay":
            self.delayed.append((name, args))
            raise ServerApiError("timeout", "El servidor no respondió a tiempo (simulado).")
        result = getattr(self.inner, name)(*args)
        if fault == "dup":
            result = getattr(self.inner, name)(*args)
        if fault == "lose":
            raise ServerApiError("timeout", "Se perdió la respuesta (simulado).")
        if fault == "crash":
            raise SimulatedCrash()
        return result

    def missing_blobs(self, sha256s, matriculas=None):
        return self._call("missing_blobs", sha256s, matriculas)

    def put_blob(self, sha256, data, kind, matricula=""):
        return self._call("put_blob", sha256, data, kind, matricula)

    def get_blob(self, sha256):
        return self._call("get_blob", sha256)

    def push_command(self, op):
        return self._call("push_command", op)

    def push_commands(self, ops):
        return self._call("push_commands", ops)

    def put_blobs(self, items):
        return self._call("put_blobs", items)

    def changes(self, since, limit, campuses):
        return self._call("changes", since, limit, campuses)
