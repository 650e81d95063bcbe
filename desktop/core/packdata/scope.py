"""A pack's scope (``scope.toml``): what it covers, the neighbouring topics it does not, and
what Lantern says when a question is outside it; the subject the model's prompt names; and
the pack's words for urgent warnings.

A question that names a neighbouring topic (a regular expression matched on the folded
question) and none of the words that mark the pack's own topic is refused by rule, before
retrieval, with the neighbour's message or the pack's. ``[urgent]`` says whom to call, what
a fever means with the pack's treatments, how the general warning signs are named
(``GENERAL_SIGNS``, checked in :mod:`desktop.core.answer.analyze`), and adds warning signs
that need care only with some of its drugs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from desktop.core.packdata import checks

_FILE_KEYS = {"subject", "covers", "message", "suggestions", "neighbours", "urgent"}
_NEIGHBOUR_KEYS = {"name", "patterns", "message"}
_URGENT_KEYS = {"call", "fever", "reasons", "rules"}
_RULE_KEYS = {"id", "reason", "symptoms", "drugs", "classes", "after"}
# the warning signs every answer is checked for, in order (analyze.py holds their patterns)
GENERAL_SIGNS = (
    "infection",
    "chest",
    "dehydration",
    "bleeding",
    "spinal",
    "stroke",
    "calcium",
    "clot",
)


@dataclass(frozen=True)
class Neighbour:
    """A neighbouring topic the pack does not cover."""

    name: str
    patterns: tuple[re.Pattern[str], ...]
    message: str = ""  # what to say for it; the pack's message when empty

    def named_in(self, folded: str) -> bool:
        return any(p.search(folded) for p in self.patterns)


@dataclass(frozen=True)
class UrgentRule:
    """A warning sign that needs care today only with some of the pack's drugs."""

    id: str
    reason: str  # "Your message mentions {reason}."
    symptoms: tuple[re.Pattern[str], ...]
    drugs: tuple[str, ...] = ()  # generic names: any of their names in the question
    classes: tuple[str, ...] = ()  # drug classes: their drugs' names and the class's terms
    after: str = ""  # the general sign it is checked after ("": after all of them)


@dataclass(frozen=True)
class UrgentWords:
    call: str = ""  # whom to call, said after every warning
    fever: str = ""  # what a temperature of 38.0 °C or more means
    reasons: dict[str, str] = field(default_factory=dict)  # a general sign -> its name
    rules: tuple[UrgentRule, ...] = ()


@dataclass(frozen=True)
class Scope:
    subject: str = ""  # the prompt's subject ("people with {subject}"); the pack's topic if ""
    covers: tuple[str, ...] = ()  # words that mark a question as about the pack's topic
    message: str = ""  # what Lantern says for a question outside the pack
    suggestions: tuple[str, ...] = ()  # questions it can answer, offered instead
    neighbours: tuple[Neighbour, ...] = ()
    urgent: UrgentWords = UrgentWords()

    def covered(self, folded: str) -> bool:
        return any(word in folded for word in self.covers)

    def neighbour(self, folded: str) -> Neighbour | None:
        """The neighbouring topic the (folded) question names, if any."""
        return next((n for n in self.neighbours if n.named_in(folded)), None)


def parse_scope(data: dict[str, Any], problems: list[str]) -> Scope:
    """The scope in a ``scope.toml``'s tables; problems are appended, never raised."""
    where = "scope.toml"
    checks.unknown_keys(data, _FILE_KEYS, where, problems)
    raw = data.get("neighbours")
    if raw is not None and not isinstance(raw, list):
        problems.append(f"{where}: 'neighbours' must be an array of tables ([[neighbours]])")
        raw = []
    neighbours = tuple(
        n for i, entry in enumerate(raw or [], start=1) if (n := _neighbour(i, entry, problems))
    )
    scope = Scope(
        checks.text(data.get("subject"), f"{where}: subject", problems),
        tuple(w.lower() for w in checks.strings(data.get("covers"), f"{where}: covers", problems)),
        checks.text(data.get("message"), f"{where}: message", problems, required=bool(data)),
        checks.strings(data.get("suggestions"), f"{where}: suggestions", problems),
        neighbours,
        _urgent(checks.Reader(data.get("urgent"), f"{where}: urgent", problems, _URGENT_KEYS)),
    )
    if neighbours and not scope.covers:
        problems.append(
            f"{where}: 'covers' is empty, so a question naming a neighbouring topic is refused "
            "even when it is about the pack's own topic"
        )
    return scope


def _neighbour(number: int, raw: object, problems: list[str]) -> Neighbour | None:
    where = f"scope.toml: neighbours {number}"
    entry = checks.entry(raw, where, problems, _NEIGHBOUR_KEYS)
    if entry is None:
        return None
    name = checks.text(entry.get("name"), f"{where}: name", problems, required=True)
    sources = checks.strings(entry.get("patterns"), f"{where}: patterns", problems)
    if not sources:
        problems.append(f"{where}: needs at least one pattern")
    patterns = tuple(
        p
        for i, s in enumerate(sources, 1)
        if (p := checks.pattern(s, f"{where}: pattern {i}", problems))
    )
    message = checks.text(entry.get("message"), f"{where}: message", problems)
    return Neighbour(name or f"neighbour {number}", patterns, message) if patterns else None


def _urgent(urgent: checks.Reader) -> UrgentWords:
    reasons = {}
    for sign, reason in urgent.table("reasons").items():
        if sign not in GENERAL_SIGNS:
            urgent.problems.append(
                f"{urgent.at('reasons')}: no general sign '{sign}' "
                f"(one of {', '.join(GENERAL_SIGNS)})"
            )
        reasons[sign] = checks.text(reason, urgent.at(f"reasons.{sign}"), urgent.problems, True)
    raw = urgent.get("rules") or []
    if not isinstance(raw, list):
        urgent.problems.append(f"{urgent.at('rules')}: must be an array of tables")
        raw = []
    rules = [
        _urgent_rule(checks.Reader(r, urgent.at(f"rules {i}"), urgent.problems, _RULE_KEYS))
        for i, r in enumerate(raw, 1)
    ]
    return UrgentWords(
        urgent.text("call"), urgent.text("fever"), reasons, tuple(r for r in rules if r)
    )


def _urgent_rule(rule: checks.Reader) -> UrgentRule | None:
    after = rule.text("after")
    if after and after not in GENERAL_SIGNS:
        rule.problems.append(f"{rule.at('after')}: one of {', '.join(GENERAL_SIGNS)}")
        after = ""
    symptoms = tuple(
        p
        for i, source in enumerate(rule.strings("symptoms"), 1)
        if (p := checks.pattern(source, rule.at(f"symptoms {i}"), rule.problems))
    )
    drugs, classes = rule.strings("drugs"), rule.strings("classes")
    if not symptoms or not (drugs or classes):
        rule.problems.append(f"{rule.where}: needs symptoms and drugs or classes")
        return None
    reason = rule.text("reason", required=True)
    return UrgentRule(rule.text("id"), reason, symptoms, drugs, classes, after)
