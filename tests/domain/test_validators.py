"""Validators on real-world bad input (manual §7, §13 OCR errors)."""
import pytest
from hypothesis import given, strategies as st

from station.domain.demo import build_curp
from station.domain import (
    FieldError, validate_affiliation_number, validate_curp, validate_email, validate_matricula, validate_name,
)


@pytest.mark.parametrize("value, words", [
    ("TEMGO30312HDFLRBA3", ["posición 5", "fecha de nacimiento", "número 0"]),   # manual §7: O for 0
    ("AUEK030119MDFPESRA1", ["18 caracteres", "tiene 19"]),                      # manual §13: 19 chars
    ("AAMY021208HDFLLHA5", ["dígito verificador", "debería ser 4"]),
    ("aamy021208hdfllha4", ["mayúsculas"]),
    ("AAMY 021208HDFLLHA4", ["espacios"]),
    (" AAMY021208HDFLLHA4", ["espacios"]),
    ("", ["obligatoria"]),
    ("AAMY021308HDFLLHA4", ["fecha de nacimiento que no existe"]),
    ("AAMY021208HZZLLHA4", ["entidad"]),
    ("AAM1021208HDFLLHA4", ["posición 4", "letra"]),
])
def test_bad_curp_named(value, words):
    with pytest.raises(FieldError) as info:
        validate_curp(value)
    assert info.value.field == "curp"
    for word in words:
        assert word in info.value.message


def test_good_curps_from_manual():
    assert validate_curp("AAMY021208HDFLLHA4") == "AAMY021208HDFLLHA4"
    assert validate_curp("TEMG030312HDFLRBA3") == "TEMG030312HDFLRBA3"


@pytest.mark.parametrize("value", ["180010051-1", "181060495-7", "180010017-2", "180010049-5", "180010052-9",
                                   "180010053-7", "18190296-6", " 180010051-1\n"])
def test_matriculas_of_the_manual_pass(value):
    assert validate_matricula(value) == value.strip()


@pytest.mark.parametrize("value, words", [
    ("180010051-2", ["dígito verificador", "debería ser 1"]),
    ("180010051", ["formato"]),
    ("18001OO51-1", ["formato"]),
    ("", ["Escriba o escanee"]),
    ("1800100511-1-1", ["formato"]),
])
def test_bad_matricula(value, words):
    with pytest.raises(FieldError) as info:
        validate_matricula(value)
    for word in words:
        assert word in info.value.message


def test_email_and_affiliation():
    assert validate_email("yalbarran0818@conalepmex.edu.mx")
    for bad in ("yalbarran0818@", "sin arroba.mx", "a@b", "a..b@x.mx"):
        with pytest.raises(FieldError):
            validate_email(bad)
    assert validate_affiliation_number("26180366723") == "26180366723"
    assert validate_affiliation_number("0318034029-9") == "0318034029-9"
    for bad in ("", "12A45678", "123", "1--2345"):
        with pytest.raises(FieldError) as info:
            validate_affiliation_number(bad)
        assert info.value.field == "affiliation_number"


@given(st.text(alphabet="ABCDEFGHIJKLMNÑOPQRSTUVWXYZÁÉÍÓÚÜ '-", min_size=1, max_size=40).filter(str.strip))
def test_names_keep_accents_and_enye_exactly(name):
    assert validate_name(name) == name.strip()


def test_decomposed_enye_normalised_to_composed():
    assert validate_name("MUN\u0303OZ", "first_surname") == "MUÑOZ"
    with pytest.raises(FieldError):
        validate_name("JUAN3", "first_names")


@given(st.dates(min_value=__import__("datetime").date(1930, 1, 1), max_value=__import__("datetime").date(2020, 12, 31)), st.sampled_from("HM"), st.sampled_from(["MC", "DF", "HG"]))
def test_generated_curps_validate(birth, sex, state):
    curp = build_curp("MARÍA JOSÉ", "NÚÑEZ", "PEÑA", birth, sex, state)
    assert validate_curp(curp) == curp
