"""Seeded generator of realistic demo data: planteles, groups, careers, students.

Names are Mexican (accents and Ñ kept), CURPs follow RENAPO's construction
(first surname's initial and first inner vowel, second surname's initial,
first name's initial — skipping JOSÉ/MARÍA —, birth date, sex, state,
inner consonants, century differentiator, check digit via
``stdnum.mx.curp``), matrículas carry their Luhn check digit (see
:func:`station.domain.validators.validate_matricula`). The same ``seed``
always gives the same data.

In the domain because the server seeds its demo database with the same
students the station's tests, benchmarks and sample documents use, and the
server may import only ``station.domain`` (DESIGN.md §2).
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterator

from stdnum.mx import curp as stdnum_curp

from station.domain.statuses import Status
from station.domain.student import Student
from station.domain.validators import matricula_check_digit


@dataclass(frozen=True)
class Campus:
    """A plantel: ``code`` (3 digits as text, e.g. ``"001"``), ``name``,
    ``email_domain`` for institutional addresses."""

    code: str
    name: str
    email_domain: str = "conalepmex.edu.mx"


CAMPUS_NAMES = (
    "Ciudad Azteca", "Tlalnepantla II", "Huixquilucan", "Toluca", "Naucalpan I", "Ecatepec III",
    "Nezahualcóyotl I", "Chalco", "Texcoco", "Tultitlán", "Cuautitlán", "Atizapán I", "Zumpango",
    "Ixtapaluca", "Tlalnepantla I", "Los Reyes La Paz", "Coacalco", "Metepec", "Lerma", "Atlacomulco",
    "Temoaya", "Santiago Tianguistenco", "Tepotzotlán", "Nicolás Romero", "Chimalhuacán", "Valle de Bravo",
    "Tejupilco", "Ixtlahuaca", "Amecameca", "Acambay", "Jilotepec", "Zinacantepec", "Almoloya",
    "Tenancingo", "Villa Guerrero", "Tultepec", "Ocoyoacac", "Xonacatlán", "Tecámac", "Ñado",
)

#: (career code, career name) — CONALEP technical-professional programs.
CAREERS = (
    ("ELIN18", "PT-B en Electricidad Industrial"),
    ("METM18", "PT-B en Mantenimiento de Sistemas Automáticos"),
    ("QUIN18", "PT-B en Química Industrial"),
    ("RECL18", "PT-B en Refrigeración y Climatización"),
    ("CONA18", "PT-B en Contabilidad"),
    ("ATRO18", "PT-B en Autotransporte"),
    ("INFO18", "PT-B en Informática"),
    ("ENFG18", "PT-B en Enfermería General"),
    ("ALIM18", "PT-B en Alimentos y Bebidas"),
    ("ADMO18", "PT-B en Administración"),
)

MALE_NAMES = (
    "JOSÉ", "JUAN", "LUIS", "CARLOS", "JESÚS", "MIGUEL ÁNGEL", "YAHIR ALEXIS", "ÁNGEL", "OSCAR", "DIEGO",
    "KEVIN ALEXANDER", "ADÁN", "JOSÉ GABRIEL", "RAÚL", "EFRAÍN", "IVÁN", "SEBASTIÁN", "MARTÍN", "NOÉ",
    "JOAQUÍN", "RUBÉN", "HÉCTOR", "ÍÑIGO", "EMILIANO", "SANTIAGO", "MATÍAS", "ANDRÉS", "TOMÁS",
)
FEMALE_NAMES = (
    "MARÍA", "GUADALUPE", "KARLA ITZEL", "ANA SOFÍA", "XIMENA", "FERNANDA", "MARÍA JOSÉ", "DANIELA",
    "VALERIA", "SOFÍA", "BEATRIZ", "MÓNICA", "NOEMÍ", "ITZEL", "YURIDIA", "LUCÍA", "RAQUEL", "ZOÉ",
    "NAYELI", "ESTEFANÍA", "INÉS", "ROCÍO", "BELÉN", "MARÍA DE LOS ÁNGELES",
)
SURNAMES = (
    "ALBARRÁN", "MALDONADO", "TÉLLEZ", "MARTÍNEZ", "ARGUETA", "ESQUIVEL", "COLÍN", "MORA", "ORTIZ",
    "GONZÁLEZ", "BAUTISTA", "OSORIO", "CORREA", "LUGO", "HERNÁNDEZ", "GARCÍA", "LÓPEZ", "PÉREZ",
    "SÁNCHEZ", "RAMÍREZ", "CRUZ", "FLORES", "GÓMEZ", "DÍAZ", "REYES", "MUÑOZ", "NÚÑEZ", "PEÑA",
    "IBÁÑEZ", "CASTAÑEDA", "ZÚÑIGA", "ORDÓÑEZ", "JIMÉNEZ", "RUÍZ", "VÁZQUEZ", "NAVA", "ÁVILA", "DE LA CRUZ",
)
HEALTH_INSTITUTIONS = (
    "Instituto Mexicano del Seguro Social (IMSS)",
    "Instituto de Seguridad y Servicios Sociales de los Trabajadores del Estado (ISSSTE)",
    "Instituto de Seguridad Social del Estado de México y Municipios (ISSEMYM)",
    "IMSS-Bienestar",
)
#: A guardian's consent as a desk records it for a minor's capture (:mod:`station.domain.minors`):
#: demo data, tests and benchmarks add it to a capture payload (demo students are mostly minors).
DEMO_CONSENT = {"guardian_name": "MARÍA LÓPEZ RUIZ", "guardian_relationship": "Madre"}

STATES = ("MC", "DF", "HG", "MS", "PL", "GR", "VZ", "OC", "JC", "QT")

_VOWELS = "AEIOU"
_SKIP_FIRST = {"JOSÉ", "JOSE", "MARÍA", "MARIA", "MA.", "J."}
_PARTICLES = {"DE", "DEL", "LA", "LAS", "LOS", "Y", "MC", "MAC", "VON", "VAN"}


def _plain(text: str) -> str:
    """Upper-case ASCII letters for CURP building (accents dropped, Ñ → X per RENAPO)."""
    text = text.upper().replace("Ñ", "X")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _significant(name: str) -> str:
    words = [w for w in _plain(name).split() if w not in _PARTICLES]
    return words[0] if words else _plain(name).replace(" ", "")


def _first_name_for_curp(names: str) -> str:
    words = names.split()
    if len(words) > 1 and words[0] in _SKIP_FIRST:
        return _significant(" ".join(words[1:]))
    return _significant(names)


def _inner_vowel(word: str) -> str:
    return next((c for c in word[1:] if c in _VOWELS), "X")


def _inner_consonant(word: str) -> str:
    return next((c for c in word[1:] if c.isalpha() and c not in _VOWELS), "X")


def build_curp(first_names: str, first_surname: str, second_surname: str, birth: date, sex: str,
               state: str, differentiator: str | None = None) -> str:
    """Build a CURP (RENAPO rules, simplified) with a correct check digit.

    ``sex`` is ``"H"`` or ``"M"``; ``state`` a two-letter entity code
    (``"MC"`` Estado de México). ``differentiator`` defaults to ``"0"`` for
    births before 2000 and ``"A"`` after. Returns 18 upper-case characters.
    """
    s1 = _significant(first_surname)
    s2 = _significant(second_surname) if second_surname else "X"
    n = _first_name_for_curp(first_names)
    head = s1[0] + _inner_vowel(s1) + s2[0] + n[0]
    if head in stdnum_curp._name_blacklist:  # RENAPO replaces the 2nd letter with X
        head = head[0] + "X" + head[2:]
    consonants = _inner_consonant(s1) + (_inner_consonant(s2) if second_surname else "X") + _inner_consonant(n)
    if differentiator is None:
        differentiator = "0" if birth.year < 2000 else "A"
    body = f"{head}{birth:%y%m%d}{sex}{state}{consonants}{differentiator}"
    return body + stdnum_curp.calc_check_digit(body + "0")


def make_campuses(count: int = 1, seed: int = 0) -> list[Campus]:
    """``count`` planteles with codes ``001``, ``002``… (names from :data:`CAMPUS_NAMES`)."""
    return [Campus(code=f"{i + 1:03d}", name=CAMPUS_NAMES[i % len(CAMPUS_NAMES)]) for i in range(count)]


def _email_local(first_names: str, first_surname: str, birth: date, rng: random.Random) -> str:
    first = _plain(first_names).split()[0].lower()
    surname = _plain(first_surname).replace(" ", "").lower()
    return f"{first[0]}{surname}{birth:%m%y}{rng.randint(0, 99):02d}"


def generate_students(count: int, campuses: list[Campus] | None = None, seed: int = 2019,
                      statuses: dict[Status, float] | None = None,
                      now: datetime | None = None) -> Iterator[Student]:
    """Yield ``count`` students spread over ``campuses`` (default one plantel).

    Each student has a unique matrícula (``YYCCCNNNN-D``: entry year, campus
    code, sequence, Luhn digit), a CURP consistent with name/birth/sex, a
    group like ``102-ELIN18``, e-mail, health data. ``statuses`` maps a
    status to its weight (default: all ENROLLED); records past CAPTURED get
    fake biometric hashes and dates so every screen has something to show.
    Deterministic for a given ``seed``.
    """
    rng = random.Random(seed)
    campuses = campuses or make_campuses(1)
    now = now or datetime(2026, 9, 1, tzinfo=timezone.utc)
    weights = statuses or {Status.ENROLLED: 1.0}
    status_pool, status_weights = list(weights), list(weights.values())
    per_campus: dict[str, int] = {}
    for i in range(count):
        campus = campuses[i % len(campuses)]
        seq = per_campus.get(campus.code, 0) + 1
        per_campus[campus.code] = seq
        entry_year = 24 + rng.randint(0, 2)
        prematricula = f"{entry_year:02d}{int(campus.code):03d}{seq:04d}"
        matricula = f"{prematricula}-{matricula_check_digit(prematricula)}"
        sex = rng.choice("HM")
        first_names = rng.choice(MALE_NAMES if sex == "H" else FEMALE_NAMES)
        first_surname, second_surname = rng.choice(SURNAMES), rng.choice(SURNAMES)
        birth = date(2000 + entry_year - 15, 1, 1) + timedelta(days=rng.randint(0, 364))
        curp = build_curp(first_names, first_surname, second_surname, birth, sex, rng.choice(STATES))
        career_code, career = CAREERS[(seq // 40 + int(campus.code)) % len(CAREERS)]
        semester = rng.choice((1, 3, 5))
        group_code = f"{semester}{(seq // 40) % 12 + 1:02d}-{career_code}"
        status = rng.choices(status_pool, status_weights)[0]
        student = Student(
            matricula=matricula, curp=curp, first_names=first_names, first_surname=first_surname,
            second_surname=second_surname, prematricula=prematricula, folio=f"{rng.randint(300000000, 409999999)}",
            campus_code=campus.code, campus_name=campus.name, group_code=group_code, career=career,
            semester=semester,
            institutional_email=f"{_email_local(first_names, first_surname, birth, rng)}@{campus.email_domain}",
            health_institution=rng.choice(HEALTH_INSTITUTIONS) if rng.random() > 0.05 else "",
            affiliation_number=f"{rng.randint(10**10, 10**11 - 1)}" if rng.random() > 0.05 else "",
            status=Status.ENROLLED, sae_updated_at=now - timedelta(days=30), status_updated_at=now - timedelta(days=30),
        )
        if status != Status.ENROLLED:
            student = _advance_for_demo(student, status, now, rng)
        yield student


_PAST_CAPTURE = {Status.CAPTURED, Status.VALIDATED, Status.DEFERRED, Status.REQUESTED, Status.PRINTING,
                 Status.RECEIVED, Status.REJECTED, Status.RETAKE, Status.DELIVERED}


def _advance_for_demo(student: Student, status: Status, now: datetime, rng: random.Random) -> Student:
    changes: dict = {"status": status, "status_updated_at": now - timedelta(days=rng.randint(0, 10))}
    if status in _PAST_CAPTURE:
        changes.update(photo_sha256="0" * 64, signature_sha256="1" * 64,
                       biometrics_at=now - timedelta(days=rng.randint(11, 20)))
    if status not in {Status.ENROLLED, Status.CAPTURED, Status.DEFERRED}:
        changes.update(valid_until=date(now.year + 1, 8, 1),
                       health_institution=student.health_institution or HEALTH_INSTITUTIONS[0],
                       affiliation_number=student.affiliation_number or "26180366723")
    if status in {Status.REQUESTED, Status.PRINTING, Status.RECEIVED, Status.REJECTED, Status.RETAKE,
                  Status.DELIVERED}:
        changes["print_order"] = 1
    if status == Status.DEFERRED:
        changes["comment"] = "Fotografía con sombra; repetir toma."
    if status == Status.DELIVERED:
        changes.update(delivered_at=now - timedelta(days=1), delivery_signature_sha256="2" * 64,
                       temporary_returned=True)
    return student.replace(**changes)


#: Status mix for a demo plantel: every status present (manual §6's table).
DEMO_STATUS_MIX: dict[Status, float] = {
    Status.ENROLLED: 0.55, Status.CAPTURED: 0.12, Status.DEFERRED: 0.03, Status.VALIDATED: 0.08,
    Status.REQUESTED: 0.04, Status.PRINTING: 0.04, Status.RECEIVED: 0.06, Status.REJECTED: 0.02,
    Status.RETAKE: 0.02, Status.DELIVERED: 0.04,
}
