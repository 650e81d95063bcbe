"""Which of her facts Lantern is not sure of: read from an unusual place of a document (the
reader says so in the fact's ``details["check"]``: the clinical history rather than the
diagnosis, a passing mention rather than a field) or with a competing value (another fact
of a single-valued field says something else). Such a fact is marked "please check" in the
Records tab and is not stated as hers in an answer until she confirms or corrects it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

CHECK = "check"  # the key of an extractor's reason in a fact's details
COMPETING = "another fact in your records gives a different value"


class _Fact(Protocol):
    id: str
    field: str
    value: str
    confirmed: bool
    check: str | None


def unusual_place(details: dict[str, str]) -> tuple[dict[str, str], str | None]:
    """The details without the reader's reason, and that reason (None when it had none)."""
    rest = {k: v for k, v in details.items() if k != CHECK}
    return rest, details.get(CHECK) or None


def settle(facts: Iterable[_Fact], single_valued: Iterable[str]) -> None:
    """Settle the reasons of a profile's facts: an unusual place is no reason when another
    fact, read from a usual place, gives the same value; each unconfirmed fact of a
    single-valued field whose facts disagree gets the reason ``COMPETING``."""
    facts = list(facts)
    plain = {(f.field, f.value) for f in facts if f.check is None}
    for fact in facts:
        if fact.check is not None and (fact.field, fact.value) in plain:
            fact.check = None
    for name in set(single_valued):
        same = [f for f in facts if f.field == name]
        if len({f.value for f in same}) < 2:
            continue
        for fact in same:
            if not fact.confirmed and fact.check is None:
                fact.check = COMPETING


def needs_check(fact: _Fact) -> bool:
    """Whether an answer must not state this fact as hers yet."""
    return fact.check is not None and not fact.confirmed
