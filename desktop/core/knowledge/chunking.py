"""Cut guideline sections into retrieval units: passages, questions and sentences.

Passages keep whole paragraphs where they fit (about 120 words) and always carry the section
title, so a heading is never separated from its text. Sentences are what extractive answers
quote; questions are the section's own patient phrasings, indexed to match how people ask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from desktop.core.knowledge.pack import GuidelineSection
from desktop.core.text import normalise_whitespace, split_sentences

PASSAGE_WORDS = 120


@dataclass(frozen=True)
class Unit:
    id: str
    section_key: str
    kind: Literal["passage", "question", "sentence", "key_point"]
    text: str
    position: int

    def embedding_text(self, title: str) -> str:
        """Passages and sentences are embedded with their section title as context (a
        sentence such as 'MUC1 coats many breast cancers' is about CAR-T targets only in its
        section); questions stand alone."""
        if self.kind == "passage":
            return f"{title}. {self.text}"
        if self.kind in ("sentence", "key_point"):
            return f"{title}: {self.text}"
        return self.text


_KINDS = {"p": "passage", "q": "question", "s": "sentence", "k": "key_point"}


def parse_unit_id(entry_id: str) -> tuple[str, str]:
    """(section key, kind) of a unit id made by ``section_units`` ("pack/section#p3")."""
    key, _, local = entry_id.rpartition("#")
    return key, _KINDS.get(local[:1], "passage")


def paragraphs(body: str) -> list[str]:
    return [normalise_whitespace(p) for p in body.split("\n\n") if p.strip()]


def passages(body: str, limit: int = PASSAGE_WORDS) -> list[str]:
    """Group paragraphs (or, for a long one, its sentences) into passages of ~limit words."""
    pieces: list[str] = []
    for para in paragraphs(body):
        if len(para.split()) <= limit:
            pieces.append(para)
        else:
            pieces.extend(split_sentences(para))
    out: list[str] = []
    current: list[str] = []
    count = 0
    for piece in pieces:
        n = len(piece.split())
        if current and count + n > limit:
            out.append(" ".join(current))
            current, count = [], 0
        current.append(piece)
        count += n
    if current:
        out.append(" ".join(current))
    return out


def section_units(section: GuidelineSection) -> list[Unit]:
    key = section.key
    units = [
        Unit(f"{key}#p{i}", key, "passage", text, i)
        for i, text in enumerate(passages(section.body))
    ]
    units += [Unit(f"{key}#q{i}", key, "question", q, i) for i, q in enumerate(section.questions)]
    units += [
        Unit(f"{key}#s{i}", key, "sentence", s, i)
        for i, s in enumerate(split_sentences(section.body))
    ]
    units += [Unit(f"{key}#k{i}", key, "key_point", k, i) for i, k in enumerate(section.key_points)]
    return units
