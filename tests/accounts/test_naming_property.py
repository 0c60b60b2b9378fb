"""Property test of the naming rule and collision resolution (issue 20, Must show 1).

20 derandomized examples × 500 people = 10,000 generated Mexican names with
accents, ñ, compound surnames and particles, very long names and the same
name many times; every batch also collides with an existing directory.
Hypothesis draws the name parts, dates and a seed; the seed combines them
into people (drawing 1,500 strings per example took minutes on 2 cores).
"""
from __future__ import annotations

import random
from datetime import date
from email.headerregistry import Address

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.accounts.collisions import assign
from server.accounts.naming import ADDRESS_MAX, LOCAL_MAX, NamingRule, Person, check_address

GIVEN = ["JOSÉ", "MARÍA", "JUAN", "GUADALUPE", "YAHIR.ALEXIS", "MARÍA DE LOS ÁNGELES", "JOSÉ GABRIEL", "ÑEKO",
         "ÁNGEL", "Zoé", "Itzel", "Xóchitl", "Cuauhtémoc", "ma. del carmen", "J.", "Fátima", "Ximena Ñañez",
         "Noé", "Raúl", "Martín", "Jesús", "Agustín"]
SURNAMES = ["ALBARRÁN", "TÉLLEZ", "MUÑOZ", "PEÑA", "NÚÑEZ", "IBÁÑEZ", "LÓPEZ", "GARCÍA", "HERNÁNDEZ", "GÜEMES",
            "DE LA CRUZ", "DEL VALLE", "DE LOS SANTOS", "PONCE DE LEÓN", "MC GREGOR", "McDonald", "D'ARTAGNAN",
            "VAN DER BERG", "Y", "DE LA", "SAN JUAN", "O'CONNOR", "MARTÍNEZ-SOTO", "Ñ", "DÍAZ ORDAZ"]
LETTERS = "abcdefghijklmnñopqrstuvwxyzáéíóúüÁÉÍÓÚÜÑ '.-"

RULES = {"student": NamingRule.checked("student", "alumnos.conalepmex.edu.mx"),
         "staff": NamingRule.checked("staff", "docentes.un-dominio-institucional-bastante-largo.edu.mx")}

free_text = st.text(alphabet=LETTERS, min_size=0, max_size=120)
name_part = st.one_of(st.sampled_from(GIVEN), st.sampled_from(SURNAMES), free_text,
                      st.builds(lambda a, b: f"{a} {b}", st.sampled_from(SURNAMES), st.sampled_from(SURNAMES)),
                      st.builds(lambda s, n: (s + " ") * n, st.sampled_from(SURNAMES), st.integers(5, 15)))
births = st.one_of(st.none(), st.dates(min_value=date(1940, 1, 1), max_value=date(2015, 12, 31)))


@st.composite
def batches(draw):
    """500 people built from 40 drawn name parts and 12 birth dates (so the same
    names recur many times), a quarter of them exact twins of an earlier one."""
    parts = draw(st.lists(name_part, min_size=40, max_size=40))
    dates = draw(st.lists(births, min_size=12, max_size=12))
    rng = random.Random(draw(st.integers(0, 2 ** 32)))
    people: list[Person] = []
    for i in range(500):
        if people and rng.random() < 0.25:
            twin = rng.choice(people)
            people.append(Person(twin.kind, f"K{i:05d}", twin.given_names, twin.first_surname, twin.second_surname,
                                 "001", twin.birth_date))
            continue
        kind = rng.choice(["student", "student", "student", "staff"])
        people.append(Person(kind, f"K{i:05d}", rng.choice(parts), rng.choice(parts), rng.choice(parts), "001",
                             rng.choice(dates)))
    return people


def _valid_rfc5321(address: str) -> bool:
    local, _, domain = address.partition("@")
    parsed = Address(addr_spec=address)  # raises on a malformed addr-spec (RFC 5322 grammar)
    return parsed.username == local and len(local.encode()) <= 64 and len(address) <= 254 and address.isascii()


@settings(max_examples=20, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batches())
def test_addresses_unique_valid_and_stable(people):
    # an existing directory that holds the base address of some of the people
    known = {RULES[p.kind].address(RULES[p.kind].base(p)) for p in people[::7]}
    proposals = assign(people, RULES, known)
    addresses = [p.address for p in proposals]
    assert len(proposals) == len(people)
    assert len(set(addresses)) == len(addresses), "direcciones repetidas"
    assert not set(addresses) & known, "choca con el directorio"
    for proposal in proposals:
        address = proposal.address
        local = address.split("@")[0]
        assert check_address(address) is None, address
        assert len(local) <= LOCAL_MAX and len(address) <= ADDRESS_MAX
        assert _valid_rfc5321(address), address
        assert address == address.lower()
    # stable: the same input (in any order) gives the same addresses
    shuffled = list(people)
    random.Random(len(people)).shuffle(shuffled)
    again = {p.person.key: p.address for p in assign(shuffled, RULES, set(known))}
    assert again == {p.person.key: p.address for p in proposals}
