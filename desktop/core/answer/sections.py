"""The sections of an extractive answer, in the order shown: the short answer, more detail,
where things stand (each cited section's status), questions to ask the care team and where
to learn more; and the Markdown they render to."""

from __future__ import annotations

from collections.abc import Sequence

from desktop.core.answer.schema import Section
from desktop.core.answer.selection import Candidate
from desktop.core.knowledge.pack import GuidelineSection
from desktop.core.knowledge.retrieve import SectionHit

SHORT_HEADING = "In short"
DETAIL_HEADING = "More detail"
STANDING_HEADING = "Where things stand"
CARE_TEAM_HEADING = "Questions to ask your care team"
LEARN_HEADING = "Where to learn more"
TRIALS_LINE = (
    "U.S. National Library of Medicine: [ClinicalTrials.gov](https://clinicaltrials.gov), "
    "the public register of clinical trials (search by condition, treatment and place)"
)
_STATUS_TEXT = {
    "standard": "described in its sources as standard care",
    "investigational": (
        "investigational: it is being studied in clinical trials and is not standard care"
    ),
    "mixed": "partly standard care and partly still being studied; the detail above says which",
}


def _where_things_stand(cited: Sequence[tuple[GuidelineSection, int]]) -> str:
    """One line per cited section: its status as the pack records it (from its sources)."""
    lines = []
    for section, cid in cited:
        text = _STATUS_TEXT.get(section.status)
        if text and not section.locator:  # imported PDFs carry no status
            lines.append(f"- {section.title}: {text} [{cid}].")
    return "\n".join(lines)


def _about_trials(section: GuidelineSection) -> bool:
    labels = " ".join((section.id, section.title, *section.tags)).lower()
    return "trial" in labels or section.status == "investigational"


def _care_team(cited: Sequence[tuple[int, GuidelineSection]]) -> list[str]:
    """Questions of the cited (rank, section)s: up to three from the best section (rank 0),
    one from each other, no repeats."""
    questions: list[str] = []
    for rank, section in cited:
        for q in section.care_team_questions[: 3 if rank == 0 else 1]:
            if q not in questions:
                questions.append(q)
    return questions


def _learn_more(cited: Sequence[GuidelineSection]) -> str:
    """The cited sections' sources, linked, and the trials register for trial topics."""
    lines: list[str] = []
    for section in cited:
        for s in section.sources:
            title = f"[{s.title}]({s.url})" if s.url else s.title
            line = f"- {s.org}: {title} ({s.year})"
            if line not in lines:
                lines.append(line)
    if any(_about_trials(s) for s in cited):
        lines.append(f"- {TRIALS_LINE}")
    return "\n".join(lines)


def answer_sections(
    hits: Sequence[SectionHit],
    shown: Sequence[Candidate],
    detail: Sequence[Candidate],
    citation_ids: dict[int, int],
) -> tuple[list[Section], list[str]]:
    """(the sections, the care-team questions) of an answer quoting ``shown`` and ``detail``
    from ``hits``, cited as ``citation_ids`` (section rank -> citation number) says."""
    ranks = sorted(citation_ids)
    cited = [hits[r].section for r in ranks]
    sections: list[Section] = []
    if shown:
        sections.append(Section(SHORT_HEADING, " ".join(f"{c.text} [1]" for c in shown)))
    if detail:
        marked = " ".join(f"{c.text} [{citation_ids[c.rank]}]" for c in detail)
        sections.append(Section(DETAIL_HEADING, marked))
    standing = _where_things_stand([(hits[r].section, citation_ids[r]) for r in ranks])
    if standing:
        sections.append(Section(STANDING_HEADING, standing))
    care_team = _care_team([(r, hits[r].section) for r in ranks])
    if care_team:
        sections.append(Section(CARE_TEAM_HEADING, "\n".join(f"- {q}" for q in care_team)))
    if cited:
        sections.append(Section(LEARN_HEADING, _learn_more(cited)))
    return sections, care_team


def render_markdown(sections: Sequence[Section]) -> str:
    return "\n\n".join(f"### {s.heading}\n\n{s.markdown}" for s in sections)
