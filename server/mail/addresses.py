"""Recipient address checks before sending (``email-validator`` + typo hints).

:func:`check_address` normalises an address (RFC 5321/5322 syntax and
internationalised domains through ``email-validator``; deliverability — a DNS
lookup of the domain's MX/A records — only when asked, since desks and CI
may have no DNS) and suggests a correction when the domain is one typing
slip away from a common one (``gmail.ocm`` → ``gmail.com``): Damerau–
Levenshtein distance ≤ 2 against :data:`COMMON_DOMAINS` plus the
institution's own domains.
"""
from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

COMMON_DOMAINS = (
    "gmail.com", "hotmail.com", "hotmail.es", "outlook.com", "outlook.es", "live.com", "live.com.mx",
    "yahoo.com", "yahoo.com.mx", "icloud.com", "prodigy.net.mx", "msn.com", "aol.com", "protonmail.com",
    "conalepmex.edu.mx",
)


@dataclass(frozen=True)
class AddressCheck:
    """Outcome: ``address`` normalised (domain lower-cased) when ``ok``;
    otherwise ``message`` (Spanish) and maybe ``suggestion`` (a corrected address)."""

    ok: bool
    address: str
    message: str = ""
    suggestion: str = ""


def _distance(a: str, b: str) -> int:
    """Damerau–Levenshtein (optimal string alignment) distance."""
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        rows[i][0] = i
    for j in range(len(b) + 1):
        rows[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[len(a)][len(b)]


def suggest_domain(domain: str, known: tuple[str, ...] | list[str] = ()) -> str:
    """The closest common/known domain within distance 2 of ``domain`` ('' if none or exact)."""
    domain = domain.lower()
    candidates = tuple(dict.fromkeys((*known, *COMMON_DOMAINS)))
    if domain in candidates:
        return ""
    best, best_d = "", 3
    for cand in candidates:
        if abs(len(cand) - len(domain)) > 2:
            continue
        d = _distance(domain, cand)
        if d < best_d:
            best, best_d = cand, d
    return best if best_d <= 2 else ""


def check_address(raw: str, known_domains: tuple[str, ...] | list[str] = (), check_dns: bool = False) -> AddressCheck:
    """Check one address; see module docstring. Never raises for bad input."""
    text = (raw or "").strip()
    if not text:
        return AddressCheck(False, "", "no tiene dirección de correo")
    try:
        info = validate_email(text, check_deliverability=check_dns)
        address = info.normalized
    except EmailNotValidError as exc:
        hint = ""
        if "@" in text:
            hint = suggest_domain(text.rsplit("@", 1)[1], known_domains)
        suggestion = f"{text.rsplit('@', 1)[0]}@{hint}" if hint else ""
        message = f"la dirección «{text}» no es válida ({_spanish_reason(str(exc))})"
        if suggestion:
            message += f"; ¿quiso decir {suggestion}?"
        return AddressCheck(False, text, message, suggestion)
    local, domain = address.rsplit("@", 1)
    address = f"{local}@{domain.lower()}"
    hint = suggest_domain(domain, known_domains)
    if hint:
        suggestion = f"{local}@{hint}"
        return AddressCheck(False, address, f"el dominio de «{address}» parece un error de escritura; "
                                            f"¿quiso decir {suggestion}?", suggestion)
    return AddressCheck(True, address)


def _spanish_reason(english: str) -> str:
    low = english.lower()
    if "must have an @" in low or "an email address must have" in low:
        return "le falta la @"
    if "domain name" in low and ("not valid" in low or "does not exist" in low or "period" in low):
        return "el dominio no es válido"
    if "dns" in low or "does not accept email" in low:
        return "el dominio no recibe correo"
    if "too long" in low:
        return "es demasiado larga"
    if "character" in low:
        return "tiene caracteres no permitidos"
    if "period" in low or "dot" in low:
        return "tiene puntos mal colocados"
    return "formato incorrecto"
