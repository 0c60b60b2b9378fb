"""Reads of the desk (manual §6, §8, §10, §13): lookups, lists, the status report, audit."""
from __future__ import annotations

from typing import Iterable

from station.domain import (
    Command,
    FieldError,
    Refusal,
    Status,
    Student,
    allowed_commands,
    validate_matricula,
)
from station.domain.report import StatusReport
from station.services.errors import ServiceError, _api_error


#: Statuses shown in «Validar datos alumno» (manual §10).
VALIDATION_STATUSES = (Status.CAPTURED, Status.DEFERRED)



class QueriesMixin:
    """Read part of :class:`station.services.DeskServices` (uses its ``store``, ``api`` and session)."""

    def lookup(self, matricula: str, *, any_campus: bool = True) -> Student:
        """The record of ``matricula`` (manual §8 step 1, §13).

        Validates the matrícula first (format and check digit). Looks in the
        local cache; when absent and online, asks the server (§13: any
        plantel) and caches the answer. Raises :class:`ServiceError` for a
        malformed or unknown matrícula.
        """
        try:
            matricula = validate_matricula(matricula)
        except FieldError as exc:
            raise ServiceError(exc.message, exc.field, "invalid_field") from None
        student = self.store.get_student(matricula)
        if student is not None:
            return student
        if any_campus and self.api is not None and getattr(self.api, "token", None):
            from station.api import ServerApiError

            try:
                data = self.api.get_student(matricula)
            except ServerApiError as exc:
                if exc.cause == "not_found":
                    self.mark_online(True)
                    raise ServiceError(f"La matrícula {matricula} no existe en la base de datos de "
                                       "credencialización.", "matricula", "not_found") from None
                if exc.server_unusable:
                    self.mark_online(False, exc.message)
                    raise ServiceError(f"La matrícula {matricula} no está en el padrón local de esta estación y "
                                       f"no se pudo consultar el servidor central: {exc.message}",
                                       "matricula", "offline") from None
                raise _api_error(exc) from None
            self.mark_online(True)
            student = Student.from_dict(data)
            self.store.upsert_students([student])
            return student
        raise ServiceError(f"La matrícula {matricula} no está en el padrón local de esta estación.",
                           "matricula", "not_found")

    def allowed(self, student: Student | None) -> list[Command]:
        """Commands the signed-in user may attempt on ``student`` (enables buttons)."""
        if self.session is None:
            return []
        return allowed_commands(student, self.session.actor.role)

    def refusal_for(self, student: Student | None, command: Command) -> str:
        """Why ``command`` cannot start for ``student`` because of its status, the
        user's role or plantel (the domain's Spanish message), or ``""`` when it
        may (payload preconditions are checked when the action is saved)."""
        if self.session is None:
            return ""
        from station.domain import Context, apply_command

        result = apply_command(student, command, self.session.actor, {"matricula": getattr(student, "matricula", "")},
                               Context(now=self._clock(), online=self.online))
        if isinstance(result, Refusal) and result.code in ("invalid_status", "forbidden_role", "forbidden_campus",
                                                           "not_found", "already_exists"):
            return result.message
        return ""

    def student_with_biometrics(self, matricula: str) -> tuple[Student, bytes | None, bytes | None]:
        """``(student, photo JPEG, signature PNG)`` of ``matricula`` — what the
        search of «Imprimir temporal», «Rechazar» and «Entregar» shows. Raises
        :class:`ServiceError` like :meth:`lookup`."""
        student = self.lookup(matricula)
        return student, self.photo(student), self.signature_png(student)

    def photo(self, student: Student) -> bytes | None:
        """The student's photo JPEG (decrypted), or ``None``."""
        if student.photo_sha256:
            data = self.store.get_blob(student.photo_sha256)
            if data:
                return data
        return self.store.latest_blob(student.matricula, "photo")

    def signature_png(self, student: Student) -> bytes | None:
        """The student's signature as PNG, or ``None``."""
        return self.store.latest_blob(student.matricula, "signature_png")

    def delivery_signature_png(self, student: Student) -> bytes | None:
        """The delivery signature as PNG (manual §12–13), or ``None``."""
        if not student.delivery_signature_sha256:
            return None
        return self.store.latest_blob(student.matricula, "delivery_signature_png")

    def campuses(self) -> list[tuple[str, str]]:
        """Planteles the user may work on as ``(code, name)`` (all cached ones for
        state office/admin)."""
        known = self.store.campuses()
        if self.session is None or not self.session.actor.campuses:
            return known
        scope = self.session.actor.campuses
        names = dict(known)
        return [(c, names.get(c, c)) for c in sorted(scope)]

    def groups(self, campus: str, statuses: Iterable[Status] | None = VALIDATION_STATUSES) -> list[str]:
        """Group codes of a plantel having students in ``statuses`` (manual §10 filter)."""
        return self.store.groups(campus, statuses)

    def students_page(self, campus: str, group: str | None, statuses: Iterable[Status] = VALIDATION_STATUSES, *,
                      order_by: str = "matricula", descending: bool = False, page: int = 0,
                      page_size: int = 25) -> tuple[list[Student], int]:
        """One page (0-based) of students and the total count (manual §10 table)."""
        statuses = list(statuses)
        total = self.store.count_students(campus, group or None, statuses)
        rows = self.store.find_students(campus, group or None, statuses, order_by=order_by, descending=descending,
                                        limit=page_size, offset=page * page_size)
        return rows, total

    def example_matricula(self, statuses: Iterable[Status] | None = None) -> str:
        """The first matrícula (by matrícula) of the user's first plantel in one of
        ``statuses`` (any status for ``None``), or ``""``: the example the search
        fields show, so it always exists on this desk (demo or production)."""
        campuses = self.campuses()
        for code, _name in campuses[:1]:
            rows = self.store.find_students(code, None, list(statuses) if statuses else None, limit=1)
            if rows:
                return rows[0].matricula
        return ""

    def status_report(self) -> StatusReport:
        """Counts per status per plantel (manual §6) from the local cache, limited to
        the user's planteles for operators and supervisors."""
        scope = sorted(self.session.actor.campuses) if self.session and self.session.actor.campuses else None
        return self.store.status_report(scope)

    def pending_count(self) -> int:
        """Commands waiting to be uploaded."""
        return self.store.pending_count()

    def audit(self, matricula: str):
        """Audit events of a student, oldest first."""
        return self.store.audit_for(matricula)
