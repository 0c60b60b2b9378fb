"""The naming rule of institutional addresses (DESIGN.md §13; issue 20 item 1).

A rule is a template per institution and kind of person (alumno, docente,
centro de trabajo…) and the mail domain of that kind, as in the Coahuila
procedure (PE-DS-DGTI-011 §4: ``@alumnocoahuila.gob.mx``,
``@docentecoahuila.gob.mx``, ``@seducoahuila.gob.mx``). The manual's
addresses (``yalbarran0818@conalepmex.edu.mx``) are initial + first surname
+ four digits; the default template is therefore
``{first_initial}{first_surname}{birth_dd}{birth_mm}`` and a sequence number
is added only when the address is taken (:mod:`server.accounts.collisions`).

Template tokens (all folded to ``[a-z0-9]``):

- ``{first_initial}`` first letter of the given names, ``{first_name}`` the
  first given name, ``{second_initial}`` first letter of the second surname;
- ``{first_surname}`` the first surname without particles (``DE LA CRUZ`` →
  ``cruz``, ``PONCE DE LEÓN`` → ``ponceleon``, ``MC GREGOR`` → ``mcgregor``);
- ``{birth_dd}``, ``{birth_mm}``, ``{birth_yy}`` from the birth date (CURP
  positions 5–10, RENAPO) or ``00`` when unknown;
- ``{id}`` the person's identifier (matrícula, employee number) in digits.

Folding uses only the standard library (:mod:`unicodedata` NFKD, combining
marks dropped: ``Ñ`` → ``n``, ``Ü`` → ``u``), not a GPL transliteration
library. Limits (:data:`LOCAL_MAX`, :data:`ADDRESS_MAX`): Microsoft 365 takes
a user name of at most 79 characters with an alias (local part) of at most 50
(Microsoft 365 admin center bulk add), RFC 5321 §4.5.3.1 a local part of at
most 64 octets and a path of 256 (254 characters of address).
"""
from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from datetime import date

from station.domain.errors import UserError

#: Microsoft 365 alias limit (the local part), stricter than RFC 5321's 64 octets.
LOCAL_MAX = 50
#: Microsoft 365 user principal name limit (local part + "@" + domain).
ADDRESS_MAX = 79
#: Characters reserved for the collision sequence (up to 9,999 people with the same base).
SEQUENCE_ROOM = 4
#: The shortest local part a rule may leave for the name once the domain and sequence are counted.
MIN_NAME_ROOM = 8

KINDS = ("student", "staff", "graduate", "workplace")
KIND_LABELS = {"student": "alumno", "staff": "docente o administrativo", "graduate": "egresado",
               "workplace": "centro de trabajo"}

#: Words dropped from compound surnames: Spanish particles, plus the usual foreign ones.
PARTICLES = frozenset({"de", "del", "la", "las", "los", "lo", "y", "e", "da", "das", "do", "dos", "di", "van",
                       "von", "der", "den", "le", "les", "du", "san", "santa", "vda", "viuda"})
#: Prefixes joined to the next word when written apart ("MC GREGOR" → "mcgregor").
JOINED_PREFIXES = frozenset({"mc", "mac", "o"})

DEFAULT_TEMPLATE = "{first_initial}{first_surname}{birth_dd}{birth_mm}"
TOKENS = ("first_initial", "first_name", "second_initial", "first_surname", "birth_dd", "birth_mm", "birth_yy",
          "id")

_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_LOCAL_OK = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$")


class RuleError(UserError, ValueError):
    """A naming rule that cannot produce valid addresses; ``message`` is Spanish, ``field`` names the part."""

    code = "invalid_rule"

    def __init__(self, field: str, message: str):
        super().__init__(message, field=field)


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text``: accents and ñ folded by
    Unicode NFKD (``"Muñoz Pérez"`` → ``"munozperez"``); anything without an
    ASCII base letter (``ß``, ``æ``, other scripts) is dropped."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    kept = (c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in "".join(kept).lower() if c in string.ascii_lowercase or c in string.digits)


def name_words(text: str) -> list[str]:
    """Folded words of a name part; dots, hyphens, apostrophes and spaces
    separate words (``"YAHIR.ALEXIS"`` → ``["yahir", "alexis"]``,
    ``"D'ARTAGNAN"`` → ``["d", "artagnan"]``)."""
    return [w for w in (fold(p) for p in re.split(r"[\s.\-'’´`_,/]+", text or "")) if w]


def surname_key(surname: str) -> str:
    """The folded first surname without particles (see module docstring).

    A surname made only of particles (``"DE LA"``) keeps them all; an empty or
    unfoldable one gives ``""``.
    """
    words = name_words(surname)
    # An apostrophe splits "D'ARTAGNAN" into "d" + "artagnan": rejoin single letters with the next word.
    joined: list[str] = []
    carry = ""
    for word in words:
        if (len(word) == 1 and word not in PARTICLES) or word in JOINED_PREFIXES:
            carry += word
            continue
        joined.append(carry + word)
        carry = ""
    if carry:
        joined.append(carry)
    kept = [w for w in joined if w not in PARTICLES]
    return "".join(kept or joined)


def birth_date_from_curp(curp: str) -> date | None:
    """Birth date encoded in a CURP (positions 5–10 ``AAMMDD``; position 17 a
    digit for births before 2000, a letter after — RENAPO instructivo), or
    ``None`` when absent or impossible."""
    text = (curp or "").strip().upper()
    if len(text) < 17 or not text[4:10].isdigit():
        return None
    yy, mm, dd = int(text[4:6]), int(text[6:8]), int(text[8:10])
    century = 1900 if text[16].isdigit() else 2000
    try:
        return date(century + yy, mm, dd)
    except ValueError:
        return None


@dataclass(frozen=True)
class Person:
    """Someone who needs an account.

    ``kind`` is one of :data:`KINDS`; ``key`` identifies the person within
    the kind (matrícula of a student, employee number, CURP of a graduate);
    ``campus_code`` the plantel or centro de trabajo; names as written in the
    source (SAE, the attached list); ``birth_date`` may be ``None``.
    """

    kind: str
    key: str
    given_names: str
    first_surname: str
    second_surname: str = ""
    campus_code: str = ""
    birth_date: date | None = None

    @property
    def display_name(self) -> str:
        """``Nombre Apellido Apellido`` in title case, as the directory shows it."""
        parts = [self.given_names, self.first_surname, self.second_surname]
        return " ".join(" ".join(w.capitalize() for w in p.split()) for p in parts if p and p.strip())


@dataclass(frozen=True)
class NamingRule:
    """A template and the mail domain for one kind of person of an institution.

    ``template`` uses the tokens of :data:`TOKENS`; ``domain`` is the mail
    domain (``alumnos.conalepmex.edu.mx``); ``org_unit`` the Google Workspace
    org unit path template (``/Alumnos/{campus}``); ``sign_in_url`` where the
    person signs in first (printed on the slip).
    Construct with :meth:`checked` to get a :class:`RuleError` for a bad rule.
    """

    kind: str
    domain: str
    template: str = DEFAULT_TEMPLATE
    org_unit: str = "/{campus}"
    sign_in_url: str = "https://portal.office.com"

    @classmethod
    def checked(cls, kind: str, domain: str, template: str = DEFAULT_TEMPLATE, org_unit: str = "/{campus}",
                sign_in_url: str = "https://portal.office.com") -> "NamingRule":
        """A validated rule. Raises :class:`RuleError` (Spanish message) for an
        unknown kind, a malformed domain, an unknown token or a domain so long
        that fewer than :data:`MIN_NAME_ROOM` characters remain for the name."""
        if kind not in KINDS:
            raise RuleError("kind", f"Tipo de cuenta desconocido: «{kind}». Use: {', '.join(KINDS)}.")
        domain = (domain or "").strip().lower().lstrip("@")
        labels = domain.split(".")
        if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels) or len(domain) > 253:
            raise RuleError("domain", f"El dominio «{domain}» no es un dominio de correo válido.")
        try:
            fields = [f for f in string.Formatter().parse(template or "") if f[1] is not None]
        except ValueError:
            raise RuleError("template", f"La plantilla «{template}» tiene llaves sin cerrar.") from None
        if any(spec or conversion for _, _, spec, conversion in fields):
            raise RuleError("template", "La plantilla solo admite campos simples como {first_surname}, "
                                        "sin formato ni conversión.")
        names = [f[1] for f in fields]
        unknown = [n for n in names if n not in TOKENS]
        if unknown or not names:
            raise RuleError("template", f"La plantilla «{template}» usa campos desconocidos ({', '.join(unknown)}); "
                                        f"campos válidos: {', '.join('{' + t + '}' for t in TOKENS)}.")
        if "first_surname" not in names and "id" not in names:
            raise RuleError("template", "La plantilla debe incluir {first_surname} o {id} para distinguir personas.")
        org_unit = org_unit or "/{campus}"
        try:
            sample = org_unit.format(campus="Plantel", campus_code="001", kind=kind)
        except (ValueError, KeyError, IndexError, AttributeError):
            sample = ""
        if not sample.startswith("/") or len(org_unit) > 200:
            raise RuleError("org_unit", "La unidad organizativa debe empezar con «/» y solo puede usar {campus}, "
                                        "{campus_code} y {kind}.")
        if not re.match(r"^https?://[^\s]{3,190}$", sign_in_url or ""):
            raise RuleError("sign_in_url", "La dirección para iniciar sesión debe empezar con https://.")
        rule = cls(kind, domain, template, org_unit, sign_in_url)
        if rule.local_room < MIN_NAME_ROOM:
            raise RuleError("domain", f"El dominio «{domain}» es demasiado largo: Microsoft 365 admite {ADDRESS_MAX} "
                                      "caracteres en el nombre de usuario completo.")
        return rule

    @property
    def local_room(self) -> int:
        """Characters available to the base local part (before the sequence)."""
        return min(LOCAL_MAX, ADDRESS_MAX - 1 - len(self.domain)) - SEQUENCE_ROOM

    def base(self, person: Person) -> str:
        """The local part the template gives ``person`` before collisions, cut to
        :attr:`local_room` by shortening the surname (then the whole) so the
        digits survive. Never empty (``"usuario"`` when nothing folds)."""
        given = name_words(person.given_names)
        born = person.birth_date
        values = {
            "first_initial": given[0][:1] if given else "",
            "first_name": given[0] if given else "",
            "second_initial": (name_words(person.second_surname) or [""])[0][:1],
            "first_surname": surname_key(person.first_surname) or surname_key(person.second_surname),
            "birth_dd": f"{born.day:02d}" if born else "00",
            "birth_mm": f"{born.month:02d}" if born else "00",
            "birth_yy": f"{born.year % 100:02d}" if born else "00",
            "id": "".join(c for c in person.key if c.isdigit()) or fold(person.key),
        }
        if not values["first_surname"]:
            values["first_surname"] = values["first_name"] or "usuario"
        local = self.template.format(**values)
        overflow = len(local) - self.local_room
        if overflow > 0:
            surname = values["first_surname"]
            values["first_surname"] = surname[:max(3, len(surname) - overflow)]
            local = self.template.format(**values)[: self.local_room]
        local = fold(local) or "usuario"
        return local

    def address(self, local: str) -> str:
        """``local@domain``."""
        return f"{local}@{self.domain}"


def check_address(address: str) -> str | None:
    """Spanish reason why ``address`` breaks RFC 5321 or the Microsoft 365
    limits, or ``None`` when it is acceptable (only ``[a-z0-9._-]`` in the
    local part, no leading/trailing/double dot)."""
    local, at, domain = (address or "").partition("@")
    if not at or not local or not domain:
        return f"«{address}» no es una dirección de correo."
    if len(local) > LOCAL_MAX:
        return f"El alias «{local}» tiene {len(local)} caracteres; Microsoft 365 admite {LOCAL_MAX}."
    if len(address) > ADDRESS_MAX:
        return f"La dirección «{address}» tiene {len(address)} caracteres; Microsoft 365 admite {ADDRESS_MAX}."
    if not _LOCAL_OK.match(local) or ".." in local:
        return f"El alias «{local}» tiene caracteres no admitidos (solo a-z, 0-9, punto, guion y guion bajo)."
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        return f"El dominio «{domain}» no es válido."
    return None
