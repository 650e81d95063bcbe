"""Verification of a generated answer: every sentence must be supported by a passage it cites.

Each sentence unit (``checking.units``) is checked in this order:

1. Safety, whatever the citations say (``checking.rules``): an unfinished last sentence of a
   stopped answer, an instruction repeated from the data, advice to start/stop/skip/change a
   treatment, a dose. These are removed, even when a record passage states them.
2. Sentences without a citation: removed ("no citation"), except two narrow kinds that are
   kept and need none: a plain statement that the passages do not cover something (the prompt
   asks for exactly that; nothing may be joined to it with "but", "however", ";"), and a lead-in
   that makes no claim ("Here is what the passages say:", or a line ending with a colon and
   at most six content words) or a heading. Lead-ins and headings do not count in
   ``supported_ratio``, and ``text()`` drops them when nothing kept follows them.
3. Citations: numbers that are not passages are ignored (and dropped by ``text()``); if none
   is left the sentence is removed ("cites a passage that does not exist").
4. Support against the cited passages taken together (a leading "According to the passages,"
   or "Your record says that" is set aside first):
   - every drug (generic names through ``records.vocabulary``), letter-digit term (BRCA2,
     DESTINY-Breast04) and status compound (HER2-positive, triple-negative) in the sentence
     occurs in them;
   - its numbers (digits, spelled-out numbers, Roman stages) occur in one passage sentence
     that also holds at least NUMBER_CONTEXT of its content terms;
   - negation, direction (raises/lowers) and before/after words agree with the passage
     sentence most similar to it;
   - the scores pass ``SupportRule``: lexical = share of the sentence's content words (light
     stems, British/American spellings joined; stopwords and light verbs such as "cause" or
     "include" left out) found in the passages; similarity = best cosine between the sentence
     and a window of one or two consecutive passage sentences. All sentences and windows go to
     ``embed`` in one batch.

Without ``embed`` only the lexical-alone threshold can pass. The thresholds come from
``python -m bench verification`` (bench/verification.py): chosen on the tuning half of set A
of bench/data/verify_labelled.jsonl; set B, written afterwards, is the blind measure (supported
precision 0.85, recall 0.91). Bag-of-words and a small sentence embedder do not see swapped
relations ("works better with A than with B" for the reverse), so those can pass."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from desktop.core.answer.checking import rules
from desktop.core.answer.checking.evidence import (
    AFTER,
    BEFORE,
    DOWN,
    NEGATION,
    UP,
    Embed,
    Evidence,
    Passage,
    closest,
    evidence,
    read_passage,
)
from desktop.core.answer.checking.units import MARKER, Unit, parse_citations, split_units

__all__ = [
    "CheckedSentence",
    "SupportRule",
    "Verification",
    "parse_citations",
    "verify",
]

# Chosen on the tuning half of set A of the labelled sentences (bench/verification.py; figures
# in bench/out/verification.json): the grid point with the best F0.5 of "supported", ties
# towards stricter values. On that half: supported precision 0.94, recall 0.89.
LEXICAL_WITH_SIMILARITY = 0.85  # content-word recall needed together with ...
SIMILARITY = 0.8  # ... this cosine similarity to the best passage window
LEXICAL_ALONE = 1.0  # or every content word found (the only way to pass without an embedder)
# the numbers of a sentence must occur together in one passage sentence that also holds at
# least this share of the sentence's content terms: "two years" is not supported by "two PARP
# inhibitors" elsewhere in the passage
NUMBER_CONTEXT = 0.5

_EMPHASIS = re.compile(r"[*_`]+")

NO_CITATION = "no citation"
NO_SUCH_PASSAGE = "cites a passage that does not exist"
NOT_SUPPORTED = "not supported by its cited passage"
GIVES_DOSE = "gives a dose"
ADVISES_CHANGE = "advises changing treatment"
REPEATS_INSTRUCTION = "repeats an instruction from the data"
INCOMPLETE = "incomplete sentence"


@dataclass(frozen=True)
class SupportRule:
    """When the scores of a sentence against its cited passages count as support."""

    lexical: float = LEXICAL_WITH_SIMILARITY
    similarity: float = SIMILARITY
    lexical_alone: float = LEXICAL_ALONE
    check_polarity: bool = True  # a negated sentence needs a negated passage sentence
    check_direction: bool = True  # "raises" needs "raises", "before" needs "before"

    def accepts(self, lexical: float, similarity: float) -> bool:
        both = lexical >= self.lexical and similarity >= self.similarity
        return both or lexical >= self.lexical_alone


DEFAULT_RULE = SupportRule()


@dataclass(frozen=True)
class CheckedSentence:
    text: str  # as the model wrote it, markers included (list items without their bullet)
    claim: str  # without markers
    citations: tuple[int, ...]
    supported: bool
    lexical: float
    similarity: float
    reason: str  # "" when supported
    kind: str = "claim"  # claim, not covered, connective, heading, incomplete
    unit: Unit | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Verification:
    sentences: list[CheckedSentence]
    known: frozenset[int] | None = None  # passage numbers; other markers are dropped by text()

    @property
    def kept(self) -> list[CheckedSentence]:
        return [s for s in self.sentences if s.supported]

    @property
    def removed(self) -> list[CheckedSentence]:
        return [s for s in self.sentences if not s.supported]

    @property
    def supported_ratio(self) -> float:
        """Kept share of the sentences that say something (claims and "not covered"
        statements; lead-ins, headings and an unfinished last sentence do not count)."""
        counted = [s for s in self.sentences if s.kind in ("claim", "not covered")]
        return sum(s.supported for s in counted) / len(counted) if counted else 0.0

    def text(self, mark_removed: bool = False) -> str:
        """The answer rebuilt from kept sentences, in its paragraphs, list items and headings,
        markers written as ``[1][3]`` (passages only). With ``mark_removed``, removed sentences
        stay, struck through and followed by the reason."""
        blocks: list[tuple[Unit, list[str], bool]] = []
        for s in self.sentences:
            unit = s.unit or Unit(s.text)
            if s.supported:
                piece, lead = self._markers(s.text), _is_lead(s)
            elif mark_removed:
                piece, lead = f"~~{s.text.strip()}~~ *(removed: {s.reason})*", False
            else:
                continue
            if blocks and blocks[-1][0].block == unit.block:
                blocks[-1][1].append(piece)
                blocks[-1] = (blocks[-1][0], blocks[-1][1], blocks[-1][2] and lead)
            else:
                blocks.append((unit, [piece], lead))
        shown = [b for i, b in enumerate(blocks) if not b[2] or _followed(blocks, i)]
        out: list[str] = []
        for unit, pieces, _ in shown:
            if out:
                out.append(unit.gap or "\n\n")
            out.append(unit.bullet + " ".join(pieces))
        return "".join(out)

    def _markers(self, text: str) -> str:
        def sub(match: re.Match[str]) -> str:
            numbers = parse_citations(match.group(0))[1]
            return "".join(f"[{n}]" for n in numbers if self.known is None or n in self.known)

        return re.sub(r"\s+([.,;:!?])", r"\1", MARKER.sub(sub, text)).strip()


def _is_lead(s: CheckedSentence) -> bool:
    return s.kind == "heading" or (s.kind == "connective" and s.claim.rstrip("*_ ").endswith(":"))


def _followed(blocks: list[tuple[Unit, list[str], bool]], i: int) -> bool:
    return i + 1 < len(blocks) and not blocks[i + 1][2]


# --- checking -------------------------------------------------------------------------------


def _safety(claim: str, unit: Unit, last: bool, complete: bool) -> str:
    if last and not complete and not unit.terminated:
        return INCOMPLETE
    if rules.repeats_instruction(claim):
        return REPEATS_INSTRUCTION
    if rules.advises_change(claim):
        return ADVISES_CHANGE
    if rules.gives_dose(claim):
        return GIVES_DOSE
    return ""


def _facts_agree(claim: Evidence, passages: list[Passage]) -> bool:
    """Drugs and letter-digit or status terms of the claim occur in the cited passages, and its
    numbers in one passage sentence about the same thing."""
    drugs = set().union(*(p.evidence.drugs for p in passages))
    specifics = set().union(*(p.evidence.specifics for p in passages))
    if not (claim.drugs <= drugs and claim.specifics <= specifics):
        return False
    if not claim.numbers:
        return True
    needed = NUMBER_CONTEXT * len(claim.terms)
    return any(
        claim.numbers <= numbers and len(claim.terms & terms) >= needed
        for p in passages
        for terms, numbers in p.sentence_facts
    )


def _same_sense(claim: str, sentence: str, rule: SupportRule) -> bool:
    """Negation and direction words agree with the closest passage sentence."""
    if rule.check_polarity and bool(NEGATION.search(claim)) != bool(NEGATION.search(sentence)):
        return False
    if rule.check_direction:
        for words in (UP, DOWN, BEFORE, AFTER):
            if words.search(claim) and not words.search(sentence):
                return False
    return True


def _lexical(claim: Evidence, passages: list[Passage]) -> float:
    if not claim.terms:
        return 0.0
    found = set().union(*(p.evidence.terms for p in passages))
    return len(claim.terms & found) / len(claim.terms)


@dataclass
class _Pending:
    index: int
    claim: str
    found: Evidence
    cited: list[int]


def _kind(
    plain: str, unit: Unit, reason: str, cited: tuple[int, ...], known: Mapping[int, str]
) -> tuple[str, str]:
    """(kind, reason) before support is checked: a safety reason, a sentence that needs no
    citation, one without a citation or citing no passage; else (its kind, "")."""
    kind = "incomplete" if reason == INCOMPLETE else "heading" if unit.heading else "claim"
    if reason:
        return kind, reason
    if not cited:
        if unit.heading:
            return kind, ""
        if rules.says_not_covered(plain):
            return "not covered", ""
        if rules.is_connective(plain):
            return "connective", ""
        return kind, NO_CITATION
    if not any(n in known for n in cited):
        return kind, NO_SUCH_PASSAGE
    return kind, ""


def _screen(
    unit: Unit, last: bool, complete: bool, passages: Mapping[int, str], index: int
) -> CheckedSentence | _Pending:
    """The sentence's verdict when no passage needs reading, else what to check it against."""
    claim, cited = parse_citations(unit.text)
    plain = _EMPHASIS.sub("", claim).strip()
    kind, reason = _kind(plain, unit, _safety(plain, unit, last, complete), cited, passages)
    if reason or not cited:
        return CheckedSentence(unit.text, claim, cited, not reason, 0.0, 0.0, reason, kind, unit)
    stated = rules.strip_attribution(plain)
    return _Pending(index, stated, evidence(stated), [n for n in cited if n in passages])


def _supported(
    p: _Pending,
    unit: Unit,
    parsed: Mapping[int, Passage],
    nearest: tuple[float, str],
    rule: SupportRule,
) -> CheckedSentence:
    """The verdict of a sentence against the passages it cites."""
    sim, sentence = nearest
    cited = [parsed[n] for n in p.cited]
    lexical = _lexical(p.found, cited)
    ok = (
        _facts_agree(p.found, cited)
        and rule.accepts(lexical, sim)
        and _same_sense(p.claim, sentence, rule)
    )
    claim, cited_numbers = parse_citations(unit.text)
    why, kind = ("" if ok else NOT_SUPPORTED), ("heading" if unit.heading else "claim")
    return CheckedSentence(unit.text, claim, cited_numbers, ok, lexical, sim, why, kind, unit)


def verify(
    text: str,
    passages: Mapping[int, str],
    embed: Embed | None = None,
    *,
    complete: bool = True,
    rule: SupportRule = DEFAULT_RULE,
) -> Verification:
    """Check every sentence of ``text`` against the passages it cites (number -> text).

    ``complete=False`` (generation stopped) marks an unterminated last sentence "incomplete
    sentence"; it is not kept (a half sentence cannot be checked), and ``text(mark_removed=True)``
    shows it struck through."""
    units = split_units(text)
    screened = [
        _screen(unit, i == len(units) - 1, complete, passages, i) for i, unit in enumerate(units)
    ]
    pending = [s for s in screened if isinstance(s, _Pending)]
    if pending:
        cited = sorted({n for p in pending for n in p.cited})
        parsed = {n: read_passage(passages[n]) for n in cited}
        nearest = closest([(p.claim, p.cited, p.found.terms) for p in pending], parsed, embed)
        for p, near in zip(pending, nearest, strict=True):
            screened[p.index] = _supported(p, units[p.index], parsed, near, rule)
    checked = [s for s in screened if isinstance(s, CheckedSentence)]
    return Verification(checked, frozenset(passages))
