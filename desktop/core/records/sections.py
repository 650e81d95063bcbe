"""Section headings in record text and the class each gives what is under it: a drug under
"Allergies" is not taken, a gene under "Family history" is not hers, a drug under "Plan" is
planned, one under "Therapy associations" is an option."""

from __future__ import annotations

import re

# Section headings change what a mention means (a drug under "Allergies", a gene under
# "Family history"). Each maps to a class; unknown headings leave the class unchanged.
_SECTIONS = {
    "family": (
        "family history",
        "family hx",
        "fhx",
        "family cancer history",
    ),
    "allergies": ("allergies", "allergy", "drug allergies", "allergies and intolerances"),
    "current": (
        "current medications",
        "medications",
        "meds",
        "current meds",
        "active medications",
        "discharge medications",
        "medications on discharge",
        "home medications",
        "current treatment",
        "current therapy",
    ),
    "past": (
        "past medical history",
        "pmh",
        "treatment history",
        "oncologic history",
        "oncology history",
        "past oncologic history",
        "prior treatment",
        "prior treatments",
        "previous treatment",
        "previous treatments",
        "surgical history",
        "past surgical history",
        "psh",
        "cancer history",
    ),
    "plan": (
        "plan",
        "assessment and plan",
        "a/p",
        "recommendations",
        "recommendation",
        "plan of care",
        "follow-up plan",
        "next steps",
    ),
    # therapy options in tumour-profiling reports: drugs listed there are not the patient's
    "options": (
        "therapy associations",
        "therapy association",
        "therapies",
        "potential therapies",
        "potential treatment options",
        "treatment options",
        "therapeutic options",
        "therapeutic implications",
        "therapies with clinical benefit",
        "therapies with potential clinical benefit",
        "therapies with potential benefit",
        "therapies associated with sensitivity",
        "therapies associated with resistance",
        "therapies with lack of response",
        "fda-approved therapies",
        "approved therapies",
        "drug associations",
        "clinical trials",
        "relevant clinical trials",
        "clinical trial options",
        "potential clinical trials",
    ),
    "other": (
        "impression",
        "findings",
        "assessment",
        "diagnosis",
        "final diagnosis",
        "discharge diagnosis",
        "hpi",
        "history of present illness",
        "interval history",
        "labs",
        "laboratory",
        "results",
        "result",
        "physical exam",
        "exam",
        "examination",
        "hospital course",
        "social history",
        "procedures",
        "procedure",
        "specimen",
        "clinical history",
        "indication",
        "technique",
        "comparison",
        "interpretation",
        "reason for admission",
        "reason for visit",
        "chief complaint",
        "subjective",
        "objective",
        "review of systems",
        "vitals",
        "comment",
        "comments",
        "addendum",
        "summary",
        "genes analyzed",
        "genes analysed",
        "genomic findings",
        "biomarker findings",
        "variants of unknown significance",
        "variants of uncertain significance",
        "interpretive notes",
        "interpretation notes",
        "methods",
        "methods and limitations",
        "limitations",
        "disclaimer",
        "disclaimers",
        "references",
    ),
}
_LABEL_CLASS = {label: cls for cls, labels in _SECTIONS.items() for label in labels}
# a heading may end with a short parenthetical: "THERAPY ASSOCIATIONS (in this tumour type)"
_HEADING = re.compile(
    r"^[ \t]*([A-Za-z][A-Za-z /&'-]{1,40}?)[ \t]*(?:\([^)\n]{0,40}\)[ \t]*)?(?::|$)",
    re.MULTILINE,
)


def section_classes(text: str) -> list[tuple[int, str]]:
    """(offset, class) for each known heading in the page, in order."""
    out = []
    for m in _HEADING.finditer(text):
        cls = _LABEL_CLASS.get(" ".join(m.group(1).lower().split()))
        if cls:
            out.append((m.start(), cls))
    return out


def section_at(sections: list[tuple[int, str]], pos: int) -> str | None:
    """The class of the last heading at or before ``pos`` (None for "other" or none)."""
    current = None
    for start, cls in sections:
        if start > pos:
            break
        current = cls
    return None if current == "other" else current
