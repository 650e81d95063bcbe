"""Unit vectors: one pass per passage gives the passage and its sentences; the rest alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop.core.knowledge.chunking import section_units
from desktop.core.knowledge.pack import GuidelineSection
from desktop.core.knowledge.unit_vectors import unit_vectors

SECTION = GuidelineSection(
    "bc",
    "hot-flashes",
    "Hot flashes",
    "Hot flashes are common on tamoxifen. They often ease with time.\n\n"
    "Layers of clothing help. A fan at night helps too.",
    questions=("why am i so hot at night", "hot flush tamoxifen"),
    key_points=("Common and often easing", "Simple steps help"),
)


@dataclass
class Result:
    whole: list[float]
    parts: list[list[float] | None]


class Recorder:
    """Vectors that name the text they came from, so the test can see which pass made each."""

    def __init__(self, segmented: bool) -> None:
        self.plain: list[str] = []
        self.groups: list[list[str]] = []
        if not segmented:
            self.embed_segmented = None  # type: ignore[assignment]

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.plain += texts
        return [[float(len(self.plain) - len(texts) + i)] for i in range(len(texts))]

    def embed_segmented(self, groups: Sequence[Sequence[str]]) -> list[Result]:
        self.groups += [list(g) for g in groups]
        return [
            Result([1000.0 + g], [[1000.0 + g + (p + 1) / 100] for p in range(len(pieces))])
            for g, pieces in enumerate(groups)
        ]


def test_sentences_come_from_their_passage_and_questions_alone() -> None:
    units = section_units(SECTION)
    embedder = Recorder(segmented=True)
    vectors = unit_vectors(embedder, [(SECTION.title, units)])
    assert set(vectors) == {u.id for u in units}
    passages = [u for u in units if u.kind == "passage"]
    sentences = [u for u in units if u.kind == "sentence"]
    # every sentence's vector is a part of some passage's pass (values 1000+g+p/100)
    for s in sentences:
        assert vectors[s.id][0] > 1000 and vectors[s.id][0] % 1 != 0
    for p in passages:
        assert vectors[p.id][0] >= 1000 and vectors[p.id][0] % 1 == 0
    # the title leads each passage group; key points are one more group
    assert all(g[0] == "Hot flashes." for g in embedder.groups[:-1])
    assert embedder.groups[-1] == ["Hot flashes:", *SECTION.key_points]
    # only the patient phrasings were embedded on their own
    assert embedder.plain == list(SECTION.questions)


def test_plain_embedder_embeds_every_unit_with_its_title() -> None:
    units = section_units(SECTION)
    embedder = Recorder(segmented=False)
    vectors = unit_vectors(embedder, [(SECTION.title, units)])
    assert set(vectors) == {u.id for u in units}
    assert sorted(embedder.plain) == sorted(u.embedding_text(SECTION.title) for u in units)
