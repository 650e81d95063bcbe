"""Sentences written as data: templates with placeholders, optional parts and choices.

A phrase is one of
- a template string: ``"Your records show grade {value}."``. A placeholder names a value
  (``{value}``, ``{details.dose}``, a part of the same field, ...); ``{a|b|'text'}`` takes the
  first that is not empty, a quoted alternative is literal text;
- ``{ text = "...", unless = "NAME" }``: the template, empty when NAME has a value;
- ``{ first = [phrase, ...] }``: the first that is not empty;
- ``{ join = [phrase, ...], separator = ", ", before = " (", after = ")" }``: the non-empty
  ones joined, wrapped only when there is any;
- ``{ by = "NAME", cases = { value = phrase, ... }, default = phrase }``: chosen by a value.

A part (a named phrase) is empty when any placeholder in its template is empty, so
``" on {date}"`` disappears without a date; the sentence itself keeps its empty values."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from desktop.core.packdata import checks

Lookup = Callable[[str], str]  # a placeholder's name -> its value ("" when it has none)

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Phrase:
    """A template string, or a choice/join/first over phrases (see the module docstring)."""

    text: str = ""
    unless: str = ""
    first: tuple[Phrase, ...] = ()
    join: tuple[Phrase, ...] = ()
    separator: str = ", "
    before: str = ""
    after: str = ""
    by: str = ""
    cases: dict[str, Phrase] = field(default_factory=dict)
    default: Phrase | None = None

    def render(self, lookup: Lookup, whole: bool = True) -> str:
        """The phrase with its placeholders filled. With ``whole`` a template with an empty
        placeholder renders as "" (a part); without, empty values are left empty."""
        if self.unless and lookup(self.unless):
            return ""
        if self.by:
            chosen = self.cases.get(lookup(self.by), self.default)
            return chosen.render(lookup, whole) if chosen else ""
        if self.first:
            return next((s for p in self.first if (s := p.render(lookup))), "")
        if self.join:
            shown = [s for p in self.join if (s := p.render(lookup))]
            return f"{self.before}{self.separator.join(shown)}{self.after}" if shown else ""
        return fill(self.text, lookup, whole)

    def names(self) -> Iterator[str]:
        """Every placeholder name the phrase uses (literal alternatives left out)."""
        if self.unless:
            yield self.unless
        if self.by:
            yield self.by
        for phrase in (*self.first, *self.join, *self.cases.values()):
            yield from phrase.names()
        if self.default is not None:
            yield from self.default.names()
        for m in _PLACEHOLDER.finditer(self.text):
            yield from (a.strip() for a in m.group(1).split("|") if not _literal(a))


def _literal(alternative: str) -> bool:
    a = alternative.strip()
    return len(a) >= 2 and a[0] == a[-1] == "'"


def _first_of(spec: str, lookup: Lookup) -> str:
    for alternative in spec.split("|"):
        a = alternative.strip()
        value = a[1:-1] if _literal(a) else lookup(a)
        if value:
            return value
    return ""


def fill(template: str, lookup: Lookup, whole: bool = True) -> str:
    """``template`` with every ``{...}`` filled; "" when ``whole`` and any is empty."""
    empty = False

    def one(m: re.Match[str]) -> str:
        nonlocal empty
        value = _first_of(m.group(1), lookup)
        empty = empty or not value
        return value

    out = _PLACEHOLDER.sub(one, template)
    return "" if whole and empty else out


_TABLE_KEYS = {"text", "unless", "first", "join", "separator", "before", "after", "by", "cases"}


def parse_phrase(value: Any, where: str, problems: list[str]) -> Phrase | None:
    """A phrase from its TOML form; None (and a problem) when it is malformed."""
    if isinstance(value, str):
        return Phrase(text=value)
    if not isinstance(value, dict):
        problems.append(f"{where}: must be a string or a table (text, first, join or by)")
        return None
    unknown = set(value) - _TABLE_KEYS - {"default"}
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    kinds = [k for k in ("text", "first", "join", "by") if k in value]
    if len(kinds) != 1:
        problems.append(f"{where}: needs exactly one of text, first, join or by")
        return None
    words = {k: value.get(k) for k in ("text", "unless", "separator", "before", "after", "by")}
    if not all(isinstance(v, str) for v in words.values() if v is not None):
        problems.append(f"{where}: text, unless, separator, before, after and by are strings")
        return None
    return Phrase(
        **{k: v for k, v in words.items() if v is not None},
        first=_phrases(value.get("first"), f"{where}.first", problems),
        join=_phrases(value.get("join"), f"{where}.join", problems),
        cases=_cases(value.get("cases"), f"{where}.cases", problems),
        default=(
            parse_phrase(value["default"], f"{where}.default", problems)
            if "default" in value
            else None
        ),
    )


def _phrases(value: Any, where: str, problems: list[str]) -> tuple[Phrase, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        problems.append(f"{where}: must be a non-empty list of phrases")
        return ()
    return tuple(
        p for i, v in enumerate(value, 1) if (p := parse_phrase(v, f"{where}[{i}]", problems))
    )


def _cases(value: Any, where: str, problems: list[str]) -> dict[str, Phrase]:
    cases = checks.table(value, where, problems)
    return {k: p for k, v in cases.items() if (p := parse_phrase(v, f"{where}.{k}", problems))}
