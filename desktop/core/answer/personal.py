"""Personalisation: the patient's profile steers retrieval and adds a "For you" section.

Two rules keep record and guideline apart. Every "For you" sentence starts from her records
("Your records show ...") and cites a record citation (kind "record", located by document
kind, date and page); it never gives advice. Guideline sentences stay in the guideline
sections with guideline citations, and are never reworded as her facts. Which facts a
question is about, the tags her facts point to and each sentence come from the packs' field
registry (:mod:`desktop.core.answer.personal_facts`)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from desktop.core.answer import personal_facts
from desktop.core.answer.personal_facts import fact_topics, terms
from desktop.core.answer.schema import Citation, Section
from desktop.core.knowledge.keyword import query_terms
from desktop.core.knowledge.pack import GuidelineSection
from desktop.core.knowledge.retrieve import SectionHit
from desktop.core.packdata.fields import FieldRegistry
from desktop.core.packdata.packs import Coverage, installed
from desktop.core.records.certainty import needs_check
from desktop.core.records.profile import Profile, ProfileFact
from desktop.core.records.search import RecordHit, RecordIndex
from desktop.core.text import words

MAX_FACTS = 6
BOOST_PER_MATCH = 0.2
BOOST_CAP = 0.4
PASSAGE_SIMILARITY = 0.6  # a record passage is quoted only when this close and keyword-matched

_PERSONAL = re.compile(r"\b(my|me|mine|i|i'm|im|i've|ive|myself)\b", re.IGNORECASE)


@dataclass
class PersonalContext:
    """What the engine needs from an unlocked patient: her profile and record search."""

    profile: Profile
    index: RecordIndex | None = None
    coverage: Coverage = field(default_factory=installed)  # the packs whose fields apply
    _interest: set[str] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self._interest = personal_facts.interest(self.profile, self.coverage)

    def boost(self, section: GuidelineSection) -> float:
        """How much her profile raises a retrieved section (0 when it does not match)."""
        if not self._interest:
            return 0.0
        labels = {t.lower() for t in section.tags} | {section.id.lower(), section.title.lower()}
        matches = sum(
            1 for term in self._interest if term in labels or any(term in lab for lab in labels)
        )
        return min(BOOST_CAP, BOOST_PER_MATCH * matches)

    def for_you(
        self,
        question: str,
        query_vector: Sequence[float],
        hits: Sequence[SectionHit],
        first_id: int,
    ) -> tuple[Section | None, list[Citation]]:
        """The "For you" section and its record citations, numbered from ``first_id``."""
        asked = terms(question)
        personal = bool(_PERSONAL.search(question))
        context = set(asked)
        if hits:  # whole words of the best section's tags (a hyphenated tag stays whole)
            main = hits[0].section
            context |= {w for t in (*main.tags, main.title) for w in words(t)}
        chosen = self._relevant(asked, context, personal)
        sentences: list[str] = []
        citations: list[Citation] = []

        def cite(fact: ProfileFact) -> str:
            citation = self._citation(fact, first_id + len(citations))
            for c in citations:
                if (c.title, c.locator) == (citation.title, citation.locator):
                    return f"[{c.id}]"
            citations.append(citation)
            return f"[{citation.id}]"

        conflicts = self.profile.conflicts()
        done: set[str] = set()
        for fact in chosen:
            if fact.field in done:
                continue
            done.add(fact.field)
            if fact.field in conflicts:
                facts = self._one_per_value(fact.field)
                listed = "; ".join(
                    f"{personal_facts.value_text(f, self.coverage)} {cite(f)}"
                    + (f" ({f.date})" if f.date else "")
                    for f in facts
                )
                label = self.coverage.fields.label(fact.field)
                sentences.append(
                    f"Your records do not agree on the {label}: {listed}. "
                    "Ask your care team which result applies to you."
                )
                continue
            if needs_check(fact):  # read from an unusual place: not stated as hers yet
                label = self.coverage.fields.label(fact.field)
                sentences.append(
                    f"Your records mention your {label}, but Lantern is not sure it read it "
                    f"right ({fact.check}), so it does not state it here. Please check it in "
                    f"the Records tab {cite(fact)}."
                )
                continue
            sentence = personal_facts.sentence(fact, self.profile, self.coverage)
            sentences.append(f"{sentence} {cite(fact)}")
        if self.index is not None and personal:
            quote = self._passage(
                question, query_vector, {f.evidence.text for f in chosen if f.evidence}
            )
            if quote is not None:
                hit, citation = quote
                citation.id = first_id + len(citations)
                citations.append(citation)
                line = " ".join(hit.passage.text.split())
                if len(line) > 240:
                    line = line[:239].rsplit(" ", 1)[0] + "…"
                sentences.append(f'Your records also say: "{line}" [{citation.id}]')
        if not sentences:
            return None, []
        body = "\n".join(f"- {s}" for s in sentences)
        return Section("For you (from your records)", body), citations

    def _relevant(self, asked: set[str], context: set[str], personal: bool) -> list[ProfileFact]:
        """Her facts the question is about, most relevant first, one per sentence."""
        generic = self.coverage.fields.generic_topics
        scored: list[tuple[int, int, ProfileFact]] = []
        for order, f in enumerate(self._candidates()):
            topics = fact_topics(f, self.coverage)
            specific = topics - generic
            score = 3 * len(specific & asked) + len(specific & context)
            score += len(topics & generic & asked) if personal else 0
            if score:
                scored.append((-score, order, f))
        scored.sort(key=lambda t: (t[0], t[1]))
        return _one_each([f for _, _, f in scored], self.coverage.fields)

    def _candidates(self) -> Iterator[ProfileFact]:
        """Facts stated on their own, only the newest of a kind where the field says so
        (the newest value of each lab test)."""
        registry = self.coverage.fields
        newest: dict[tuple[str, str], ProfileFact] = {}
        for f in self.profile.facts:
            key = _latest_key(f, registry)
            current = newest.get(key) if key else None
            if key and (current is None or (f.date or "") > (current.date or "")):
                newest[key] = f
        for f in self.profile.facts:
            spec = registry.spec(f.field)
            key = _latest_key(f, registry)
            if (spec is None or spec.in_answers) and (key is None or newest[key] is f):
                yield f

    def _one_per_value(self, name: str) -> list[ProfileFact]:
        seen: dict[str, ProfileFact] = {}
        for f in self.profile.by_field(name):
            seen.setdefault(f.value, f)
        return list(seen.values())

    def _citation(self, fact: ProfileFact, cid: int) -> Citation:
        if fact.evidence is None or fact.doc_id is None:
            return Citation(cid, "record", "Entered by you", "Your records", "profile", fact.value)
        label = self.profile.documents.get(fact.doc_id)
        title = label.title if label else "Your document"
        return Citation(
            cid,
            "record",
            title,
            "Your records",
            f"{title}, p. {fact.evidence.page}",
            fact.evidence.text,
        )

    def _passage(
        self, question: str, query_vector: Sequence[float], shown: set[str]
    ) -> tuple[RecordHit, Citation] | None:
        assert self.index is not None
        hits = self.index.search(query_terms(question), query_vector, limit=1)
        if not hits or not hits[0].keyword or hits[0].similarity < PASSAGE_SIMILARITY:
            return None
        hit = hits[0]
        if any(line and line in hit.passage.text for line in shown):
            return None
        label = self.profile.documents.get(hit.passage.doc_id)
        title = label.title if label else "Your document"
        return hit, Citation(
            0, "record", title, "Your records", f"{title}, p. {hit.passage.page}", hit.passage.text
        )


def _latest_key(fact: ProfileFact, registry: FieldRegistry) -> tuple[str, str] | None:
    spec = registry.spec(fact.field)
    if spec is None or not spec.latest_per:
        return None
    return fact.field, fact.details.get(spec.latest_per, "")


def _one_each(facts: list[ProfileFact], registry: FieldRegistry) -> list[ProfileFact]:
    """At most MAX_FACTS facts, one per sentence the field's spec allows (one per field, per
    value or per a detail's value); fields another chosen fact's sentence states are left out."""
    taken = {
        (other,)
        for f in facts
        if (spec := registry.spec(f.field)) is not None
        for other in spec.also_states
    }
    out: list[ProfileFact] = []
    for f in facts:
        key = _sentence_key(f, registry)
        if key in taken:
            continue
        taken.add(key)
        out.append(f)
        if len(out) >= MAX_FACTS:
            break
    return out


def _sentence_key(fact: ProfileFact, registry: FieldRegistry) -> tuple[str, ...]:
    spec = registry.spec(fact.field)
    per = spec.one_per if spec is not None else ""
    if not per:
        return (fact.field,)
    if per == "value":
        return (fact.field, fact.value)
    return (fact.field, fact.details.get(per, ""))
