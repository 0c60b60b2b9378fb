"""Collision resolution of proposed addresses (DESIGN.md §13; issue 20 item 2).

Deterministic: the batch is ordered by ``(kind, key)`` and each person gets
the rule's base local part if no known address holds it, else the base plus
the smallest sequence number ``1, 2, …`` that is free. "Known" is every
address the caller passes (students' addresses, staff accounts already
proposed, the tenant's directory export) and every address given earlier in
the same batch. Comparison is case-insensitive on the whole address
(RFC 5321 leaves the local part's case to the server; Microsoft 365 and
Google treat it as case-insensitive).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from server.accounts.naming import SEQUENCE_ROOM, NamingRule, Person
from station.domain.errors import UserError


@dataclass(frozen=True)
class Proposal:
    """An address proposed for ``person``: ``base`` is what the template gave,
    ``address`` the final one; ``collided`` is True when a sequence was added."""

    person: Person
    address: str
    base: str
    collided: bool


class SequenceExhausted(UserError, ValueError):
    """More than 9,999 people share one base local part (Spanish message)."""

    code = "sequence_exhausted"


def assign(people: Iterable[Person], rules: dict[str, NamingRule], known: Iterable[str]) -> list[Proposal]:
    """Propose one unique address per person.

    ``rules`` maps a kind to its :class:`NamingRule`; ``known`` are the
    addresses already taken (any case). Returns proposals in ``(kind, key)``
    order. The same inputs always give the same output. Raises ``KeyError``
    for a kind without a rule and :class:`SequenceExhausted` when a base has
    no free sequence left.
    """
    taken = {a.strip().lower() for a in known if a}
    out: list[Proposal] = []
    limit = 10 ** SEQUENCE_ROOM
    tried: dict[str, int] = {}  # base address → highest sequence already known taken (same result, no rescans)
    for person in sorted(people, key=lambda p: (p.kind, p.key)):
        rule = rules[person.kind]
        base = rule.base(person)
        first = rule.address(base)
        seq = tried.get(first, 0)
        address = rule.address(f"{base}{seq}") if seq else first
        while address in taken:
            seq += 1
            if seq >= limit:
                raise SequenceExhausted(f"Hay demasiadas cuentas con la base «{base}»; cambie la plantilla.")
            address = rule.address(f"{base}{seq}")
        taken.add(address)
        tried[first] = seq
        out.append(Proposal(person, address, base, seq > 0))
    return out
