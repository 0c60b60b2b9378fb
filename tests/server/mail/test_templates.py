"""Templates (sandboxed Jinja2, StrictUndefined, no passwords) and address checks."""
from __future__ import annotations

import pytest

from server.mail.addresses import check_address, suggest_domain
from server.mail.fields import TEMPLATE_FIELDS
from server.mail.templates import NoticeTemplate, RenderError, TemplateRefused, check_template, render

FIELDS = set(TEMPLATE_FIELDS)


def test_render_text_and_escaped_html():
    t = NoticeTemplate("Hola {{ first_names }}", "Matrícula {{ matricula }}", "<p>{{ full_name }}</p>")
    out = render(t, {"first_names": "ANA", "matricula": "180010051-1", "full_name": "<b>PÉREZ</b>"})
    assert out.subject == "Hola ANA" and out.text == "Matrícula 180010051-1"
    assert out.html == "<p>&lt;b&gt;PÉREZ&lt;/b&gt;</p>"


def test_missing_value_names_the_field():
    t = NoticeTemplate("Hola", "Vigencia {{ valid_until }}")
    with pytest.raises(RenderError) as err:
        render(t, {"first_names": "ANA"})
    assert err.value.field == "valid_until" and "valid_until" in err.value.message


@pytest.mark.parametrize("source, name", [
    ("{{ contraseña }}", "contraseña"), ("{{ password }}", "password"), ("{{ alumno.clave }}", "clave"),
    ("{{ x['pwd'] }}", "pwd"), ("{% if token %}x{% endif %}", "token"), ("{{ Contrasena_inicial }}", "Contrasena_inicial"),
    ("{{ pin }}", "pin"),
])
def test_password_like_field_refused(source, name):
    with pytest.raises(TemplateRefused) as err:
        check_template(NoticeTemplate("Aviso", source), FIELDS | {"x", "alumno"})
    assert err.value.field == name and "contraseña" in err.value.message


def test_unknown_field_and_syntax_refused():
    with pytest.raises(TemplateRefused) as err:
        check_template(NoticeTemplate("Aviso {{ nombre }}", "x"), FIELDS)
    assert err.value.field == "nombre" and err.value.part == "subject"
    with pytest.raises(TemplateRefused) as err:
        check_template(NoticeTemplate("Aviso", "{% if %}"), FIELDS)
    assert "línea 1" in err.value.message


def test_loop_variables_and_filters_allowed():
    t = NoticeTemplate("Aviso", "{% set saludo = 'Hola' %}{{ saludo }} {{ first_names|title }}")
    assert check_template(t, FIELDS) == {"first_names"}
    assert render(t, {"first_names": "ANA MARÍA"}).text == "Hola Ana María"


@pytest.mark.parametrize("source, words", [
    ("{{ 9**9**9 }}", "potencias"), ("{% for i in range(10) %}x{% endfor %}", "ciclos"),
    ("{{ first_names.upper() }}", "funciones"), ("{{ first_names.x }}", "atributos"), ("{{ first_names|safe }}", "«safe»"),
    ("{% include 'x' %}", "inclusión"), ("{{ 'a' * 100000000 }}", "multiplicaciones"),
])
def test_costly_or_unsafe_constructs_refused(source, words):
    with pytest.raises(TemplateRefused) as err:
        check_template(NoticeTemplate("Aviso", source), FIELDS)
    assert words in err.value.message


def test_sandbox_blocks_internals():
    t = NoticeTemplate("x", "{{ first_names.__class__.__mro__ }}")
    with pytest.raises(RenderError):
        render(t, {"first_names": "ANA"})


@pytest.mark.parametrize("address, suggestion", [
    ("juan@gmail.ocm", "juan@gmail.com"), ("ana@hotmial.com", "ana@hotmail.com"),
    ("luis@yahoo.com.mz", "luis@yahoo.com.mx"), ("x@conalepmex.edu.mz", "x@conalepmex.edu.mx"),
    ("x@gmial.com", "x@gmail.com"),
])
def test_typo_hints(address, suggestion):
    check = check_address(address)
    assert not check.ok and check.suggestion == suggestion and "¿quiso decir" in check.message


@pytest.mark.parametrize("address", ["", "sin-arroba", "a b@gmail.com", "x@", "@gmail.com", "x@localhost"])
def test_invalid_addresses_have_spanish_reasons(address):
    check = check_address(address)
    assert not check.ok and check.message and "Error" not in check.message


def test_valid_addresses_normalised():
    assert check_address(" Ana.Ruiz@Conalepmex.EDU.mx ").address == "Ana.Ruiz@conalepmex.edu.mx"
    assert check_address("yalbarran0818@conalepmex.edu.mx").ok
    assert suggest_domain("gmail.com") == ""
    assert suggest_domain("escuela.example.org") == ""
