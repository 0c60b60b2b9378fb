"""Desk actions (manual §8–§12): each one a command through the shared transition table."""
from __future__ import annotations

from datetime import date
from typing import Any

from station.domain import Command, Refusal, Student
from station.services.errors import ServiceError, _refused


class CommandsMixin:
    """Command part of :class:`station.services.DeskServices`: every state change goes through
    ``LocalStore.execute`` and a :class:`~station.domain.Refusal` becomes a :class:`ServiceError`."""

    def _execute(self, command: Command, matricula: str, payload: dict | None = None,
                 blobs: dict[str, bytes] | None = None) -> Student:
        result = self.store.execute(command, matricula, self.actor, payload or {}, blobs=blobs or {},
                                    online=self.online, now=self._clock())
        student = _refused(result)
        self._kick_sync()
        return student

    def _kick_sync(self) -> None:
        trigger = getattr(self.sync, "trigger", None) or getattr(self.sync, "wake", None)
        if callable(trigger):
            try:
                trigger()
            except Exception:  # sync problems show in the sync screen, never block the desk
                pass

    def capture(self, matricula: str, photo_jpeg: bytes, signature, *, photo_checks_ok: bool = True,
                override_reason: str = "", guardian_name: str = "", guardian_relationship: str = "") -> Student:
        """Save the toma de biométricos (manual §8 step 8; §11 retake).

        ``photo_jpeg``: the cropped 480×640 JPEG; ``signature``: a
        :class:`drivers.signature.Signature` (stored as JSON + PNG). For a
        minor (age from the CURP, :mod:`station.domain.minors`) the guardian's
        consent — ``guardian_name`` and ``guardian_relationship`` — is
        required and recorded in the command's audit (who gave it; the audit
        adds when and by which operator). Raises :class:`ServiceError` when
        the photo, signature or consent is missing or the status does not
        allow a capture.
        """
        from station.domain.minors import consent_problem

        student = self.lookup(matricula)
        consent = {"guardian_name": " ".join(str(guardian_name or "").split()),
                   "guardian_relationship": str(guardian_relationship or "").strip()}
        problem = consent_problem(student.curp, self._clock().date(), consent)
        if problem is not None:
            raise ServiceError(problem[1], problem[0], "guardian_consent_required")
        if not photo_jpeg:
            raise ServiceError("Falta la fotografía: tome la foto y presione «Capturar foto».", "photo",
                               "missing_biometrics")
        if signature is None:
            raise ServiceError("Falta la firma: pida al alumno que firme y presione «Capturar firma».",
                               "signature", "missing_biometrics")
        blobs = {"photo": photo_jpeg, "signature": signature.to_json(), "signature_png": signature.to_png()}
        payload = {"photo_checks_ok": bool(photo_checks_ok)}
        if override_reason:
            payload["photo_override_reason"] = override_reason
        if consent["guardian_name"]:
            payload.update(consent)
        return self._execute(Command.CAPTURE, matricula, payload, blobs)

    def validate(self, matricula: str, *, health_institution: str = "", affiliation_number: str = "",
                 valid_until: date | str | None = None, comment: str = "") -> Student:
        """«Validado» (manual §10): completes the fields and validates; after this
        the record can no longer change. Raises :class:`ServiceError` naming the
        missing or wrong field."""
        payload = self._completion(health_institution, affiliation_number, valid_until)
        if comment.strip():
            payload["comment"] = comment.strip()
        return self._execute(Command.VALIDATE, matricula, payload)

    def check_evaluation(self, student: Student, validated: bool, comment: str = "", *,
                         health_institution: str = "", affiliation_number: str = "",
                         valid_until: date | str | None = None) -> Refusal | None:
        """Dry run of «Validado» / «Aplazado» on ``student`` with the typed fields,
        through the same transition table the save uses: the :class:`Refusal`
        (Spanish message and ``field``) or ``None``. Nothing is written; lets the
        screen check the fields before it asks for confirmation."""
        from station.domain import Context, apply_command

        if self.session is None:
            return Refusal("not_signed_in", "Inicie sesión de nuevo.")
        payload = self._completion(health_institution, affiliation_number, valid_until)
        if comment.strip() or not validated:
            payload["comment"] = comment.strip() if validated else comment
        result = apply_command(student, Command.VALIDATE if validated else Command.DEFER, self.session.actor,
                               payload, Context(now=self._clock(), online=self.online))
        return result if isinstance(result, Refusal) else None

    def defer(self, matricula: str, comment: str, *, health_institution: str = "", affiliation_number: str = "",
              valid_until: date | str | None = None) -> Student:
        """«Aplazado» with its required comment (manual §10 step 5)."""
        payload = self._completion(health_institution, affiliation_number, valid_until)
        payload["comment"] = comment
        return self._execute(Command.DEFER, matricula, payload)

    @staticmethod
    def _completion(health_institution, affiliation_number, valid_until) -> dict[str, Any]:
        payload: dict[str, Any] = {}
        if health_institution and health_institution.strip():
            payload["health_institution"] = health_institution.strip()
        if affiliation_number and affiliation_number.strip():
            payload["affiliation_number"] = affiliation_number.strip()
        if valid_until:
            payload["valid_until"] = valid_until.isoformat() if isinstance(valid_until, date) else str(valid_until)
        return payload

    def reject(self, matricula: str, comment: str, *, retake: bool) -> Student:
        """«Rechazar» a Recibido credential (manual §11): reprint, or «Requiere retoma»."""
        command = Command.REJECT_RETAKE if retake else Command.REJECT_REPRINT
        return self._execute(command, matricula, {"comment": comment})

    def deliver(self, matricula: str, signature, temporary_returned: bool | None) -> Student:
        """«Entregar credencial» (manual §12): the delivery signature and whether the
        temporary credential was handed back."""
        if signature is None:
            raise ServiceError("Falta la firma de entrega del alumno.", "delivery_signature",
                               "missing_delivery_signature")
        blobs = {"delivery_signature": signature.to_json(), "delivery_signature_png": signature.to_png()}
        payload: dict[str, Any] = {}
        if temporary_returned is not None:
            payload["temporary_returned"] = bool(temporary_returned)
        return self._execute(Command.DELIVER, matricula, payload, blobs)

    def signing_key(self):
        """The station's Ed25519 key for credential QR codes (keyring; cached)."""
        if self._signing_key is None:
            from station.secrets import SecretStoreError, get_or_create_signing_key

            try:
                self._signing_key = get_or_create_signing_key(self.station_id)
            except SecretStoreError as exc:
                raise ServiceError(str(exc), code="keyring") from None
        return self._signing_key

    @property
    def station_id(self) -> str:
        """Identifier of this station (config, else the store's)."""
        return self.config.station_id or self.store.station_id

    def print_temporary(self, matricula: str, card_printer: bool = False) -> tuple[bytes, Student]:
        """«Imprimir credencial temporal» (manual §8 step 9, §9): the PDF bytes of the
        card (front and back at CR80 size: on a letter page with cut marks, or with
        ``card_printer`` one CR80 page per side for a card printer) and the record
        with its reprint counter +1 (the ``print_temporary`` command is logged and queued)."""
        from station.documents.credential import CredentialError, credentials_cr80_pdf, credentials_pdf, make_card
        from station.documents.source import CardSourceError, StoreCardSource

        student = self.lookup(matricula)
        if Command.PRINT_TEMPORARY not in self.allowed(student):
            raise ServiceError("Su perfil no puede imprimir credenciales temporales.", code="forbidden_role")
        source = StoreCardSource(self.store, self.actor)
        try:
            inputs = source.load_card_inputs(student.matricula)
            card = make_card(inputs.student, inputs.photo_jpeg, inputs.signature_png, self.signing_key(),
                             self.station_id, self._clock(),
                             valid_days=int(getattr(self.config, "temporary_valid_days", 90) or 90))
            render = credentials_cr80_pdf if card_printer else credentials_pdf
            pdf = render([card], title=f"Credencial temporal {student.matricula}")
        except (CardSourceError, CredentialError) as exc:
            raise ServiceError(str(exc), code="refused") from None
        updated = self._execute(Command.PRINT_TEMPORARY, student.matricula)
        return pdf, updated

    @property
    def accounts(self):
        """:class:`station.accounts.InstitutionalAccounts` over this session's API client
        (the account slip at the desk; «Cuentas institucionales» for the systems role)."""
        from station.accounts import InstitutionalAccounts

        return InstitutionalAccounts(lambda: self.api)

    @property
    def service_requests(self):
        """:class:`station.service_requests.ServiceRequests` over this session's API client
        («Solicitudes» and the systems office's queue; one per session, it caches the types)."""
        from station.service_requests import ServiceRequests

        client = self.__dict__.get("_service_requests")
        if client is None:
            client = self.__dict__["_service_requests"] = ServiceRequests(lambda: self.api)
        return client
