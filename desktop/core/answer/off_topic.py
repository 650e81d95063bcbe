"""Out of scope by meaning, for any pack: a question about an animal, or about an organ that
none of the installed packs covers, is not answered from a human guideline pack even when it
shares a medical word with it ("how do I treat my dog's arthritis" is not about lymphoedema;
"when should a prostate biopsy be done" is not about breast biopsies).

These are general rules; what a pack covers (its ``covers`` words, e.g. "breast") and its
neighbouring topics stay the pack's data (``packdata/scope.py``)."""

from __future__ import annotations

import re

from desktop.core.answer.schema import Clarification
from desktop.core.packdata.packs import Coverage

_ANIMAL = re.compile(
    r"\b(my|our|the|her|his|a) (old |young |little |female |male )?(dog|dogs|puppy|cat|cats|"
    r"kitten|pet|pets|horse|rabbit|bitch|mare)\b|\b(dog|cat|pet)'?s\b|\b(vet|vets|veterinar\w*|"
    r"spayed|neutered|mixed[- ]breed)\b"
)
# organs whose own conditions no breast, lung-metastasis or bone-metastasis section answers
_OTHER_ORGANS = re.compile(
    r"\b(prostate|psa|testic\w*|testes|cervix|pap smear|smear test|colonoscopy|pancrea\w*|"
    r"gallbladder|appendix|tonsils?)\b"
)
ANIMAL_NOTE = "Lantern's guidance is about people, not animals; a vet can help with a pet's health."
ORGAN_NOTE = "A GP or the relevant specialist can help with that."


def off_topic(question: str, coverage: Coverage) -> str | None:
    """Why the (folded) question is outside every pack by meaning, as a sentence; else None."""
    if _ANIMAL.search(question):
        return ANIMAL_NOTE
    covered = any(p.scope.covered(question) for p in coverage.packs)
    if _OTHER_ORGANS.search(question) and not covered:
        return ORGAN_NOTE
    return None


def off_topic_clarification(note: str, coverage: Coverage) -> Clarification:
    """The packs' own refusal with the reason this question is outside them."""
    refusal = coverage.refusal("")
    return Clarification("out_of_scope", f"{note} {refusal.message}", list(refusal.suggestions))
