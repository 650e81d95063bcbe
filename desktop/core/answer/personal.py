"""Personalisation: the patient's profile steers retrieval and adds a "For you" section.

Two rules keep record and guideline apart. Every "For you" sentence starts from her records
("Your records show ...") and cites a record citation (kind "record", located by document
kind, date and page); it never gives advice. Guideline sentences stay in the guideline
sections with guideline citations, and are never reworded as her facts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from desktop.core.answer.schema import Citation, Section
from desktop.core.knowledge.keyword import query_terms
from desktop.core.knowledge.pack import GuidelineSection
from desktop.core.knowledge.retrieve import SectionHit
from desktop.core.knowledge.vocabulary import BRANDS
from desktop.core.records.profile import Profile, ProfileFact
from desktop.core.records.search import RecordHit, RecordIndex
from desktop.core.text import words

MAX_FACTS = 6
BOOST_PER_MATCH = 0.2
BOOST_CAP = 0.4
PASSAGE_SIMILARITY = 0.6  # a record passage is quoted only when this close and keyword-matched

_PERSONAL = re.compile(r"\b(my|me|mine|i|i'm|im|i've|ive|myself)\b", re.IGNORECASE)
_CDK46 = {"ribociclib", "palbociclib", "abemaciclib"}
_FIELD_TOPICS: dict[str, set[str]] = {
    "er": {"er", "estrogen", "oestrogen", "hormone", "receptor", "receptors", "endocrine"},
    "pr": {"pr", "progesterone", "hormone", "receptor", "receptors"},
    "her2": {"her2", "ihc", "ish", "fish", "her2-low", "her2-positive", "her2-ultralow"},
    "ki67": {"ki-67", "ki67", "proliferation"},
    "grade": {"grade", "grading"},
    "histology": {"type", "ductal", "lobular", "histology", "idc", "ilc", "dcis", "kind"},
    "stage": {"stage", "staging", "tnm", "prognosis", "outlook"},
    "tnm": {"stage", "staging", "tnm"},
    "metastatic_site": {"metastatic", "metastases", "metastasis", "mets", "spread", "stage"},
    "gene": {"gene", "genes", "genetic", "mutation", "variant", "brca", "parp", "hereditary"},
    "menopausal_status": {"menopause", "menopausal", "premenopausal", "postmenopausal"},
    "procedure": {"surgery", "operation", "lumpectomy", "mastectomy", "radiation"},
    "medication": {"medication", "medicine", "drug", "drugs", "treatment", "side", "effects"},
    "dose_change": {"dose", "reduction", "reduced", "lower", "medication", "treatment"},
}
_GENERIC = {"medication", "medicine", "drug", "drugs", "treatment", "side", "effects", "type"}
_LAB_TOPICS: dict[str, set[str]] = {
    "anc": {"anc", "neutrophil", "neutrophils", "neutropenia", "counts", "count", "infection"},
    "wbc": {"wbc", "white", "counts", "count", "infection", "neutropenia"},
    "neutrophils": {"neutrophil", "neutrophils", "neutropenia", "counts"},
    "haemoglobin": {"haemoglobin", "hemoglobin", "anaemia", "anemia", "counts", "tired"},
    "platelets": {"platelets", "platelet", "bleeding", "bruising", "counts"},
    "alt": {"alt", "liver"},
    "ast": {"ast", "liver"},
    "alp": {"alp", "liver", "bone"},
    "bilirubin": {"bilirubin", "liver", "jaundice"},
    "creatinine": {"creatinine", "kidney", "kidneys"},
    "egfr": {"kidney", "kidneys"},
    "qtc": {"qt", "qtc", "heart", "ecg", "rhythm"},
    "glucose": {"glucose", "sugar", "diabetes", "hyperglycaemia", "hyperglycemia"},
    "hba1c": {"glucose", "sugar", "diabetes", "hba1c"},
    "calcium": {"calcium"},
}
# what a medication is also called in the guideline sections' tags and titles
_DRUG_ALIASES: dict[str, set[str]] = {}
for _brand, _generic in BRANDS.items():
    _DRUG_ALIASES.setdefault(_generic, {_generic}).add(_brand)


def _terms(text: str) -> set[str]:
    out: set[str] = set()
    for w in words(text):
        out.add(w)
        if "-" in w or "/" in w:
            out.update(p for p in re.split(r"[-/]", w) if p)
    return out


def _drug_terms(generic: str) -> set[str]:
    terms = set(_DRUG_ALIASES.get(generic, {generic})) | {generic} | set(generic.split())
    if generic in _CDK46:
        terms |= {"cdk4/6", "cdk46"}
    return terms


def fact_topics(fact: ProfileFact) -> set[str]:
    """Words a question or a guideline section uses when it is about this fact."""
    prefix = fact.field.split("_")[0]
    topics = set(_FIELD_TOPICS.get(fact.field, _FIELD_TOPICS.get(prefix, set())))
    if fact.field in ("medication", "dose_change"):
        topics |= _drug_terms(fact.value.lower())
        if fact.field == "dose_change":
            reason = fact.details.get("reason", "").lower()
            topics |= {w for w in _terms(reason) if w in {"neutropenia", "diarrhoea", "liver"}}
    elif fact.field == "lab":
        test = fact.details.get("test", "").lower().replace("-", "")
        topics |= _LAB_TOPICS.get(test, {test})
    elif fact.field == "gene":
        topics.add(fact.value.lower())
    elif fact.field == "metastatic_site" or fact.field == "procedure":
        topics |= _terms(fact.value)
    return topics


def _interest(profile: Profile) -> set[str]:
    """Tags of guideline sections that match her situation."""
    out: set[str] = set()
    cat = profile.latest("her2_category")
    if cat and cat.value in ("low", "ultralow", "zero", "positive"):
        out.add(f"her2-{cat.value}")
    er, pr = profile.latest("er_status"), profile.latest("pr_status")
    if er and er.value == "low positive":
        out.add("er-low")
    if (er and "positive" in er.value) or (pr and pr.value == "positive"):
        out |= {"hormone receptor-positive", "hr-positive"}
    if (
        er
        and pr
        and er.value == "negative"
        and pr.value == "negative"
        and cat
        and cat.value != "positive"
    ):
        out |= {"triple-negative", "tnbc"}
    for f in profile.by_field("medication"):
        if f.details.get("status") in (None, "", "current", "planned"):
            out |= _drug_terms(f.value.lower()) - {"cdk46"}
    for f in profile.by_field("gene"):
        out.add(f.value.lower())
    if profile.by_field("metastatic_site"):
        out.add("metastatic")
        for f in profile.by_field("metastatic_site"):
            out.add(f"{f.value.lower()} metastases")
    stage = profile.latest("stage")
    if stage and stage.value == "IV":
        out.add("metastatic")
    return out


@dataclass
class PersonalContext:
    """What the engine needs from an unlocked patient: her profile and record search."""

    profile: Profile
    index: RecordIndex | None = None
    _interest: set[str] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self._interest = _interest(self.profile)

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
        asked = _terms(question)
        personal = bool(_PERSONAL.search(question))
        context = set(asked)
        if hits:  # whole words of the best section's tags ('her2-negative' stays whole)
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
                    f"{_value_text(f)} {cite(f)}" + (f" ({f.date})" if f.date else "")
                    for f in facts
                )
                sentences.append(
                    f"Your records do not agree on the {fact.label}: {listed}. "
                    "Ask your care team which result applies to you."
                )
                continue
            sentences.append(f"{_sentence(fact, self.profile)} {cite(fact)}")
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
        scored: list[tuple[int, int, ProfileFact]] = []
        latest_lab: dict[str, ProfileFact] = {}
        for f in self.profile.facts:
            if f.field == "lab":
                test = f.details.get("test", "")
                current = latest_lab.get(test)
                if current is None or (f.date or "") > (current.date or ""):
                    latest_lab[test] = f
        for order, f in enumerate(self.profile.facts):
            if f.field == "lab" and latest_lab.get(f.details.get("test", "")) is not f:
                continue
            if f.field in ("laterality", "er_percent", "pr_percent", "er_intensity"):
                continue
            topics = fact_topics(f)
            specific = topics - _GENERIC
            direct = len(specific & asked)
            related = len(specific & context)
            generic = len(topics & _GENERIC & asked) if personal else 0
            if direct or related or generic:
                scored.append((-(3 * direct + related + generic), order, f))
        scored.sort(key=lambda t: (t[0], t[1]))
        out: list[ProfileFact] = []
        fields: set[str] = set()
        if any(f.field == "her2_category" for _, _, f in scored):  # its sentence names both
            fields |= {"her2_ihc", "her2_ish"}
        for _, _, f in scored:
            key = f.field if f.field != "lab" else f"lab:{f.details.get('test')}"
            if f.field in ("medication", "gene", "procedure", "metastatic_site"):
                key = f"{f.field}:{f.value}"
            if key in fields:
                continue
            fields.add(key)
            out.append(f)
            if len(out) >= MAX_FACTS:
                break
        return out

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


def _value_text(fact: ProfileFact) -> str:
    if fact.field == "her2_ihc":
        return f"HER2 IHC {fact.value}"
    if fact.field.endswith("_percent"):
        return f"{fact.value}%"
    return fact.value


_STATUS = {"positive": "positive", "negative": "negative", "low positive": "low positive"}


def _sentence(fact: ProfileFact, profile: Profile) -> str:
    """One plain statement of what her records say (never what to do about it)."""
    v = fact.value
    when = f" on {fact.date}" if fact.date else ""
    if fact.field in ("er_status", "pr_status"):
        name = (
            "estrogen receptor (ER)" if fact.field == "er_status" else "progesterone receptor (PR)"
        )
        pct = profile.latest(fact.field.replace("status", "percent"))
        extra = f" ({pct.value}% of cells)" if pct else ""
        return f"Your records show the cancer is {name} {_STATUS.get(v, v)}{extra}."
    if fact.field == "her2_category":
        ihc = profile.latest("her2_ihc")
        ish = profile.latest("her2_ish")
        parts = [f"IHC {ihc.value}" if ihc else "", f"ISH {ish.value}" if ish else ""]
        shown = ", ".join(p for p in parts if p)
        basis = f" ({shown})" if shown else ""
        if v in ("low", "ultralow", "zero", "positive"):
            return (
                f"Your records show a HER2 result{basis} that falls in the group called HER2-{v}."
            )
        return f"Your records show a HER2 result{basis}: {v}."
    if fact.field == "her2_ihc":
        return f"Your records show a HER2 IHC score of {v}."
    if fact.field == "her2_ish":
        return f"Your records show HER2 ISH (gene copy) testing: {v}."
    if fact.field == "ki67_percent":
        return f"Your records show a Ki-67 of {v}%."
    if fact.field == "grade":
        return f"Your records show grade {v}."
    if fact.field == "histology":
        return f"Your records describe the cancer as {v}."
    if fact.field == "stage":
        return f"Your records show stage {v}."
    if fact.field == "tnm":
        return f"Your records show the TNM stage as {v}."
    if fact.field == "metastatic_site":
        return f"Your records mention spread to the {v}{when}."
    if fact.field == "gene":
        origin = fact.details.get("origin")
        result = fact.details.get("result", "")
        kind = {"germline": "inherited (germline) ", "tumour": "tumour "}.get(origin or "", "")
        return f"Your records show a {kind}{v} test result: {result or 'see the report'}."
    if fact.field == "menopausal_status":
        return f"Your records describe you as {v}{when}."
    if fact.field == "procedure":
        status = fact.details.get("status")
        if status == "planned":
            return f"Your records list a planned {v}."
        return f"Your records list {v}{when}."
    if fact.field == "medication":
        d = fact.details
        changed = any(c.value == v for c in profile.by_field("dose_change"))
        # a dose from before a recorded change would read as the current one: leave it out
        bits = [d["dose"]] if d.get("dose") and not changed else []
        if d.get("start"):
            bits.append(f"started {d['start']}")
        if d.get("stop"):
            bits.append(f"stopped {d['stop']}")
        extra = f" ({', '.join(bits)})" if bits else ""
        status = d.get("status")
        verb = {"past": "list a past", "planned": "list a plan for"}.get(status or "", "list")
        return f"Your records {verb} {v}{extra}."
    if fact.field == "dose_change":
        d = fact.details
        change = ""
        if d.get("from") and d.get("to"):
            change = f" from {d['from']} to {d['to']}"
        elif d.get("to"):
            change = f" to {d['to']}"
        date = d.get("date") or fact.date
        reason = f"; the reason noted: {d['reason']}" if d.get("reason") else ""
        on = f" on {date}" if date else ""
        return f"Your records note a {v} dose change{change}{on}{reason}."
    if fact.field == "lab":
        d = fact.details
        unit = f" {d['unit']}" if d.get("unit") else ""
        ref = ""
        if d.get("ref_low") and d.get("ref_high"):
            ref = f" (reference range {d['ref_low']}-{d['ref_high']})"
        flag = f", marked {d['flag']}" if d.get("flag") else ""
        test = d.get("test", "lab result")
        return f"Your most recent {test} in your records is {v}{unit}{when}{ref}{flag}."
    return f"Your records show {fact.label}: {v}."
