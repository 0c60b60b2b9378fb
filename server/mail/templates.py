"""Notice templates: sandboxed Jinja2 with ``StrictUndefined`` (DESIGN.md §11).

A :class:`NoticeTemplate` holds the subject, plain-text and (optional) HTML
sources. :func:`check_template` refuses, before anything is sent:

- syntax errors (naming the part and line);
- a variable that is not an offered field (``allowed`` names);
- any variable or attribute whose name looks like a password or secret
  (``contraseña``, ``password``, ``clave``, ``pin``, ``token``, ``secret``…):
  never a password by mail (DESIGN.md §11, §13).

:func:`render` renders one recipient's context; a value missing from the
context raises :class:`RenderError` naming the field (``StrictUndefined``).
HTML is autoescaped; subject and text are not (they are not markup). The
sandbox (``jinja2.sandbox.ImmutableSandboxedEnvironment``) blocks access to
Python internals such as ``__class__``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from station.domain.errors import UserError

_PARTS = {"subject": "asunto", "text": "texto", "html": "HTML"}
_SECRET_RE = re.compile(r"(pass|contrasen|clave|secret|token|pwd|passwd|\bpin\b|_pin\b|^pin|nip\b|credencial_?de_?acceso)",
                        re.IGNORECASE)


class TemplateRefused(UserError, ValueError):
    """A template that cannot be used: ``message`` (Spanish), ``part``
    (``subject``/``text``/``html``) and ``field`` (offending variable, if any)."""

    code = "template_refused"

    def __init__(self, message: str, part: str = "", field: str = ""):
        super().__init__(message, field=field)
        self.part = part


class RenderError(UserError, ValueError):
    """A recipient whose values cannot fill the template: ``field`` is the
    missing (or failing) variable, ``message`` Spanish."""

    code = "template_render_failed"

    def __init__(self, message: str, field: str = ""):
        super().__init__(message, field=field)


@dataclass(frozen=True)
class NoticeTemplate:
    """Sources of a notice: ``subject`` and ``text`` required, ``html`` optional ('' = text only)."""

    subject: str
    text: str
    html: str = ""

    def parts(self) -> dict[str, str]:
        """``{part: source}`` of the non-empty parts."""
        return {k: v for k, v in (("subject", self.subject), ("text", self.text), ("html", self.html)) if v}


@dataclass(frozen=True)
class Rendered:
    """One rendered message: ``subject`` (one line), ``text``, ``html`` ('' when none)."""

    subject: str
    text: str
    html: str


def looks_secret(name: str) -> bool:
    """True when a variable name looks like a password or secret (accents folded)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return bool(_SECRET_RE.search(folded))


_ENV_TEXT = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
_ENV_HTML = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=True)


def _names(ast) -> set[str]:
    out = set()
    for node in ast.find_all((nodes.Name, nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Name):
            out.add(node.name)
        elif isinstance(node, nodes.Getattr):
            out.add(node.attr)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            out.add(node.arg.value)
    return out


#: What a notice may contain: text, fields, conditions, ``set`` and harmless filters. No loops,
#: calls, attribute access, imports or arithmetic — nothing that lets a template burn the
#: server's CPU or memory (``{{ 9**9**9 }}``, nested ``range`` loops) or reach Python objects.
_ALLOWED_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.If,
                  nodes.CondExpr, nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Filter,
                  nodes.Concat, nodes.Assign, nodes.Test, nodes.Keyword)
ALLOWED_FILTERS = frozenset({"upper", "lower", "title", "capitalize", "trim", "default", "d", "replace", "truncate",
                             "e", "escape", "string", "wordwrap", "center"})
_NODE_NAMES = {"For": "ciclos (for)", "Call": "llamadas a funciones", "Getattr": "acceso a atributos",
               "Getitem": "acceso por índice", "Pow": "potencias", "Mul": "multiplicaciones",
               "Macro": "macros", "Include": "inclusión de plantillas", "Import": "importaciones",
               "FromImport": "importaciones", "Extends": "herencia de plantillas", "CallBlock": "bloques call",
               "FilterBlock": "bloques filter", "With": "bloques with", "Block": "bloques"}


def _check_constructs(ast, part: str) -> None:
    for node in ast.find_all(nodes.Node):
        if isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            raise TemplateRefused(f"La plantilla ({_PARTS[part]}) usa el filtro «{node.name}», que no está "
                                  f"permitido. Filtros permitidos: {', '.join(sorted(ALLOWED_FILTERS))}.", part)
        if isinstance(node, nodes.Test) and node.name not in ("defined", "undefined", "none", "string"):
            raise TemplateRefused(f"La plantilla ({_PARTS[part]}) usa la prueba «{node.name}», que no está "
                                  "permitida.", part)
        if not isinstance(node, _ALLOWED_NODES):
            kind = type(node).__name__
            raise TemplateRefused(f"La plantilla ({_PARTS[part]}) usa {_NODE_NAMES.get(kind, kind)}, que no se "
                                  "permiten en un aviso: solo texto, campos, condiciones (if) y filtros simples.",
                                  part)


def check_template(template: NoticeTemplate, allowed: set[str] | frozenset[str]) -> set[str]:
    """Validate ``template`` against the offered field names ``allowed``.

    Returns the set of fields it uses. Raises :class:`TemplateRefused`
    (see module docstring).
    """
    if not template.subject.strip():
        raise TemplateRefused("El asunto del aviso está vacío.", "subject")
    if not template.text.strip():
        raise TemplateRefused("El texto del aviso está vacío.", "text")
    used: set[str] = set()
    for part, source in template.parts().items():
        env = _ENV_HTML if part == "html" else _ENV_TEXT
        try:
            ast = env.parse(source)
        except TemplateSyntaxError as exc:
            raise TemplateRefused(f"La plantilla ({_PARTS[part]}) tiene un error en la línea {exc.lineno}: "
                                  f"{exc.message}.", part) from None
        names = _names(ast)
        for name in sorted(names):
            if looks_secret(name):
                raise TemplateRefused(
                    f"La plantilla ({_PARTS[part]}) usa «{name}», que parece una contraseña o dato secreto: "
                    "nunca se envían contraseñas por correo.", part, name)
        _check_constructs(ast, part)
        declared = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
        variables = {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"} - declared - {"loop"}
        unknown = sorted(variables - set(allowed))
        if unknown:
            raise TemplateRefused(f"La plantilla ({_PARTS[part]}) usa el campo «{unknown[0]}», que no existe. "
                                  f"Campos disponibles: {', '.join(sorted(allowed))}.", part, unknown[0])
        used |= variables
    return used


@lru_cache(maxsize=512)
def _compiled(part: str, source: str):
    return (_ENV_HTML if part == "html" else _ENV_TEXT).from_string(source)


_UNDEFINED_RE = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


def render(template: NoticeTemplate, context: dict[str, str]) -> Rendered:
    """Render ``template`` with ``context``. Raises :class:`RenderError` naming the
    missing field (or the sandbox refusal); the subject is folded to one line."""
    out = {}
    for part, source in template.parts().items():
        try:
            out[part] = _compiled(part, source).render(**context)
        except UndefinedError as exc:
            match = _UNDEFINED_RE.search(str(exc))
            field = (match.group(1) or match.group(2)) if match else ""
            raise RenderError(f"falta el campo «{field}»" if field else "falta un campo", field) from None
        except SecurityError:
            raise RenderError("la plantilla intentó una operación no permitida") from None
        except TemplateSyntaxError as exc:
            raise RenderError(f"error en la plantilla: {exc.message}") from None
        except Exception as exc:  # a filter failing on a value, e.g. int("abc")
            raise RenderError(f"no se pudo llenar la plantilla ({type(exc).__name__})") from None
    subject = " ".join(out["subject"].split())
    return Rendered(subject, out["text"], out.get("html", ""))
