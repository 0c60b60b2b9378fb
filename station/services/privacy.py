"""The state office's deletion of a student's biometrics at the desk (issue 14 §6, ARCO
cancelación), online only: the server deletes and audits
(``POST /students/{matrícula}/biometrics/delete``, :mod:`server.services.biometrics`); this
station drops its own copies at once, as every other station does on its next pull."""
from __future__ import annotations

from station.domain import Role, Student
from station.services.errors import ServiceError, _api_error

#: Longest reason sent (the server's limit).
MAX_REASON = 2000


class PrivacyMixin:
    """Privacy part of :class:`station.services.DeskServices` (uses its ``api``, ``store``, ``session``)."""

    def may_delete_biometrics(self) -> bool:
        """True for a signed-in state office user (the server decides again)."""
        return self.role == Role.STATE_OFFICE

    def delete_biometrics(self, matricula: str, reason: str) -> tuple[Student, int]:
        """Delete the student's photo and signatures on the server for ``reason`` (e.g. the folio
        of the ARCO request), then here: the returned record is merged like a pull and the cached
        copies are erased and scrubbed (:mod:`station.store.retention`). Returns the new record
        and how many files the server deleted. Raises :class:`ServiceError` (Spanish): no
        reason (field ``comment``), offline, or the server's refusal (role, status)."""
        reason = " ".join(str(reason or "").split())
        if not reason:
            raise ServiceError("Escriba el motivo de la eliminación (por ejemplo, el folio de la solicitud ARCO).",
                               "comment", "comment_required")
        if len(reason) > MAX_REASON:
            raise ServiceError(f"El motivo es demasiado largo (máximo {MAX_REASON} caracteres).", "comment",
                               "invalid_field")
        if self.api is None or not getattr(self.api, "token", None):
            raise ServiceError("Eliminar la fotografía y la firma necesita conexión con el servidor central. "
                               "Intente de nuevo cuando haya red.", code="offline")
        from station.api import ServerApiError, is_offline

        try:
            answer = self.api.delete_biometrics(matricula, reason)
        except ServerApiError as exc:
            self.mark_online(not is_offline(exc), exc.message)
            raise _api_error(exc) from None
        self.mark_online(True)
        from station.store.retention import erase_biometrics, scrub
        from station.sync.engine import merge_server_records

        record = answer.get("student") if isinstance(answer, dict) else None
        if not isinstance(record, dict):
            raise ServiceError("El servidor respondió sin el registro del alumno.", code="bad_response")
        with self.store.session() as s, s.begin():
            merge_server_records(s, [record])
            erase_biometrics(s, [record["matricula"]])
        scrub(self.store)
        return Student.from_dict(record), len(answer.get("deleted") or [])
