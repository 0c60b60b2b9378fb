"""Field validators for student data (DESIGN.md §3; manual §7, §8, §13).

Every validator takes the text as typed and either returns it (unchanged, or in
the canonical form documented) or raises :class:`FieldError` whose ``message``
is Spanish and names the field and the problem. Validators never change
accents or Ñ in names.
"""
from __future__ import annotations

import re
import unicodedata

from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.mx import curp as stdnum_curp

from station.domain.errors import UserError


class FieldError(UserError, ValueError):
    """A field value was refused (code ``invalid_field``).

    ``field`` is the code name of the field (``"curp"``, ``"matricula"``…),
    ``message`` the Spanish explanation shown to the user.
    """

    code = "invalid_field"

    def __init__(self, field: str, message: str):
        super().__init__(message, field=field)


_CURP_SHAPE = (
    # (slice, kind, description)
    (slice(0, 4), "letter", "las cuatro letras iniciales (apellidos y nombre)"),
    (slice(4, 10), "digit", "la fecha de nacimiento (AAMMDD)"),
    (slice(10, 11), "letter", "el sexo (H, M o X)"),
    (slice(11, 13), "letter", "la entidad de nacimiento"),
    (slice(13, 16), "letter", "las consonantes internas"),
    (slice(16, 17), "alnum", "el diferenciador de siglo"),
    (slice(17, 18), "digit", "el dígito verificador"),
)
#: Only ASCII digits: ``str.isdigit`` and ``\\d`` also accept fullwidth (１), Arabic-Indic (١)
#: and Devanagari (१) digits, which no CURP or matrícula contains (#13 item 8).
_ASCII_DIGITS = frozenset("0123456789")
_LOOKALIKE_DIGIT = {"O": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8", "G": "6"}
_LOOKALIKE_LETTER = {v: k for k, v in {"O": "0", "I": "1", "S": "5", "B": "8"}.items()}


def validate_curp(value: str) -> str:
    """Validate a CURP exactly as typed and return it.

    Source: RENAPO's CURP structure (18 characters: 4 letters, birth date
    AAMMDD, sex, state, 3 consonants, century differentiator, check digit);
    the check digit and components are verified with ``stdnum.mx.curp``.

    The value is *not* normalised: lower case, spaces and look-alike OCR
    errors (a letter O where a zero belongs, as in the manual's
    ``TEMGO30312HDFLRBA3``) are refused with a message that names them, so
    the operator fixes the source rather than the system guessing.

    Raises:
        FieldError: with ``field == "curp"`` and a Spanish message.
    """
    field = "curp"
    if value is None or not str(value).strip():
        raise FieldError(field, "La CURP es obligatoria.")
    value = str(value)
    if value != value.strip() or " " in value or "\t" in value:
        raise FieldError(field, "La CURP no debe contener espacios.")
    if any(c.islower() for c in value):
        raise FieldError(field, "La CURP debe escribirse en mayúsculas.")
    if len(value) != 18:
        raise FieldError(field, f"La CURP debe tener 18 caracteres; tiene {len(value)}.")
    for sl, kind, description in _CURP_SHAPE:
        part = value[sl]
        for offset, char in enumerate(part):
            position = sl.start + offset + 1
            if kind == "digit" and char not in _ASCII_DIGITS:
                hint = _LOOKALIKE_DIGIT.get(char)
                extra = f"; ¿quiso escribir el número {hint}?" if hint else ""
                raise FieldError(
                    field,
                    f"La CURP tiene «{char}» en la posición {position}, que corresponde a "
                    f"{description} y debe ser un número{extra}",
                )
            if kind == "letter" and not ("A" <= char <= "Z" or char == "Ñ"):
                hint = _LOOKALIKE_LETTER.get(char)
                extra = f"; ¿quiso escribir la letra {hint}?" if hint else ""
                raise FieldError(
                    field,
                    f"La CURP tiene «{char}» en la posición {position}, que corresponde a "
                    f"{description} y debe ser una letra{extra}",
                )
            if kind == "alnum" and not (char in _ASCII_DIGITS or "A" <= char <= "Z"):
                raise FieldError(
                    field, f"La CURP tiene «{char}» en la posición {position}, que no es válido."
                )
    try:
        stdnum_curp.validate(value)
    except StdnumError as exc:
        name = type(exc).__name__
        if name == "InvalidChecksum":
            expected = stdnum_curp.calc_check_digit(value)
            raise FieldError(
                field,
                f"El dígito verificador de la CURP no coincide: es {value[-1]} y debería ser {expected}.",
            ) from None
        if value[11:13] not in _VALID_STATES:
            raise FieldError(field, f"La CURP tiene una entidad de nacimiento desconocida: {value[11:13]}.") from None
        if value[10] not in "HMX":
            raise FieldError(field, "La CURP tiene un sexo no válido en la posición 11 (debe ser H, M o X).") from None
        try:
            stdnum_curp.get_birth_date(value)
        except StdnumError:
            raise FieldError(field, f"La CURP tiene una fecha de nacimiento que no existe: {value[4:10]}.") from None
        raise FieldError(field, "La CURP no tiene un formato válido.") from None
    return value


_VALID_STATES = frozenset(
    "AS BC BS CC CH CL CM CS DF DG GR GT HG JC MC MN MS NE NL NT OC PL QR QT SL SP SR TC TL TS VZ YN ZS".split()
)

_MATRICULA_RE = re.compile(r"^([0-9]{8,10})-([0-9])$")


def validate_matricula(value: str) -> str:
    """Validate a CONALEP matrícula such as ``180010051-1`` and return it stripped.

    Format: the prematrícula (8 to 10 digits), a hyphen and one check digit.
    The check digit is the Luhn digit of the prematrícula — inferred from every
    example in the operator manual (§7, §8, §10, §13: 180010051-1,
    181060495-7, 18190296-6…), so a mistyped digit is caught at the desk.
    Surrounding whitespace (a barcode scanner's trailing newline) is removed.

    Raises:
        FieldError: with ``field == "matricula"`` and a Spanish message.
    """
    field = "matricula"
    text = (value or "").strip()
    if not text:
        raise FieldError(field, "Escriba o escanee la matrícula.")
    match = _MATRICULA_RE.match(text)
    if not match:
        raise FieldError(
            field,
            f"La matrícula «{text}» no tiene el formato correcto: deben ser de 8 a 10 dígitos, "
            "un guion y un dígito (por ejemplo 180010051-1).",
        )
    prematricula, digit = match.groups()
    expected = luhn.calc_check_digit(prematricula)
    if digit != expected:
        raise FieldError(
            field,
            f"El dígito verificador de la matrícula no coincide: es {digit} y debería ser {expected}. "
            "Revise que esté bien escrita.",
        )
    return text


def matricula_check_digit(prematricula: str) -> str:
    """Return the check digit of a prematrícula (Luhn), e.g. ``'180010051'`` → ``'1'``."""
    return luhn.calc_check_digit(prematricula)


_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$")


def validate_email(value: str) -> str:
    """Validate an institutional e-mail (``yalbarran0818@conalepmex.edu.mx``).

    Returns the stripped address. Raises :class:`FieldError` (field
    ``institutional_email``) for an empty or malformed address.
    """
    field = "institutional_email"
    text = (value or "").strip()
    if not text:
        raise FieldError(field, "El correo institucional es obligatorio.")
    if " " in text or not _EMAIL_RE.match(text) or ".." in text:
        raise FieldError(field, f"El correo institucional «{text}» no es una dirección válida.")
    return text


_AFFILIATION_RE = re.compile(r"^[0-9][0-9-]{4,18}[0-9]$")


def validate_affiliation_number(value: str) -> str:
    """Validate a health-service affiliation number (manual §8: ``26180366723``,
    §13: ``0318034029-9``).

    Digits with optional hyphens, 6 to 20 characters. Returns the stripped text.
    Raises :class:`FieldError` (field ``affiliation_number``).
    """
    field = "affiliation_number"
    text = (value or "").strip()
    if not text:
        raise FieldError(field, "El número de afiliación es obligatorio.")
    if not _AFFILIATION_RE.match(text) or "--" in text:
        raise FieldError(
            field,
            f"El número de afiliación «{text}» debe tener de 6 a 20 dígitos (se permiten guiones).",
        )
    return text


def validate_name(value: str, field: str = "first_names") -> str:
    """Validate a personal name part and return it exactly as typed (stripped).

    Accents, Ñ, dieresis, apostrophes, hyphens and inner spaces are kept
    verbatim — the text is only put in Unicode NFC so that a decomposed
    "N + combining tilde" from another system compares equal to "Ñ".

    Raises :class:`FieldError` when empty or when it holds digits or symbols.
    """
    labels = {
        "first_names": "El nombre",
        "first_surname": "El primer apellido",
        "second_surname": "El segundo apellido",
    }
    label = labels.get(field, "El nombre")
    text = unicodedata.normalize("NFC", (value or "").strip())
    if not text:
        if field == "second_surname":
            return ""
        raise FieldError(field, f"{label} es obligatorio.")
    for char in text:
        if not (char.isalpha() or char in " '-.´"):
            raise FieldError(field, f"{label} contiene un carácter no válido: «{char}».")
    return text
