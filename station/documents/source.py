"""Where ``credencializacion card`` gets a student's record and biometrics,
and how a print is recorded (manual §9; DESIGN.md §3 "print temporary credential").

:class:`CardSource` is the small protocol the CLI (and the UI) print through;
:class:`StoreCardSource` implements it on the local SQLite cache
(:class:`station.store.LocalStore`).
"""
from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Protocol

from station.domain.student import Student
from station.domain.transitions import Command, record_refusal
from station.domain.errors import UserError


class CardSourceError(UserError, LookupError):
    """The student cannot be printed (unknown matrícula, no biometrics,
    refused by the domain). ``str()`` is Spanish."""

    code = "card_unavailable"


@dataclass(frozen=True)
class CardInputs:
    """A student's record with the decrypted ``photo_jpeg`` and ``signature_png`` bytes."""

    student: Student
    photo_jpeg: bytes
    signature_png: bytes


class CardSource(Protocol):
    """Protocol for printing credentials from some store."""

    def load_card_inputs(self, matricula: str) -> CardInputs:
        """Record and biometrics of ``matricula``; raises :class:`CardSourceError`."""

    def group_matriculas(self, group_code: str, campus_code: str | None = None) -> list[str]:
        """Matrículas of a group that have photo and signature, sorted."""

    def record_print(self, matricula: str) -> Student:
        """Apply ``print_temporary``: reprint counter +1, audit event, outbox command.
        Returns the updated record; raises :class:`CardSourceError` when refused."""


class StoreCardSource:
    """:class:`CardSource` on a :class:`station.store.LocalStore`.

    ``actor`` defaults to an operator named after the OS user
    (``consola:<usuario>``) scoped to the student's plantel — the CLI has no
    login; the UI passes the signed-in user.
    """

    def __init__(self, store, actor=None):
        self.store = store
        self.actor = actor

    def load_card_inputs(self, matricula: str) -> CardInputs:
        student = self.store.get_student(matricula)
        if student is None:
            raise CardSourceError(f"La matrícula {matricula} no está en el padrón local de esta estación.")
        if record_refusal(Command.PRINT_TEMPORARY, student) is not None:  # no photo and signature
            raise CardSourceError(f"La matrícula {matricula} aún no tiene fotografía y firma capturadas.")
        photo = self.store.get_blob(student.photo_sha256) or self.store.latest_blob(matricula, "photo")
        signature = self.store.latest_blob(matricula, "signature_png")
        if not photo or not signature:
            raise CardSourceError(f"Faltan la fotografía o la imagen de la firma de {matricula} en esta "
                                  "estación; sincronice e intente de nuevo.")
        return CardInputs(student, photo, signature)

    def group_matriculas(self, group_code: str, campus_code: str | None = None) -> list[str]:
        return sorted(s.matricula for s in self.store.find_students(campus=campus_code, group=group_code)
                      if record_refusal(Command.PRINT_TEMPORARY, s) is None)

    def _actor_for(self, student: Student):
        if self.actor is not None:
            return self.actor
        from station.domain import Actor, Role

        try:
            user = getpass.getuser()
        except Exception:  # no login name in some service contexts
            user = "desconocido"
        return Actor(f"consola:{user}", Role.OPERATOR, frozenset({student.campus_code}),
                     getattr(self.store, "station_id", ""))

    def record_print(self, matricula: str) -> Student:
        from station.domain import Refusal

        student = self.store.get_student(matricula)
        if student is None:
            raise CardSourceError(f"La matrícula {matricula} no está en el padrón local de esta estación.")
        result = self.store.execute(Command.PRINT_TEMPORARY, matricula, self._actor_for(student))
        if isinstance(result, Refusal):
            raise CardSourceError(result.message)
        return result
