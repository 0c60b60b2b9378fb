"""Minors and guardian consent (LGPDPPSO arts. 7 and 20: a minor's biometrics are sensitive
data; the consent of whoever holds parental authority or guardianship is required).

The age comes from the birth date coded in the CURP (RENAPO: positions 5–10
``AAMMDD``, century from position 17 — a digit for 19xx, a letter for 20xx;
decoded with ``stdnum.mx.curp``). A capture of a student under
:data:`ADULT_AGE` on the capture date needs ``guardian_name`` and
``guardian_relationship`` in its payload; the audit of the command records
them with the operator and the time (who gave it, when, by which operator).
"""
from __future__ import annotations

from datetime import date

ADULT_AGE = 18
#: Relationships offered at the desk (Spanish, as recorded).
RELATIONSHIPS = ("Madre", "Padre", "Tutor legal")
MAX_GUARDIAN_NAME = 120


def birth_date(curp: str) -> date | None:
    """The birth date coded in ``curp``, or ``None`` when it cannot be read."""
    from stdnum.mx import curp as stdnum_curp

    try:
        return stdnum_curp.get_birth_date(str(curp or ""))
    except Exception:  # stdnum raises several ValidationError subclasses and ValueError
        return None


def age_on(curp: str, when: date) -> int | None:
    """Whole years of age on ``when`` per the CURP, or ``None`` when it cannot be read."""
    born = birth_date(curp)
    if born is None:
        return None
    return when.year - born.year - ((when.month, when.day) < (born.month, born.day))


def is_minor(curp: str, when: date) -> bool:
    """True when the CURP says the person is under :data:`ADULT_AGE` on ``when``.
    An unreadable CURP counts as a minor (consent asked rather than skipped)."""
    age = age_on(curp, when)
    return age is None or age < ADULT_AGE


def consent_problem(curp: str, when: date, payload: dict) -> tuple[str, str] | None:
    """``(field, Spanish message)`` when a minor's capture lacks a valid guardian consent, else ``None``."""
    if not is_minor(curp, when):
        return None
    name = str(payload.get("guardian_name") or "").strip()
    relationship = str(payload.get("guardian_relationship") or "").strip()
    age = age_on(curp, when)
    who = f"menor de edad ({age} años según su CURP)" if age is not None else "posiblemente menor de edad"
    if len(name) < 5 or len(name) > MAX_GUARDIAN_NAME or " " not in name:
        return ("guardian_name", f"El alumno es {who}: antes de guardar registre el nombre completo de la madre, "
                                 "el padre o el tutor que otorga el consentimiento.")
    if relationship not in RELATIONSHIPS:
        return ("guardian_relationship", f"El alumno es {who}: indique el parentesco de quien otorga el "
                                         f"consentimiento ({', '.join(RELATIONSHIPS)}).")
    return None
