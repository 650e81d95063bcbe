"""The record-field registry (``fields.toml``): one :class:`FieldSpec` per field a record fact
can have, read by the profile, the personal answers and the Records tab.

A spec says how the field is labelled, whether it holds one value at a time (two different
values are then a conflict), whether she may add it by hand, which question words make it
relevant (its topics), how a "For you" sentence states it (:mod:`.phrasing`) and where it
sits in the profile summary. ``[[interest]]`` rules say which guideline-section tags her
facts point to (a result in a named group -> the sections tagged with that group)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from desktop.core.packdata import checks
from desktop.core.packdata.phrasing import Phrase, parse_phrase

VALUE_TOPICS = ("", "drug", "value", "words")
# placeholder names a field's phrases may use besides its own parts
BUILT_IN = ("value", "label", "date")
NAMESPACES = ("details", "latest", "same_value_in")
_FIELD_KEYS = {
    "label",
    "single",
    "user_addable",
    "topics",
    "value_topics",
    "detail_words",
    "topics_by_detail",
    "sentence",
    "parts",
    "value_text",
    "in_answers",
    "one_per",
    "latest_per",
    "also_states",
    "summary",
    "summary_line",
    "summary_statuses",
}
_FILE_KEYS = {"generic_topics", "topics", "fields", "interest"}
_CONDITION_KEYS = {"field", "values", "not_values", "contains"}
_RULE_KEYS = _CONDITION_KEYS | {"each", "statuses", "also", "tags", "drug_tags"}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    single: bool = False  # one value at a time: two different values are a conflict
    user_addable: bool = True  # offered when she adds a fact by hand
    topics: frozenset[str] = frozenset()  # question words that make the field relevant
    value_topics: str = ""  # the value adds topics: "drug" (its names), "value", "words"
    detail_words: dict[str, frozenset[str]] = field(default_factory=dict)  # detail -> kept words
    topics_by_detail: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    sentence: Phrase | None = None  # how a "For you" sentence states it
    parts: dict[str, Phrase] = field(default_factory=dict)  # named pieces of that sentence
    value_text: str = "{value}"  # one value in a list of values that disagree
    in_answers: bool = True  # stated on its own in "For you" (not only inside another's)
    one_per: str = ""  # one sentence per field (""), per "value", or per a detail's value
    latest_per: str = ""  # a detail: only the newest fact for each of its values counts
    also_states: tuple[str, ...] = ()  # fields its sentence states too
    summary: int = 0  # position in the profile summary (0: not in it)
    summary_line: str = ""  # a multi-valued field's summary line, with {values}
    summary_statuses: tuple[str, ...] = ()  # statuses counted there ("" = none written)


@dataclass(frozen=True)
class Condition:
    field: str
    values: tuple[str, ...] = ()  # the value is one of these
    not_values: tuple[str, ...] = ()  # the value is none of these
    contains: str = ""  # the value contains this

    def holds(self, value: str) -> bool:
        return (
            (not self.values or value in self.values)
            and value not in self.not_values
            and self.contains in value
        )


@dataclass(frozen=True)
class InterestRule:
    """Section tags her facts point to: for the newest fact of ``condition.field`` (or each
    fact, with ``each``) that meets the condition, while ``also`` holds for other fields."""

    condition: Condition
    tags: tuple[str, ...]  # templates: {value} is the fact's value, lower-case
    each: bool = False
    statuses: tuple[str, ...] = ()  # with each: only facts of these statuses ("" = none)
    also: tuple[Condition, ...] = ()
    drug_tags: bool = False  # the value is a drug: add its names and class tags


@dataclass(frozen=True)
class FieldRegistry:
    specs: dict[str, FieldSpec] = field(default_factory=dict)
    generic_topics: frozenset[str] = frozenset()  # count only for a personal question
    interest: tuple[InterestRule, ...] = ()

    def spec(self, name: str) -> FieldSpec | None:
        return self.specs.get(name)

    def label(self, name: str) -> str:
        spec = self.specs.get(name)
        return spec.label if spec else name.replace("_", " ").capitalize()

    @cached_property
    def labels(self) -> dict[str, str]:
        """Field name -> label, in the registry's order."""
        return {name: spec.label for name, spec in self.specs.items()}

    @cached_property
    def single_valued(self) -> tuple[str, ...]:
        return tuple(name for name, spec in self.specs.items() if spec.single)

    @cached_property
    def in_summary(self) -> tuple[FieldSpec, ...]:
        return tuple(sorted((s for s in self.specs.values() if s.summary), key=_summary_key))


def _summary_key(spec: FieldSpec) -> int:
    return spec.summary


def parse_fields(data: dict[str, Any], problems: list[str]) -> FieldRegistry:
    """The registry in a ``fields.toml``'s tables; problems are appended, never raised."""
    top = checks.Reader(data, "fields.toml:", problems, _FILE_KEYS)
    groups_table = checks.Reader(top.get("topics"), top.at("topics"), problems)
    groups = {name: groups_table.words(name) for name in groups_table.data}
    fields = top.table("fields")
    specs = {
        name: spec
        for name, entry in fields.items()
        if (
            spec := _spec(
                name,
                checks.Reader(entry, f"fields.toml: fields.{name}", problems, _FIELD_KEYS),
                groups,
            )
        )
    }
    raw_rules = top.get("interest") or []
    if not isinstance(raw_rules, list):
        problems.append("fields.toml: 'interest' must be an array of tables ([[interest]])")
        raw_rules = []
    rules = (
        _rule(checks.Reader(r, f"fields.toml: interest {i}", problems, _RULE_KEYS))
        for i, r in enumerate(raw_rules, 1)
    )
    registry = FieldRegistry(specs, top.words("generic_topics"), tuple(rules))
    _check_names(registry, problems)
    return registry


def _spec(name: str, entry: checks.Reader, groups: dict[str, frozenset[str]]) -> FieldSpec | None:
    label = entry.text("label", required=True)
    if not label:
        return None
    value_topics = entry.text("value_topics")
    if value_topics not in VALUE_TOPICS:
        entry.problems.append(f"{entry.at('value_topics')}: one of {', '.join(VALUE_TOPICS[1:])}")
        value_topics = ""
    sentence = entry.get("sentence")
    parts = entry.table("parts")
    return FieldSpec(
        name=name,
        label=label,
        single=entry.flag("single", False),
        user_addable=entry.flag("user_addable", True),
        topics=_topics(entry.get("topics"), groups, entry.at("topics"), entry.problems),
        value_topics=value_topics,
        detail_words=_detail_words(entry),
        topics_by_detail=_topics_by_detail(entry, groups),
        sentence=parse_phrase(sentence, entry.at("sentence"), entry.problems) if sentence else None,
        parts={
            part: phrase
            for part, raw in parts.items()
            if (phrase := parse_phrase(raw, entry.at(f"parts.{part}"), entry.problems))
        },
        value_text=entry.text("value_text") or "{value}",
        in_answers=entry.flag("in_answers", True),
        one_per=entry.text("one_per"),
        latest_per=entry.text("latest_per"),
        also_states=entry.strings("also_states"),
        summary=_place(entry),
        summary_line=entry.text("summary_line"),
        summary_statuses=_statuses(
            entry.get("summary_statuses"), entry.at("summary_statuses"), entry.problems
        ),
    )


def _place(entry: checks.Reader) -> int:
    summary = entry.get("summary") or 0
    if not isinstance(summary, int) or isinstance(summary, bool) or summary < 0:
        entry.problems.append(f"{entry.at('summary')}: a whole number (its place in the summary)")
        return 0
    return summary


def _detail_words(entry: checks.Reader) -> dict[str, frozenset[str]]:
    details = checks.Reader(entry.get("detail_words"), entry.at("detail_words"), entry.problems)
    return {key: details.words(key) for key in details.data}


def _topics_by_detail(
    entry: checks.Reader, groups: dict[str, frozenset[str]]
) -> dict[str, dict[str, frozenset[str]]]:
    out: dict[str, dict[str, frozenset[str]]] = {}
    for key, by_value in entry.table("topics_by_detail").items():
        where = entry.at(f"topics_by_detail.{key}")
        out[key] = {
            value.lower(): _topics(words, groups, f"{where}.{value}", entry.problems)
            for value, words in checks.table(by_value, where, entry.problems).items()
        }
    return out


def _topics(
    value: object, groups: dict[str, frozenset[str]], where: str, problems: list[str]
) -> frozenset[str]:
    """A list of words, or the name of a group in [topics]."""
    if isinstance(value, str):
        if value not in groups:
            problems.append(f"{where}: no topic group '{value}' in [topics]")
        return groups.get(value, frozenset())
    return frozenset(w.lower() for w in checks.strings(value, where, problems))


def _statuses(value: object, where: str, problems: list[str]) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)  # "" stands for a fact with no status written
    if value is not None:
        problems.append(f"{where}: must be a list of strings")
    return ()


def _condition(entry: checks.Reader) -> Condition:
    return Condition(
        entry.text("field", required=True),
        entry.strings("values"),
        entry.strings("not_values"),
        entry.text("contains"),
    )


def _rule(entry: checks.Reader) -> InterestRule:
    also = entry.get("also") or []
    if not isinstance(also, list):
        entry.problems.append(
            f"{entry.at('also')}: must be a list of tables such as {{ field = ... }}"
        )
        also = []
    tags = entry.strings("tags")
    drug_tags = entry.flag("drug_tags", False)
    if not tags and not drug_tags:
        entry.problems.append(f"{entry.where}: needs tags (or drug_tags = true)")
    conditions = (checks.Reader(a, entry.at("also"), entry.problems, _CONDITION_KEYS) for a in also)
    return InterestRule(
        _condition(entry),
        tags,
        entry.flag("each", False),
        _statuses(entry.get("statuses"), entry.at("statuses"), entry.problems),
        tuple(_condition(c) for c in conditions),
        drug_tags,
    )


def _check_names(registry: FieldRegistry, problems: list[str]) -> None:
    """Every field a phrase, a rule or a spec names exists; every placeholder is known."""
    known = set(registry.specs)
    for spec in registry.specs.values():
        where = f"fields.toml: fields.{spec.name}"
        for other in spec.also_states:
            if other not in known:
                problems.append(f"{where}.also_states: no field '{other}'")
        phrases = [*spec.parts.values(), *([spec.sentence] if spec.sentence else [])]
        for name in (n for p in phrases for n in p.names()):
            problem = _unknown_placeholder(name, spec, known)
            if problem:
                problems.append(f"{where}: {problem}")
    for i, rule in enumerate(registry.interest, 1):
        for condition in (rule.condition, *rule.also):
            if condition.field and condition.field not in known:
                problems.append(f"fields.toml: interest {i}: no field '{condition.field}'")


def _unknown_placeholder(name: str, spec: FieldSpec, known: set[str]) -> str:
    if name in BUILT_IN or name in spec.parts:
        return ""
    space, _, key = name.partition(".")
    if space not in NAMESPACES or not key:
        return (
            f"unknown placeholder '{{{name}}}' (use value, label, date, a part's name, "
            "details.KEY, latest.FIELD or same_value_in.FIELD)"
        )
    if space != "details" and key not in known:
        return f"placeholder '{{{name}}}' names no field"
    return ""


def merge(registries: Iterable[FieldRegistry]) -> FieldRegistry:
    """Several packs' registries as one: the first pack's spec of a field wins, with the
    topics of every pack's spec of it; interest rules and generic topics add up."""
    specs: dict[str, FieldSpec] = {}
    generic: set[str] = set()
    rules: list[InterestRule] = []
    for registry in registries:
        for name, spec in registry.specs.items():
            old = specs.get(name)
            specs[name] = spec if old is None else _with_topics(old, spec.topics)
        generic |= registry.generic_topics
        rules.extend(registry.interest)
    return FieldRegistry(specs, frozenset(generic), tuple(rules))


def _with_topics(spec: FieldSpec, topics: frozenset[str]) -> FieldSpec:
    from dataclasses import replace

    return replace(spec, topics=spec.topics | topics)
