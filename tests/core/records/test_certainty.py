"""Certainty of her facts (issue 17): a fact read from an unusual place or with a competing
value is marked "please check", and an answer does not state it as hers until she confirms
it; a confirmed or corroborated fact is stated as before."""

from __future__ import annotations

from desktop.core.answer.personal import PersonalContext
from desktop.core.records.certainty import COMPETING, needs_check, settle
from desktop.core.records.extract import Evidence, extract
from desktop.core.records.profile import DocumentLabel, Profile, ProfileFact

HISTORY_ONLY = (
    "CLINICAL HISTORY: Left breast invasive lobular carcinoma diagnosed on core biopsy.\n"
    "FINAL DIAGNOSIS: Breast, re-excision: no residual carcinoma. Margins clear.\n"
)
DIAGNOSIS = (
    "CLINICAL HISTORY: Breast mass.\n"
    "FINAL DIAGNOSIS: Left breast, lumpectomy: invasive lobular carcinoma, grade 2.\n"
)


def _fact(fid: str, field: str, value: str, *, check: str | None = None, confirmed: bool = False):
    ev = Evidence("d", 1, 0, 5, f"{field} {value}")
    return ProfileFact(
        fid, field, value, "2024-10-01", {}, ev, "d", confirmed=confirmed, check=check
    )


def _facts(text: str, field: str) -> list:
    return [f for f in extract([("report", [text])]) if f.field == field]


def test_a_type_read_only_from_the_clinical_history_carries_its_reason() -> None:
    (histology,) = _facts(HISTORY_ONLY, "histology")
    assert "clinical history" in histology.details["check"]
    (side,) = _facts(HISTORY_ONLY, "laterality")
    assert "clinical history" in side.details["check"]
    (histology,) = _facts(DIAGNOSIS, "histology")  # the diagnosis states it: no reason
    assert "check" not in histology.details


def test_settle_keeps_unusual_places_marks_competing_values_and_clears_corroborated() -> None:
    unusual = _fact("a", "histology", "invasive lobular carcinoma", check="from the history")
    corroborated = _fact("b", "laterality", "left", check="from the history")
    usual = _fact("c", "laterality", "left")
    er_pos, er_neg = _fact("d", "er_status", "positive"), _fact("e", "er_status", "negative")
    confirmed = _fact("f", "pr_status", "positive", confirmed=True)
    other = _fact("g", "pr_status", "negative")
    facts = [unusual, corroborated, usual, er_pos, er_neg, confirmed, other]
    settle(facts, ["histology", "laterality", "er_status", "pr_status"])
    assert unusual.check == "from the history" and needs_check(unusual)
    assert corroborated.check is None and usual.check is None
    assert er_pos.check == er_neg.check == COMPETING
    assert not needs_check(confirmed) and other.check == COMPETING


def test_an_answer_does_not_state_a_fact_that_needs_her_check(services) -> None:
    fact = _fact("a", "histology", "invasive lobular carcinoma", check="read from the history")
    label = DocumentLabel("d", "0" * 64, "Pathology report", "2024-10-01", "r.pdf")
    question = "What type of breast cancer do I have, lobular or ductal?"
    answer = services.engine.ask(question, PersonalContext(Profile([fact], {"d": label})))
    mine = next(s for s in answer.sections if s.heading.startswith("For you")).markdown
    assert "Please check it in the Records tab" in mine
    assert "invasive lobular carcinoma" not in mine.lower()
    fact.confirmed = True  # once she confirms it, it is stated as hers
    answer = services.engine.ask(question, PersonalContext(Profile([fact], {"d": label})))
    mine = next(s for s in answer.sections if s.heading.startswith("For you")).markdown
    assert "lobular" in mine.lower() and "Please check" not in mine
