"""``/openapi.json`` documents every command's payload and links operations (issue 12 item 7).

The document validates against the OpenAPI 3 specification (openapi-spec-validator); the
command bodies of ``POST /students/{matricula}/commands``, ``POST /sync/commands`` and each
command of ``POST /sync/commands/batch`` are a ``oneOf`` with a ``command`` discriminator
whose mapping holds exactly the domain's commands, each variant's payload schema carrying
the keys of :data:`station.domain.payloads.COMMAND_PAYLOADS`; a payload that does not fit
is a Spanish 422 naming ``payload.<key>`` (alone, or as its own result inside a batch);
and every link names an operation of the document.
"""
from __future__ import annotations

import uuid

import pytest
from openapi_spec_validator import validate

from server.api.links import LINKS, add_links
from station.domain import Command, Status
from station.domain.payloads import COMMAND_PAYLOADS, payload_keys

COMMAND_BODIES = {
    "POST /students/{matricula}/commands": lambda op: op["requestBody"]["content"]["application/json"]["schema"],
    "POST /sync/commands": lambda op: op["requestBody"]["content"]["application/json"]["schema"],
}


@pytest.fixture(scope="module")
def doc(server):
    r = server.call(None, "GET", "/openapi.json")
    assert r.status_code == 200
    return r.json()


def _resolve(doc, schema):
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _command_union(doc, schema) -> dict:
    """The ``oneOf`` + ``discriminator`` schema behind ``schema`` (followed through ``$ref``)."""
    schema = _resolve(doc, schema)
    assert "oneOf" in schema and schema["discriminator"]["propertyName"] == "command", schema
    return schema


def _unions(doc):
    paths = doc["paths"]
    yield "students", _command_union(
        doc, paths["/students/{matricula}/commands"]["post"]["requestBody"]["content"]["application/json"]["schema"])
    yield "sync", _command_union(
        doc, paths["/sync/commands"]["post"]["requestBody"]["content"]["application/json"]["schema"])
    batch = _resolve(doc, paths["/sync/commands/batch"]["post"]["requestBody"]["content"]["application/json"]["schema"])
    yield "batch", _command_union(doc, batch["properties"]["commands"]["items"])


def test_openapi_document_is_valid(doc):
    validate(doc)  # raises OpenAPIValidationError naming the offending part


def test_every_domain_command_has_its_payload_schema_in_each_command_union(doc):
    for where, union in _unions(doc):
        mapping = union["discriminator"]["mapping"]
        assert set(mapping) == {c.value for c in Command}, where
        assert len(union["oneOf"]) == len(Command), where
        for value, ref in mapping.items():
            variant = _resolve(doc, {"$ref": ref})
            assert variant["properties"]["command"]["const"] == value, (where, value)
            payload = _resolve(doc, variant["properties"]["payload"])
            assert set(payload.get("properties", {})) == set(payload_keys(Command(value))), (where, value)
            assert payload["additionalProperties"] is False, (where, value)
            for f in COMMAND_PAYLOADS[Command(value)]:
                prop = payload["properties"][f.name]
                text = next((s for s in prop.get("anyOf", [prop]) if s.get("type") == "string"), None)
                if f.max_length:
                    assert text["maxLength"] == f.max_length, (where, value, f.name)
                if f.pattern:
                    assert text["pattern"] == f.pattern, (where, value, f.name)


def test_links_name_operations_of_the_document(doc):
    ids = {op["operationId"] for item in doc["paths"].values() for op in item.values() if "operationId" in op}
    seen = 0
    for item in doc["paths"].values():
        for op in item.values():
            for response in op.get("responses", {}).values():
                for link in response.get("links", {}).values():
                    assert link["operationId"] in ids and link["description"]
                    seen += 1
    assert seen == len(LINKS)
    login = doc["paths"]["/auth/login"]["post"]["responses"]["200"]["links"]["sesion"]
    assert login["operationId"] == doc["paths"]["/auth/me"]["get"]["operationId"]
    download = doc["paths"]["/blobs/{sha256}"]["put"]["responses"]["201"]["links"]["descargar"]
    assert download["parameters"] == {"sha256": "$response.body#/sha256"}


def test_a_link_to_a_missing_operation_is_refused():
    from server.api.links import Link

    doc = {"paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "x"}}}}}}
    with pytest.raises(LookupError):
        add_links(doc, (Link(("GET", "/a"), "200", "b", ("GET", "/b"), "ir a b"),))
    with pytest.raises(LookupError):
        add_links(doc, (Link(("GET", "/a"), "201", "a", ("GET", "/a"), "otra vez"),))


def _op(m: str, command: str, payload: dict, **kw) -> dict:
    op_id = uuid.uuid4().hex
    return {"op_id": op_id, "station_id": "est-openapi", "seq": kw.pop("seq", 1), "command": command,
            "matricula": m, "payload": payload, "username": "operador", **kw}


@pytest.mark.parametrize("payload, field", [
    ({"comment": "sobra en una captura"}, "payload.comment"),
    ({"photo_checks_ok": "true"}, "payload.photo_checks_ok"),
    ({"photo_sha256": "ABC"}, "payload.photo_sha256"),
    ({"photo_override_reason": "x" * 2001}, "payload.photo_override_reason"),
])
def test_a_payload_that_does_not_fit_its_command_is_a_spanish_422_naming_the_field(server, payload, field):
    m = server.find(Status.ENROLLED.value)
    body = _op(m, "capture", payload)
    r = server.call("operador", "POST", "/sync/commands", json=body, headers={"Idempotency-Key": body["op_id"]})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_request" and error["field"] == field and field in error["message"]
    rest = server.call("supervisor", "POST", f"/students/{m}/commands", json={"command": "capture", "payload": payload})
    assert rest.status_code == 422 and rest.json()["error"]["field"] == field


def test_an_unknown_or_missing_command_names_the_command_field(server):
    m = server.find(Status.ENROLLED.value)
    for body, message in ((_op(m, "fly", {}), "no es una de las opciones"), ({**_op(m, "capture", {}), "command": None},
                                                                             "no es una de las opciones")):
        r = server.call("operador", "POST", "/sync/commands", json=body, headers={"Idempotency-Key": body["op_id"]})
        assert r.status_code == 422 and r.json()["error"]["field"] == "command", r.text
        assert message in r.json()["error"]["message"]
    body = _op(m, "capture", {})
    del body["command"]
    r = server.call("operador", "POST", "/sync/commands", json=body, headers={"Idempotency-Key": body["op_id"]})
    assert r.status_code == 422 and r.json()["error"] == {"code": "invalid_request", "field": "command",
                                                          "message": "Falta el campo «command»."}


def test_a_malformed_command_in_a_batch_gets_its_own_422_and_the_others_are_applied(server):
    """The batch is not refused as a whole: the station's queue goes on past the bad command."""
    m1, m2 = server.find(Status.CAPTURED.value), server.find(Status.CAPTURED.value)
    good = _op(m2, "print_temporary", {}, seq=2, username="supervisor")
    bad = _op(m1, "defer", {"comment": 5}, seq=1, username="supervisor")
    r = server.call("supervisor", "POST", "/sync/commands/batch", json={"commands": [bad, good]})
    assert r.status_code == 200, r.text
    first, second = r.json()["results"]
    assert (first["op_id"], first["status"], first["outcome"]) == (bad["op_id"], 422, "refused")
    assert first["error"]["field"] == "payload.comment" and first["error"]["code"] == "invalid_request"
    assert second["outcome"] in ("accepted", "refused") and second["status"] != 0  # looked at, not skipped


def test_the_idempotency_digest_is_the_one_of_free_payloads():
    """Answers stored before payloads were typed still replay: the digest of a body is unchanged
    (values computed with the free-``dict`` payload model of 8c1f19b)."""
    from datetime import datetime, timezone

    from pydantic import TypeAdapter

    from server.schemas import payload_dict
    from server.sync.routes import SyncCommandRequest, body_digest

    adapter = TypeAdapter(SyncCommandRequest)
    capture = adapter.validate_python(dict(
        op_id="0190c0ffee00000000000000aa", station_id="est-01", seq=7, command="capture", matricula="180010051-1",
        expected_status="ENROLLED", payload={"photo_sha256": "a" * 64, "signature_sha256": "b" * 64,
                                             "photo_checks_ok": False, "photo_override_reason": "lentes",
                                             "guardian_name": None},
        blob_sha256s=["a" * 64], username="operador", created_at=datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)))
    bare = adapter.validate_python(dict(op_id="0190c0ffee00000000000000ab", station_id="est-01", seq=8,
                                        command="print_temporary", matricula="180010051-1", username="operador"))
    assert body_digest(capture, payload_dict(capture.payload)) == \
        "1c6b6572b84b06066178eda7936c330d3d9a594f43ffbcc1e7dd39bb49fedaac"
    assert body_digest(bare, payload_dict(bare.payload)) == \
        "bc8fbd526588a31edabfd2eedf681991e6df5b0fa1a172c8ec8f5a1a499baf2d"
