"""How well one guideline sentence fits a kind of question, whether it leans on the sentence
before it, and how long an answer of each kind should be.

Query-focused composition (``answer.selection``) reads these rules: a definition is answered by
a sentence that says what something is; an outlook question by one with figures or words about
survival; a sentence that opens with "This", "These", "It", "The combination"... only makes
sense after the sentence before it, so it is quoted with it or not at all."""

from __future__ import annotations

import re

# A sentence that refers back to the one before it.
_DEPENDS = re.compile(
    r"^(this|these|that|those|it|its|they|their|them|the combination|both|such|"
    r"here|then|also|however|but|and|or|in addition|instead|otherwise|similarly|"
    r"for this reason|because of this|the same|another|even so|if so|in that case|"
    r"the (drug|medicine|test|treatment|procedure|operation|approach|study|trial)s?)\b",
    re.IGNORECASE,
)
# "Studies found that these tests...": a pointer back in the first few words.
_POINTS_BACK = re.compile(r"^(\S+\s+){0,4}(these|those|such)\s", re.IGNORECASE)

_KIND_CUES: dict[str, re.Pattern[str]] = {
    "definition": re.compile(r"^[^,;]{0,80}\b(is|are|means|refers to|describes)\b", re.I),
    "signs": re.compile(r"\b(signs?|symptoms?|lump|changes?|notice|swelling|discharge)\b", re.I),
    "tests_diagnosis": re.compile(
        r"\b(test|tests|biopsy|mammogra\w*|ultrasound|mri|scan|result|diagnos\w*|"
        r"benign|not cancer)\b",
        re.I,
    ),
    "treatment_options": re.compile(
        r"\b(treat\w*|options?|surgery|chemotherapy|radiation|therapy|offered|recommended)\b",
        re.I,
    ),
    "side_effects": re.compile(
        r"\b(side effects?|common|usually|improves?|eases?|help|manage\w*|report|call)\b", re.I
    ),
    "outlook": re.compile(
        r"\b(surviv\w*|live|living|years|percent|%|in 100|outlook|prognosis|cured?|"
        r"come back|recur\w*)\b",
        re.I,
    ),
    "prevention_screening": re.compile(
        r"\b(risk|lower\w*|reduc\w*|screening|mammogra\w*|prevent\w*|no evidence|"
        r"not (been )?shown)\b",
        re.I,
    ),
    "practical": re.compile(r"\b(can|may|safe|most people|help|ask)\b", re.I),
    "distress": re.compile(
        r"\b(normal|common|support|talk|help|feel\w*|fear|worr\w*|counsell\w*|many people)\b",
        re.I,
    ),
}
KIND_CUE = 0.06  # what a sentence that fits the kind of question gains

# Sentences an answer of each kind quotes at most (a definition is short).
_LENGTH = {"definition": 4, "distress": 5, "signs": 6, "outlook": 5}
DEFAULT_LENGTH = 6


def depends_on_previous(sentence: str) -> bool:
    """Whether the sentence only makes sense after the one before it."""
    text = sentence.strip()
    return bool(_DEPENDS.match(text) or _POINTS_BACK.match(text))


def kind_fit(sentence: str, kind: str) -> float:
    """The bonus a sentence earns for fitting a question of this kind."""
    pattern = _KIND_CUES.get(kind)
    return KIND_CUE if pattern is not None and pattern.search(sentence) else 0.0


def answer_length(kind: str, max_sentences: int) -> int:
    """How many sentences an answer to a question of this kind quotes."""
    return min(max_sentences, _LENGTH.get(kind, DEFAULT_LENGTH))
