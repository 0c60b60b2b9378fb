"""One error vocabulary (issue 12 item 3): a user-facing base with a stable code and a
Spanish message, one ``is_offline``, one refusal-code → HTTP status table, no colliding
class names."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
import requests

from station.domain.errors import UserError


def _classes(packages=("app", "station", "server", "drivers", "ui")):
    """(qualified module, class) of every class defined in our packages (migrations excluded)."""
    found = []
    for name in packages:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, name + "."):
            if ".migrations" in info.name or info.name.endswith("__main__"):
                continue
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__:
                    found.append((module.__name__, cls))
    return found


def test_no_two_classes_share_the_names_that_used_to_collide():
    classes = _classes()
    for name in ("ApiError", "SignedIn", "AuditEvent"):
        where = [module for module, cls in classes if cls.__name__ == name]
        assert len(where) == 1, (name, where)


def test_user_facing_errors_share_the_base_with_code_and_spanish_message():
    from server.errors import ApiError
    from station.api import ServerApiError
    from station.auth import AuthError
    from station.config import ConfigError
    from station.domain import FieldError, TransitionRefused
    from station.domain.transitions import Refusal
    from station.secrets import SecretStoreError
    from station.services import ServiceError
    from station.store.db import StoreKeyError, StoreOpenError

    samples = [
        ApiError("not_found", "No existe."), ServerApiError("timeout", "No respondió."),
        AuthError("offline_expired", "Venció."), ConfigError("Archivo mal formado."),
        FieldError("curp", "CURP inválida."), TransitionRefused(Refusal("comment_required", "Escriba.", "comment")),
        SecretStoreError("Sin llavero."), ServiceError("No se pudo.", "matricula", "not_found"),
        StoreOpenError("No abre."), StoreKeyError("Sin clave."),
    ]
    for error in samples:
        assert isinstance(error, UserError), type(error)
        assert str(error) == error.message and error.message
        assert error.code and error.code == error.code.lower(), type(error)
    assert FieldError("curp", "x").code == "invalid_field" and FieldError("curp", "x").field == "curp"
    assert isinstance(FieldError("curp", "x"), ValueError)  # callers that catch ValueError still work
    assert TransitionRefused(Refusal("comment_required", "Escriba.", "comment")).field == "comment"


@pytest.mark.parametrize("cause, offline", [
    ("dns", True), ("tls", True), ("refused", True), ("timeout", True), ("network", True),
    ("server", False), ("bad_response", False), ("unauthorized", False), ("conflict", False), ("invalid", False),
])
def test_is_offline_is_the_one_answer(cause, offline):
    from station.api import ServerApiError, is_offline

    assert is_offline(ServerApiError(cause, "x")) is offline


def test_is_offline_for_raw_requests_errors_and_others():
    from station.api import is_offline

    assert is_offline(requests.exceptions.ConnectionError("caída"))
    assert is_offline(requests.exceptions.ReadTimeout("lenta"))
    assert not is_offline(ValueError("otra cosa"))


def test_sync_state_and_sign_in_use_the_same_offline_answer():
    """The sync panel, the desk's online flag and offline sign-in decide from station.api alone."""
    import station.sync.state as state
    from station.api import OFFLINE_CAUSES, SERVER_FAULT_CAUSES, ServerApiError

    assert not hasattr(state, "OFFLINE_CAUSES")
    for cause in OFFLINE_CAUSES | SERVER_FAULT_CAUSES:
        assert ServerApiError(cause, "x").server_unusable
    assert not ServerApiError("unauthorized", "x").server_unusable


#: Codes of UserErrors that end a command-line run and never become an HTTP answer.
CLI_ONLY_CODES = {"usage_error", "environment_problem", "master_key_invalid", "settings_invalid"}


def _literal_codes(root: str, *callees: str) -> tuple[set[str], list[str]]:
    """String codes given as first argument of every call of one of ``callees`` under ``root``, and the
    places where that argument is a number (an HTTP status written by hand)."""
    import ast
    import pathlib

    codes, by_hand = set(), []
    for path in pathlib.Path(root).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in callees and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    codes.add(first.value)
                elif isinstance(first, ast.Constant):
                    by_hand.append(f"{path}:{node.lineno}")
    return codes, by_hand


def test_every_error_code_has_one_http_status():
    """Every code the server can answer with — raised by a route (``ApiError``), refused by a
    transition table (``Refusal``) or carried by a service's UserError class — has its status in
    the one table ``server.errors.ERROR_STATUS``; no route writes a status by hand, so one code
    cannot answer 409 on one route and 424 on another (``blob_missing`` did, ``unknown_campus``
    answered 404 and 422)."""
    from server.errors import ERROR_STATUS, ApiError, error_status, refusal_error
    from station.domain.transitions import Refusal

    raised, by_hand = _literal_codes("server", "ApiError", "_proof_error", "SaeFileError")
    assert not by_hand, f"HTTP status written by hand (use a code of ERROR_STATUS): {by_hand}"
    refused = _literal_codes("station/domain", "Refusal")[0] | _literal_codes("server", "Refusal")[0]
    carried = {getattr(cls, "code", None) for module, cls in _classes(("server", "station"))
               if issubclass(cls, UserError) and cls is not UserError
               and module.startswith(("server.", "station.domain."))} - {None}
    missing = (raised | refused | carried) - set(ERROR_STATUS) - CLI_ONLY_CODES - {"error"}
    assert not missing, f"codes without a status in ERROR_STATUS: {sorted(missing)}"
    assert len(raised) > 60 and {"blob_missing", "forbidden_role", "not_found"} <= raised | refused
    unused = set(ERROR_STATUS) - raised - refused - carried - {"request_state", "reason_required",
                                                                 "response_required", "own_request_approval"}
    assert not unused, f"stale entries in ERROR_STATUS: {sorted(unused)}"

    assert (ApiError("blob_missing", "x").status, ApiError("unknown_campus", "x").status) == (424, 422)
    assert error_status("forbidden_campus") == 403 and error_status("a_rule_of_a_request_type") == 409
    error = refusal_error(Refusal("invalid_field", "Mal.", "affiliation_number"))
    assert (error.status, error.code, error.field) == (422, "invalid_field", "affiliation_number")
    import server.api.common as common
    import server.requests.service as requests_service
    import server.sync.routes as routes

    for module in (common, routes, requests_service):  # no second table beside the one
        assert not [n for n in vars(module) if n.lstrip("_").endswith("STATUS") and n != "ERROR_STATUS"]
    assert (error_status("own_request_approval"), error_status("reason_required"),
            error_status("request_state")) == (403, 422, 409)


def test_audit_events_are_shaped_once_for_station_and_server():
    from datetime import datetime, timezone

    from station.domain import Actor, Role, Status
    from station.domain.audit import audit_event

    actor = Actor("sup", Role.SUPERVISOR, frozenset({"001"}), "EST-1")
    payload = {"matricula": "180010051-1", "comment": "  Foto borrosa ", "sae": {"enrolled": True},
               "fields": {"career": "PT-B"}, "photo_checks_ok": False, "blob": b"x"}
    event = audit_event("180010051-1", "defer", Status.CAPTURED, Status.DEFERRED, actor, "EST-1",
                        datetime(2026, 1, 1, tzinfo=timezone.utc), payload)
    assert event.comment == "Foto borrosa"
    assert event.details == {"comment": "  Foto borrosa ", "fields": {"career": "PT-B"}, "photo_checks_ok": False}
    assert (event.username, event.role, event.station_id) == ("sup", "supervisor", "EST-1")
    override = audit_event("1", "capture", None, Status.CAPTURED, actor, "EST-1", event.at,
                           {"photo_override_reason": "Lentes"})
    assert override.comment == "Lentes" and override.from_status is None


#: Exceptions of ours that never reach a person: control flow inside one module.
INTERNAL_EXCEPTIONS = {
    "drivers.signature.topaz.TransportGone",  # the worker re-scans the USB bus
    "drivers.signature.topaz_protocol.Rejected",  # a noisy HID report, dropped
    "station.sync.engine.RoundAborted",  # ends one sync round; the state records why
    "app.selfcheck.CheckTimeout",  # becomes the check's Spanish «no terminó» line
    "server.mail.deliverability._DnsDown",  # no DNS answer; the check says «no se pudo consultar» itself
}


def test_every_error_of_every_package_is_in_the_vocabulary():
    """A new exception class anywhere in app/, station/, server/, drivers/ or ui/ is a UserError
    (stable lower-case code, Spanish message) unless it is listed above as internal control flow."""
    outside, codes = [], {}
    for module, cls in _classes():
        if not issubclass(cls, BaseException):
            continue
        name = f"{module}.{cls.__name__}"
        if issubclass(cls, UserError):
            assert name not in INTERNAL_EXCEPTIONS, f"{name} joined the vocabulary: drop it from the allow-list"
            if cls.code is not None:  # None: set per instance (ServerApiError: the server's code or the cause)
                assert cls.code == cls.code.lower() and cls.code.isidentifier(), name
            codes[name] = cls.code
        elif name not in INTERNAL_EXCEPTIONS:
            outside.append(name)
    assert not outside, outside
    assert {name.split(".")[0] for name in codes} >= {"app", "station", "server", "drivers"}
    assert not set(INTERNAL_EXCEPTIONS) - {f"{m}.{c.__name__}" for m, c in _classes()}, "stale allow-list entry"


@pytest.mark.parametrize("make, args, code, status, also", [
    ("server.accounts.files:FileProblem", ("El archivo está vacío.",), "invalid_file", 422, ValueError),
    ("server.accounts.naming:RuleError", ("pattern", "El patrón no es válido."), "invalid_rule", 422, ValueError),
    ("server.accounts.collisions:SequenceExhausted", ("Sin consecutivos.",), "sequence_exhausted", 409, ValueError),
    ("server.accounts.exports.common:ExportInvalid", (["Fila 2: falta el nombre."],), "export_invalid", 409,
     ValueError),
    ("server.mail.templates:TemplateRefused", ("Variable desconocida.", "text", "x"), "template_refused", 422,
     ValueError),
    ("server.mail.templates:RenderError", ("Falta «curp».", "curp"), "template_render_failed", 422, ValueError),
    ("server.mail.smtp:SenderError", ("Autenticación rechazada.",), "invalid_sender", 422, Exception),
    ("server.requests.files:AttachmentRefused", ("No es un PDF.",), "invalid_attachment", 422, ValueError),
    ("server.requests.cli:UsageError", ("Indique --as.",), "usage_error", 409, Exception),
    ("server.cli:EnvironmentProblem", ("El puerto 80 ya está en uso.",), "environment_problem", 409, Exception),
    ("server.keys:MasterKeyError", ("Falta la llave maestra «k1».",), "master_key_invalid", 409, Exception),
])
def test_server_errors_carry_a_code_the_message_and_one_http_status(make, args, code, status, also):
    """Mail, accounts and requests errors are UserErrors; their HTTP status comes from the one table."""
    from server.errors import api_error, error_status

    module, name = make.split(":")
    error = getattr(importlib.import_module(module), name)(*args)
    assert isinstance(error, UserError) and isinstance(error, also)  # old `except ValueError` callers still work
    assert error.code == code and str(error) == error.message and error.message.endswith(".")
    answer = api_error(error)
    assert (answer.status, answer.code, answer.message) == (error_status(code), code, error.message)
    assert answer.status == status
    assert api_error(error, message="x.csv: " + error.message, field="file").field == "file"


def test_server_errors_keep_their_own_attributes():
    from server.accounts.exports.common import ExportInvalid
    from server.accounts.naming import RuleError
    from server.mail.templates import TemplateRefused

    assert RuleError("pattern", "Mal.").field == "pattern"
    refused = TemplateRefused("Mal.", "subject")
    assert (refused.part, refused.field) == ("subject", "")
    assert ExportInvalid([f"p{i}" for i in range(7)]).message == "p0; p1; p2; p3; p4"


@pytest.mark.parametrize("make, code, also", [
    ("drivers.signature.base:PadError", "pad_error", Exception),
    ("drivers.signature.base:PadNotFound", "pad_not_found", Exception),
    ("drivers.signature.base:PadUnavailable", "pad_unavailable", Exception),
    ("drivers.signature.sigweb:SigWebNotInstalled", "sigweb_not_installed", Exception),
    ("drivers.signature.sigweb:SigWebTimeout", "sigweb_timeout", Exception),
    ("drivers.signature.sigweb:SigWebCertificateExpired", "sigweb_certificate_expired", Exception),
    ("drivers.signature.values:SignatureError", "signature_invalid", ValueError),
    ("drivers.signature.values:SignatureFormatError", "signature_format", ValueError),
    ("drivers.camera.sources:CameraError", "camera_error", Exception),
    ("station.photo.io:ImageReadError", "image_unreadable", Exception),
    ("station.photo.capture:OverrideReasonRequired", "override_reason_required", ValueError),
    ("station.store.crypto:BlobDecryptError", "blob_damaged", RuntimeError),
    ("station.documents.credential:CredentialError", "credential_invalid", ValueError),
    ("station.documents.source:CardSourceError", "card_unavailable", LookupError),
    ("station.documents.decode:DecodeInputError", "scan_unreadable", ValueError),
    ("station.documents.keys:KeysFileError", "keys_file_invalid", ValueError),
    ("app.pad_record:RecordingFormatError", "recording_invalid", ValueError),
])
def test_driver_and_document_errors_carry_a_code_and_the_spanish_message(make, code, also):
    module, name = make.split(":")
    cls = getattr(importlib.import_module(module), name)
    error = cls("No se encontró el pad de firma.")
    assert isinstance(error, UserError) and isinstance(error, also)  # old `except ValueError` callers still work
    assert error.code == code and error.message == str(error) == "No se encontró el pad de firma."


def test_errors_with_their_own_arguments_keep_them():
    from drivers.signature.values import SignatureRejected
    from station.documents.qr_payload import QrPayloadError

    rejected = SignatureRejected("La firma está vacía.", "empty")
    assert (rejected.code, rejected.reason, rejected.message) == ("signature_rejected", "empty", "La firma está vacía.")
    qr = QrPayloadError("altered", "El código QR fue alterado.")
    assert isinstance(qr, UserError) and qr.code == "altered" and str(qr) == "El código QR fue alterado."
