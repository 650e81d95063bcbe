"""The query normaliser shared by retrieval and question analysis.

Fixes frequent misspellings, maps brand names to generic names ('Tylenol' -> acetaminophen),
expands abbreviations and casual words ('meds', 'tx') and, for longer unknown words, tries a
close match against the medical vocabulary. The words come from the packs'
vocabularies (``vocabulary.toml``; :mod:`desktop.core.packdata.vocabulary`): the installed
packs' unless a vocabulary is given. Idempotent: normalising its own output changes nothing."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from desktop.core.packdata.packs import installed
from desktop.core.packdata.vocabulary import Lexicon, Vocabulary
from desktop.core.text import fold

_TOKEN = re.compile(r"[a-z0-9]+(?:[-'/+][a-z0-9]+)*[+-]?|[^\sa-z0-9]+")
_FUZZY_MIN_LEN = 7


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


def _lexicon(vocabulary: Vocabulary | None) -> Lexicon:
    return (vocabulary or installed().vocabulary).lexicon


def _fuzzy(word: str, lexicon: Lexicon) -> str | None:
    if len(word) < _FUZZY_MIN_LEN or not word.isalpha():
        return None
    match = difflib.get_close_matches(word, lexicon.term_list, n=1, cutoff=0.84)
    return match[0] if match else None


def correct_word(word: str, vocabulary: Vocabulary | None = None) -> str | None:
    """The corrected spelling of one lower-case word, or None when it needs none."""
    return _correct(word, _lexicon(vocabulary))


def _correct(word: str, lexicon: Lexicon) -> str | None:
    if word in lexicon.misspellings:
        return lexicon.misspellings[word]
    if word in lexicon.known or word in lexicon.expansions:
        return None
    return _fuzzy(word, lexicon)


def normalise(question: str, vocabulary: Vocabulary | None = None) -> Normalised:
    """Normalise a question (lower-cased, accents folded, spelling corrected, terms expanded)."""
    lexicon = _lexicon(vocabulary)
    text = fold(question.replace("\x00", " "))
    out: list[str] = []
    expansions: list[str] = []
    corrections: list[tuple[str, str]] = []
    for token in _TOKEN.findall(text):
        word = token
        fixed = _correct(word, lexicon) if word[:1].isalnum() else None
        if fixed and fixed != word:
            corrections.append((word, fixed))
            word = fixed
        out.append(word)
        for key in (word, word.rstrip("+")) if word.endswith("+") else (word,):
            extra = lexicon.names.get(key) or lexicon.expansions.get(key)
            if extra and extra != word and extra not in expansions:
                expansions.append(extra)
                break
    joined = " ".join(out)
    joined = re.sub(r"\s+([?.!,;:])", r"\1", joined)
    return Normalised(question, joined, tuple(expansions), tuple(corrections))
