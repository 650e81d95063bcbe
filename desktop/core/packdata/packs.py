"""One pack's data files, and what the installed packs declare together (:class:`Coverage`).

Files are read lazily, once: nothing is read at import, and a pack's vocabulary is parsed the
first time something asks for a drug name or normalises a question. :func:`installed` is the
coverage of the packs shipped with this installation (``desktop.core.resources``), for the
code that has no packs handed to it (record extraction, a default engine)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from desktop.core import resources
from desktop.core.packdata import checks
from desktop.core.packdata import fields as fields_
from desktop.core.packdata import vocabulary as vocabulary_
from desktop.core.packdata.fields import FieldRegistry
from desktop.core.packdata.scope import Neighbour, Scope, UrgentWords, parse_scope
from desktop.core.packdata.vocabulary import DrugClass, Vocabulary

SCOPE_FILE, VOCABULARY_FILE, FIELDS_FILE = "scope.toml", "vocabulary.toml", "fields.toml"
DATA_FILES = (SCOPE_FILE, VOCABULARY_FILE, FIELDS_FILE)

# Said for a question outside the packs when a pack's scope.toml does not say it, or when
# several packs are installed (one pack says it in its own words).
OUTSIDE = (
    "Lantern answers questions about {topics} from its guideline {packs}. This question is "
    "outside what {they} {cover}, so it will not guess. Your care team can help with other "
    "questions."
)
NO_PACK = (
    "Lantern answers questions from its guideline documents. This question is outside what "
    "they cover, so it will not guess. Your care team can help with other questions."
)


class PackData:
    """The data files beside one pack's manifest, each read on first use."""

    def __init__(self, root: Path, pack_id: str = "", topic: str = "") -> None:
        self.root = root
        self.id = pack_id or root.name
        self._topic = topic
        self._problems: dict[str, list[str]] = {}

    def _read(self, name: str) -> dict[str, Any]:
        return checks.read_toml(self.root / name, self._problems.setdefault(name, []))

    @cached_property
    def topic(self) -> str:
        if self._topic:
            return self._topic
        info = self._read("manifest.toml").get("pack", {})
        return str(info.get("topic") or info.get("name") or self.id)

    @cached_property
    def scope(self) -> Scope:
        return parse_scope(self._read(SCOPE_FILE), self._problems[SCOPE_FILE])

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return vocabulary_.parse_vocabulary(
            self._read(VOCABULARY_FILE), self._problems[VOCABULARY_FILE]
        )

    @cached_property
    def fields(self) -> FieldRegistry:
        return fields_.parse_fields(self._read(FIELDS_FILE), self._problems[FIELDS_FILE])

    @property
    def subject(self) -> str:
        return self.scope.subject or self.topic

    def problems(self) -> list[str]:
        """Every problem in the pack's data files (reads them all)."""
        _ = self.scope, self.vocabulary, self.fields
        found = [p for name in DATA_FILES for p in self._problems.get(name, [])]
        return found + self._unknown_drugs()

    def _unknown_drugs(self) -> list[str]:
        """Drugs and classes the urgent rules name that the pack's vocabulary lacks."""
        out = []
        for rule in self.scope.urgent.rules:
            out += [
                f"scope.toml: urgent rule '{rule.id or rule.reason}': no drug '{d}' in "
                "vocabulary.toml"
                for d in rule.drugs
                if self.vocabulary.drug(d) is None
            ]
            out += [
                f"scope.toml: urgent rule '{rule.id or rule.reason}': no class '{c}' in "
                "vocabulary.toml"
                for c in rule.classes
                if c not in self.vocabulary.classes
            ]
        return out


@dataclass(frozen=True)
class Refusal:
    message: str
    suggestions: tuple[str, ...]


class Coverage:
    """What a set of packs declares together: their subject, scope, vocabulary and fields."""

    def __init__(self, packs: Sequence[PackData]) -> None:
        self.packs = tuple(packs)

    @classmethod
    def of_roots(cls, roots: Iterable[Path]) -> Coverage:
        return cls([PackData(root) for root in roots])

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return vocabulary_.merge(p.vocabulary for p in self.packs)

    @cached_property
    def fields(self) -> FieldRegistry:
        return fields_.merge(p.fields for p in self.packs)

    @property
    def subject(self) -> str:
        """The prompt's subject: the packs' subjects, "" with no pack."""
        return " or ".join(dict.fromkeys(p.subject for p in self.packs))

    @cached_property
    def urgent(self) -> UrgentWords:
        """The packs' urgent words together: the first pack's call and fever wording and its
        name for each general sign, and every pack's own warning signs."""
        words = [p.scope.urgent for p in self.packs]
        reasons: dict[str, str] = {}
        for w in words:
            for sign, reason in w.reasons.items():
                reasons.setdefault(sign, reason)
        return UrgentWords(
            next((w.call for w in words if w.call), ""),
            next((w.fever for w in words if w.fever), ""),
            reasons,
            tuple(rule for w in words for rule in w.rules),
        )

    def drug_pattern(self, drugs: Iterable[str], classes: Iterable[str]) -> re.Pattern[str]:
        """Any name of these drugs or of the drugs in these classes, or a class's terms
        (matched on folded, lower-case text)."""
        vocabulary, wanted = self.vocabulary, set(classes)
        generics = {d.lower() for d in drugs}
        generics |= {d.generic.lower() for d in vocabulary.drugs if wanted & set(d.classes)}
        names = set(generics)
        for generic in generics:
            drug = vocabulary.drug(generic)
            names |= {s.lower() for s in drug.spellings} if drug else set()
        for name in wanted:
            names |= {t.lower() for t in vocabulary.classes.get(name, DrugClass(name)).terms}
        ordered = sorted(names, key=len, reverse=True)
        if not ordered:
            return re.compile("(?!)")  # no name: matches nothing
        return re.compile(r"\b(" + "|".join(map(re.escape, ordered)) + r")\b")

    def neighbour(self, folded: str) -> tuple[PackData, Neighbour] | None:
        """The neighbouring topic a (folded) question names when no pack covers it."""
        if any(p.scope.covered(folded) for p in self.packs):
            return None
        for pack in self.packs:
            found = pack.scope.neighbour(folded)
            if found is not None:
                return pack, found
        return None

    def refusal(self, folded: str = "") -> Refusal:
        """What to say for a question outside the packs (the neighbour's words when it
        names one, else the pack's, or a sentence naming every pack's topic)."""
        named = self.neighbour(folded) if folded else None
        if named is not None:
            pack, neighbour = named
            return Refusal(neighbour.message or pack.scope.message, pack.scope.suggestions)
        if len(self.packs) == 1 and self.packs[0].scope.message:
            return Refusal(self.packs[0].scope.message, self.packs[0].scope.suggestions)
        suggestions = tuple(p.scope.suggestions[0] for p in self.packs if p.scope.suggestions)
        return Refusal(_outside([p.topic for p in self.packs]), suggestions[:3])


def _outside(topics: list[str]) -> str:
    if not topics:
        return NO_PACK
    if len(topics) == 1:
        return OUTSIDE.format(topics=topics[0], packs="pack", they="it", cover="covers")
    listed = ", ".join(topics[:-1]) + f" and {topics[-1]}"
    return OUTSIDE.format(topics=listed, packs="packs", they="they", cover="cover")


def pack_roots(guidelines_dir: Path) -> list[Path]:
    """The pack folders (those with a manifest) under a guidelines folder, sorted."""
    if not guidelines_dir.is_dir():
        return []
    return sorted(p.parent for p in guidelines_dir.glob("*/manifest.toml"))


def installed() -> Coverage:
    """The coverage of the packs installed with Lantern (read once per guidelines folder)."""
    return _installed(resources.guidelines_dir())


@functools.cache
def _installed(guidelines_dir: Path) -> Coverage:
    return Coverage.of_roots(pack_roots(guidelines_dir))
