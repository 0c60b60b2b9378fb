"""The desk's SAE client (manual §7): look a matrícula up in SAE and import or update it, online only."""
from __future__ import annotations

from station.domain import FieldError, Student, validate_matricula
from station.services.errors import ServiceError, _api_error


class SaeMixin:
    """SAE part of :class:`station.services.DeskServices` (uses its ``api`` and ``store``)."""

    def _need_api(self):
        if self.api is None or not getattr(self.api, "token", None):
            raise ServiceError("Esta acción necesita conexión con el servidor central (consulta al SAE). "
                               "Intente de nuevo cuando haya red.", code="offline")
        return self.api

    def sae_lookup(self, matricula: str) -> dict:
        """«Importar alumno SAE» → Buscar (manual §7): ``{matricula, sae, exists,
        student, comparison: [{field, label, sae, current, differs}], allowed:
        ["import"|"update"], reason: {code, message}|None}`` from the server.
        Raises :class:`ServiceError` (malformed matrícula, not in SAE, offline)."""
        try:
            matricula = validate_matricula(matricula)
        except FieldError as exc:
            raise ServiceError(exc.message, exc.field, "invalid_field") from None
        api = self._need_api()
        from station.api import ServerApiError, is_offline

        try:
            answer = api.sae_lookup(matricula)
        except ServerApiError as exc:
            self.mark_online(not is_offline(exc), exc.message)
            raise _api_error(exc) from None
        self.mark_online(True)
        return answer

    def sae_apply(self, matricula: str, action: str) -> Student:
        """«Importar» / «Actualizar» (manual §7 steps 2–3) on the server; the returned
        record is cached locally. Raises :class:`ServiceError` with the server's reason."""
        api = self._need_api()
        from station.api import ServerApiError, is_offline

        try:
            data = api.sae_apply(matricula, action)
        except ServerApiError as exc:
            self.mark_online(not is_offline(exc), exc.message)
            raise _api_error(exc) from None
        self.mark_online(True)
        student = Student.from_dict(data)
        self.store.upsert_students([student])
        return student
