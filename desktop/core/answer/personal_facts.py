"""Her record facts as the packs' field registry describes them (``fields.toml``): what each
fact is about (its topics), which guideline-section tags her facts point to (interest), and
the sentence that states a fact in the "For you" section.

Nothing here names a field: a field's topics, sentence and interest rules are data, and the
drug names come from the packs' vocabulary."""

from __future__ import annotations

import re

from desktop.core.packdata.fields import Condition, FieldSpec, InterestRule
from desktop.core.packdata.packs import Coverage
from desktop.core.packdata.phrasing import Lookup, fill
from desktop.core.records.profile import Profile, ProfileFact
from desktop.core.text import words

DEFAULT_SENTENCE = "Your records show {label}: {value}."


def terms(text: str) -> set[str]:
    """The words of ``text``, hyphenated and slashed words also in their pieces."""
    out: set[str] = set()
    for w in words(text):
        out.add(w)
        if "-" in w or "/" in w:
            out.update(p for p in re.split(r"[-/]", w) if p)
    return out


def _drug_words(generic: str, coverage: Coverage, kind: str) -> set[str]:
    """A drug's names, with its classes' ``terms`` (question words) or ``tags``."""
    vocabulary = coverage.vocabulary
    return vocabulary.aliases(generic) | vocabulary.class_words(generic, kind)


def _value_topics(spec: FieldSpec, value: str, coverage: Coverage) -> set[str]:
    if spec.value_topics == "drug":
        return _drug_words(value, coverage, "terms")
    if spec.value_topics == "value":
        return {value.lower()}
    if spec.value_topics == "words":
        return terms(value)
    return set()


def fact_topics(fact: ProfileFact, coverage: Coverage) -> set[str]:
    """Words a question or a guideline section uses when it is about this fact."""
    spec = coverage.fields.spec(fact.field)
    if spec is None:
        return set()
    topics = set(spec.topics) | _value_topics(spec, fact.value, coverage)
    for key, kept in spec.detail_words.items():
        topics |= terms(fact.details.get(key, "").lower()) & kept
    for key, by_value in spec.topics_by_detail.items():
        value = fact.details.get(key, "").lower().replace("-", "")
        topics |= by_value.get(value, {value})
    return topics


def _only_value(value: str) -> Lookup:
    return lambda name: value if name == "value" else ""


def _holds(condition: Condition, profile: Profile) -> bool:
    fact = profile.latest(condition.field)
    return fact is not None and condition.holds(fact.value)


def _rule_facts(rule: InterestRule, profile: Profile) -> list[ProfileFact]:
    if not rule.each:
        fact = profile.latest(rule.condition.field)
        return [fact] if fact is not None else []
    facts = profile.by_field(rule.condition.field)
    if rule.statuses:
        facts = [f for f in facts if (f.details.get("status") or "") in rule.statuses]
    return facts


def _rule_tags(rule: InterestRule, profile: Profile, coverage: Coverage) -> set[str]:
    if not all(_holds(c, profile) for c in rule.also):
        return set()
    out: set[str] = set()
    for fact in _rule_facts(rule, profile):
        if not rule.condition.holds(fact.value):
            continue
        value = fact.value.lower()
        out |= {fill(tag, _only_value(value)).lower() for tag in rule.tags}
        if rule.drug_tags:
            out |= _drug_words(value, coverage, "tags")
    return out


def interest(profile: Profile, coverage: Coverage) -> set[str]:
    """Tags of guideline sections that match her situation."""
    out: set[str] = set()
    for rule in coverage.fields.interest:
        out |= _rule_tags(rule, profile, coverage)
    return out


def _lookup(fact: ProfileFact, profile: Profile, spec: FieldSpec | None) -> Lookup:
    """Placeholder values for one fact: its own, her other facts' and the spec's parts."""
    label = spec.label if spec is not None else fact.label
    own = {"value": fact.value, "label": label, "date": fact.date or ""}

    def lookup(name: str) -> str:
        if spec is not None and name in spec.parts:
            return spec.parts[name].render(lookup)
        space, _, key = name.partition(".")
        if space == "details":
            return fact.details.get(key) or ""
        if space == "latest":
            latest = profile.latest(key)
            return latest.value if latest is not None else ""
        if space == "same_value_in":
            return "yes" if any(f.value == fact.value for f in profile.by_field(key)) else ""
        return own.get(name, "")

    return lookup


def sentence(fact: ProfileFact, profile: Profile, coverage: Coverage) -> str:
    """One plain statement of what her records say (never what to do about it)."""
    spec = coverage.fields.spec(fact.field)
    lookup = _lookup(fact, profile, spec)
    if spec is None or spec.sentence is None:
        return fill(DEFAULT_SENTENCE, lookup, whole=False)
    return spec.sentence.render(lookup, whole=False)


def value_text(fact: ProfileFact, coverage: Coverage) -> str:
    """One value in a list of her values that disagree ("90%": the spec's value_text)."""
    spec = coverage.fields.spec(fact.field)
    template = spec.value_text if spec is not None else "{value}"
    return fill(template, _only_value(fact.value), whole=False)
