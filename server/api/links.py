"""OpenAPI links between operations (OpenAPI 3.0 §4.7.21), written in one table.

A link says how a value of one answer feeds another operation: the matrícula of a
student read goes to that student's commands, the SHA-256 of an uploaded blob to its
download and to the commands that cite it, and the sign-in's token to every other
call. :func:`install_links` adds :data:`LINKS` to ``/openapi.json`` once, after
FastAPI builds it, naming each target by the ``operationId`` FastAPI generated for
it (looked up, never spelled by hand); a link whose source answer or target
operation is gone raises ``LookupError`` at the first request of the document, so a
renamed route cannot leave a dangling link (``tests/server/test_openapi.py``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI


@dataclass(frozen=True)
class Link:
    """``name`` on answer ``status`` of ``source`` (``(method, path)``) → ``target`` operation,
    its ``parameters`` (target parameter → runtime expression) and Spanish ``description``."""

    source: tuple[str, str]
    status: str
    name: str
    target: tuple[str, str]
    description: str
    parameters: dict[str, str] = field(default_factory=dict)


_STUDENT = ("GET", "/students/{matricula}")
_COMMANDS = ("POST", "/students/{matricula}/commands")
_SYNC = ("POST", "/sync/commands")

#: The links of the API (see the module docstring).
LINKS: tuple[Link, ...] = (
    Link(("POST", "/auth/login"), "200", "sesion", ("GET", "/auth/me"),
         "El token de la respuesta autoriza las demás operaciones: encabezado «Authorization: Bearer <token>»."),
    Link(("PUT", "/blobs/{sha256}"), "201", "descargar", ("GET", "/blobs/{sha256}"),
         "Descargar el archivo recién guardado.", {"sha256": "$response.body#/sha256"}),
    Link(("PUT", "/blobs/{sha256}"), "201", "citar_en_comando", _SYNC,
         "La huella del archivo va en «blob_sha256s» y en el dato del payload que lo nombra "
         "(photo_sha256, signature_sha256, delivery_signature_sha256…) de un comando del mismo alumno."),
    Link(_STUDENT, "200", "comandos", _COMMANDS, "Aplicar un comando a este alumno.",
         {"matricula": "$response.body#/matricula"}),
    Link(_COMMANDS, "200", "alumno", _STUDENT, "Consultar el registro del alumno tras el comando.",
         {"matricula": "$response.body#/matricula"}),
    Link(_SYNC, "200", "alumno", _STUDENT, "Consultar el registro del alumno tras el comando.",
         {"matricula": "$request.body#/matricula"}),
    Link(("GET", "/sae/{matricula}"), "200", "importar", ("POST", "/sae/{matricula}/import"),
         "Importar al alumno desde el SAE (cuando «allowed» incluye import).",
         {"matricula": "$response.body#/matricula"}),
    Link(("GET", "/sae/{matricula}"), "200", "actualizar", ("POST", "/sae/{matricula}/update"),
         "Actualizar al alumno con los datos del SAE (cuando «allowed» incluye update).",
         {"matricula": "$response.body#/matricula"}),
)


def add_links(document: dict[str, Any], links: tuple[Link, ...] = LINKS) -> dict[str, Any]:
    """Add ``links`` to an OpenAPI ``document`` in place and return it. ``LookupError`` when a
    link's source answer or target operation is not in the document."""
    paths = document.get("paths", {})

    def operation(method: str, path: str) -> dict[str, Any]:
        try:
            return paths[path][method.lower()]
        except KeyError:
            raise LookupError(f"OpenAPI link: no operation {method} {path}") from None

    for link in links:
        responses = operation(*link.source).get("responses", {})
        if link.status not in responses:
            raise LookupError(f"OpenAPI link {link.name}: {link.source} has no {link.status} answer")
        target = operation(*link.target)
        spec: dict[str, Any] = {"operationId": target["operationId"], "description": link.description}
        if link.parameters:
            spec["parameters"] = dict(link.parameters)
        responses[link.status].setdefault("links", {})[link.name] = spec
    return document


def install_links(app: FastAPI) -> None:
    """Make ``app.openapi()`` (and so ``/openapi.json``) carry :data:`LINKS`; built once, then cached
    as FastAPI caches the document."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_links(build())
        return app.openapi_schema

    app.openapi = openapi
