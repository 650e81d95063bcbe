"""The ``Answer`` object: what the CLI prints as JSON and the window renders.

Its JSON shape is a public contract: fields may be added, never renamed or dropped."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from desktop.core.answer.disclaimer import DISCLAIMER


@dataclass
class Section:
    heading: str
    markdown: str


@dataclass
class Citation:
    id: int
    kind: Literal["guideline", "record"]
    title: str
    source: str
    locator: str
    snippet: str


@dataclass
class RelatedQuestion:
    question: str
    preview: str


@dataclass
class Clarification:
    reason: Literal["truncated", "ambiguous", "out_of_scope"]
    message: str
    suggestions: list[str] = field(default_factory=list)


@dataclass
class Urgent:
    reason: str
    message: str


@dataclass
class Answer:
    question: str
    mode: Literal["extractive", "llm"] = "extractive"
    answer_markdown: str = ""
    sections: list[Section] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    related_questions: list[RelatedQuestion] = field(default_factory=list)
    questions_for_care_team: list[str] = field(default_factory=list)
    clarification: Clarification | None = None
    urgent: Urgent | None = None
    disclaimer: str = DISCLAIMER
    timings_ms: dict[str, float] = field(default_factory=dict)
    # which way the answer was made and what happened on the way (LLM answers), in words
    notice: str = ""
    model: str = ""  # the model that wrote it ("" for extractive answers)
    stopped: bool = False  # the user stopped generation; the answer is partial
    # sentences checked against their citations: kept, removed and why (LLM answers)
    verification: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def to_markdown(self) -> str:
        """The answer for people: banner, clarification, answer, sources, disclaimer."""
        parts: list[str] = []
        if self.urgent:
            parts.append(f"**Urgent:** {self.urgent.message}")
        if self.clarification:
            parts.append(self.clarification.message)
            if self.clarification.suggestions:
                parts.append("Did you mean: " + "; ".join(self.clarification.suggestions))
        if self.notice:
            parts.append(f"_{self.notice}_")
        if self.answer_markdown:
            parts.append(self.answer_markdown)
        if self.citations:
            lines = ["**Sources**"]
            for c in self.citations:
                lines.append(f"[{c.id}] {c.title} ({c.source}; {c.locator})")
            parts.append("\n".join(lines))
        if self.related_questions:
            parts.append(
                "**Related questions**\n"
                + "\n".join(f"- {r.question}" for r in self.related_questions)
            )
        parts.append(f"_{self.disclaimer}_")
        return "\n\n".join(parts)
