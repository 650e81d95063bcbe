"""What a text offers as evidence, for the verifier: content terms (light stems, British and
American spellings joined), numbers (digits or spelled out), drug generic names, letter-digit
terms (HER2, BRCA2, DESTINY-Breast04), and for a passage its sentences and the windows of one or
two consecutive sentences that a generated sentence is compared with, and that comparison."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from desktop.core.records.vocabulary import DRUG_RE, drug_generics
from desktop.core.text import STOPWORDS, stem, words
from desktop.core.text import split_sentences as passage_sentences

_SPELLED = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100"}
# "one" is a number only before a unit or in a range ("one in five", "one to three years")
_ONE_CONTEXT = re.compile(
    r"\s+(?:in|to|or|and|per|year|years|month|months|week|weeks|day|days|hour|hours|drink|"
    r"drinks|percent|dose|cycle|cycles)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"(?<![A-Za-z0-9.])(?<![A-Za-z]-)(?<![A-Za-z0-9]/)(\d+(?:[.,]\d+)*)"
    r"(?=(?:mg|ml|mm|cm|kg|g|h)?\b)"
    r"(?![-/][A-Za-z])"
    r"|\b(" + "|".join(_SPELLED) + r")\b",
    re.IGNORECASE,
)
# a negated statement ("... did not help"); "compared with not drinking" is not one
NEGATION = re.compile(
    r"(?<!\bwith )(?<!\bthan )(?<!\bby )(?<!\bof )(?<!\bfrom )(?<!\bfor )\bnot\b"
    r"|\b(?:no|never|none|cannot|without|neither|nor)\b|n't\b",
    re.IGNORECASE,
)
# Words that give a direction: a sentence saying "raises" must match a passage sentence that
# says so, not one that says "lowers".
UP = re.compile(
    r"\b(?:rais(?:e|es|ed|ing)|increas(?:e|es|ed|ing)|higher|ris(?:e|es|ing)|rose|boost\w*|"
    r"greater|worsen\w*)\b",
    re.IGNORECASE,
)
DOWN = re.compile(
    r"\b(?:lower(?:s|ed|ing)?|reduc(?:e|es|ed|ing)|decreas(?:e|es|ed|ing)|less|fewer|"
    r"drop(?:s|ped)?|fall(?:s)?|fell|weaken\w*)\b",
    re.IGNORECASE,
)
# cancer stages written in Roman numerals: "stage II or III"
_STAGE = re.compile(
    r"\b[Ss]tages?\s+((?:0|I{1,3}|IV)[ABC]?(?:\s*(?:,|or|and|to|-|–)\s*(?:0|I{1,3}|IV)[ABC]?\b)*)"
)
_ROMAN_PART = re.compile(r"0|IV|I{1,3}")
_ROMAN = {"0": "0", "I": "1", "II": "2", "III": "3", "IV": "4"}
# "before" and "after" carry meaning here too (before/after menopause, surgery, chemotherapy)
BEFORE = re.compile(r"\b(?:before|prior to)\b", re.IGNORECASE)
AFTER = re.compile(r"\b(?:after|following)\b", re.IGNORECASE)
# the last part of a status compound (HER2-positive, triple-negative, HER2-low)
_STATUS = frozenset("positive negative low ultralow null zero mutated amplified".split())


def _spelling(word: str) -> str:
    """British and American spellings meet (oestrogen/estrogen, tumour/tumor)."""
    word = word.replace("oe", "e").replace("ae", "e")
    return word[:-3] + "or" if word.endswith("our") and len(word) > 5 else word


def _term(word: str) -> str:
    word = stem(_spelling(word))
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


@dataclass
class Evidence:
    terms: set[str]
    numbers: set[str]
    specifics: set[str]  # letter-digit terms and status compounds
    drugs: set[str]


def _stages(text: str) -> list[str]:
    return [r for m in _STAGE.finditer(text) for r in _ROMAN_PART.findall(m.group(1))]


def _numbers(text: str) -> set[str]:
    found: set[str] = {f"stage {_ROMAN[r.upper()]}" for r in _stages(text)}
    for match in _NUMBER.finditer(text):
        digits, spelled = match.group(1), match.group(2)
        if spelled:
            if spelled.lower() == "one" and not _ONE_CONTEXT.match(text, match.end()):
                continue
            found.add(_SPELLED[spelled.lower()])
        elif re.fullmatch(r"\d{1,3}(?:,\d{3})+", digits):
            found.add(digits.replace(",", ""))
        else:
            for part in digits.split(","):
                try:
                    found.add(format(float(part), "g"))
                except ValueError:
                    found.add(part)
    return found


# Light verbs a faithful paraphrase often swaps ("causes" for "include", "used" for "given"):
# they say little on their own, so they do not count as content terms.
LIGHT_WORDS = frozenset(
    """cause causes caused causing include includes included including lead leads led make
    makes made use uses used using give gives given take takes taken taking need needs needed
    show shows showed shown find finds found become becomes called known""".split()
)


def _parts(token: str) -> list[str]:
    return [
        p
        for p in re.split(r"[-/']", token)
        if len(p) > 1 and p not in STOPWORDS and p not in LIGHT_WORDS
    ]


def terms(text: str) -> set[str]:
    """Content terms: light stems of the words' parts, stopwords and bare numbers left out."""
    return {_term(p) for token in words(text) for p in _parts(token) if not p.isdigit()}


def evidence(text: str, passage: bool = False) -> Evidence:
    tokens = words(text)
    specifics: set[str] = set()
    for token in tokens:
        parts = re.split(r"[-/']", token)
        if len(parts) > 1 and parts[-1] in _STATUS:
            specifics.add(f"{parts[-2]}-{parts[-1]}")  # "her2-positive"
        specifics.update(p for p in _parts(token) if not p.isdigit() and re.search(r"\d", p))
    if passage:  # a passage also offers "HER2 positive" written apart
        specifics.update(
            f"{a.rsplit('-', 1)[-1]}-{b}" for a, b in itertools.pairwise(tokens) if b in _STATUS
        )
    drugs = {g for m in DRUG_RE.finditer(text) for g in drug_generics(m)}
    return Evidence(terms(text), _numbers(text), specifics, drugs)


@dataclass
class Passage:
    evidence: Evidence
    sentences: list[str]
    windows: list[str]  # the sentences, then each pair of consecutive sentences
    sentence_facts: list[tuple[set[str], set[str]]]  # per sentence: its terms and numbers


def read_passage(text: str) -> Passage:
    sentences = passage_sentences(text) or [text]
    windows = sentences + [f"{a} {b}" for a, b in itertools.pairwise(sentences)]
    found = evidence(text, passage=True)
    facts = [(terms(w), _numbers(w)) for w in sentences]
    return Passage(found, sentences, windows, facts)


def _unit_vectors(vectors: Sequence[Sequence[float]]) -> np.ndarray:
    arr = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    return arr / np.where(norms > 0, norms, 1.0)


Embed = Callable[[Sequence[str]], Sequence[Sequence[float]]]


def closest(
    claims: Sequence[tuple[str, Sequence[int], set[str]]],
    parsed: Mapping[int, Passage],
    embed: Embed | None,
) -> list[tuple[float, str]]:
    """Per claim (text, cited passage numbers, its terms): the best cosine to a window of its
    cited passages, and the single passage sentence closest to it (by embedding, or by shared
    terms without an embedder). All claims and windows are embedded in one call."""
    if embed is None:
        out: list[tuple[float, str]] = []
        for _, cited, found in claims:
            sentences = [s for n in cited for s in parsed[n].sentences]
            out.append((0.0, max(sentences, key=lambda s: len(found & terms(s)))))
        return out
    texts = [c[0] for c in claims] + [w for n in parsed for w in parsed[n].windows]
    row = {t: i for i, t in enumerate(dict.fromkeys(texts))}
    matrix = _unit_vectors(embed(list(row)))
    out = []
    for claim, cited, _ in claims:
        windows = [w for n in cited for w in parsed[n].windows]
        singles = {s for n in cited for s in parsed[n].sentences}
        scores = matrix[[row[w] for w in windows]] @ matrix[row[claim]]
        best = max((i for i, w in enumerate(windows) if w in singles), key=lambda i: scores[i])
        out.append((float(scores.max()), windows[best]))
    return out
