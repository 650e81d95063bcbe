"""The query normaliser shared by retrieval and question analysis.

Fixes frequent misspellings ('ribocyclib'), maps brand names to generic names ('Kisqali'),
expands abbreviations and casual words ('TNBC', 'chemo', 'mets') and, for longer unknown words,
tries a close match against the medical vocabulary. Idempotent: normalising its own output
changes nothing."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from desktop.core.knowledge.vocabulary import BRANDS, EXPANSIONS, MISSPELLINGS, TERMS
from desktop.core.text import fold

_TOKEN = re.compile(r"[a-z0-9]+(?:[-'/+][a-z0-9]+)*[+-]?|[^\sa-z0-9]+")
_FUZZY_MIN_LEN = 7
_TERM_LIST = sorted(TERMS)


@dataclass(frozen=True)
class Normalised:
    original: str
    text: str  # corrected text (for embedding and display)
    expansions: tuple[str, ...] = ()  # extra words for keyword search and embedding
    corrections: tuple[tuple[str, str], ...] = field(default=())

    @property
    def search_text(self) -> str:
        """Corrected text plus expansions: what retrieval embeds and searches."""
        if not self.expansions:
            return self.text
        return f"{self.text} ({'; '.join(self.expansions)})"


def _fuzzy(word: str) -> str | None:
    if len(word) < _FUZZY_MIN_LEN or not word.isalpha():
        return None
    match = difflib.get_close_matches(word, _TERM_LIST, n=1, cutoff=0.84)
    return match[0] if match else None


def correct_word(word: str) -> str | None:
    """The corrected spelling of one lower-case word, or None when it needs none."""
    if word in MISSPELLINGS:
        return MISSPELLINGS[word]
    if word in TERMS or word in EXPANSIONS or word in BRANDS:
        return None
    return _fuzzy(word)


def normalise(question: str) -> Normalised:
    """Normalise a question (lower-cased, accents folded, spelling corrected, terms expanded)."""
    text = fold(question.replace("\x00", " "))
    out: list[str] = []
    expansions: list[str] = []
    corrections: list[tuple[str, str]] = []
    for token in _TOKEN.findall(text):
        word = token
        fixed = correct_word(word) if word[:1].isalnum() else None
        if fixed and fixed != word:
            corrections.append((word, fixed))
            word = fixed
        out.append(word)
        for key in (word, word.rstrip("+")) if word.endswith("+") else (word,):
            extra = BRANDS.get(key) or EXPANSIONS.get(key)
            if extra and extra != word and extra not in expansions:
                expansions.append(extra)
                break
    joined = " ".join(out)
    joined = re.sub(r"\s+([?.!,;:])", r"\1", joined)
    return Normalised(question, joined, tuple(expansions), tuple(corrections))
