"""Rules the verifier applies to a generated sentence whatever its citations say: the safety
rules (no doses, no advice to start, stop, skip or change a treatment, no repeating an
instruction found in the data), and the two narrow kinds of sentence allowed without a
citation (a statement that the passages do not cover something; a short lead-in such as
"Here is what the passages say:").

Doses: a number with a dosing unit (mg, mg/m2, mcg, units, IU, AUC; mL and g only next to a
medicine word), a count of tablets/capsules/injections, or a number with a frequency such as
"twice a day" next to a medicine word. The pack itself never gives doses (see CONTENT.md), so a
dose in an answer came from the model or from the patient's records, and is not shown. The
unit list follows ``desktop.core.records.extract_meds.DOSE``, without its mL/g-only cases:
"350 ml of beer" in the alcohol section is not a dose."""

from __future__ import annotations

import re

from desktop.core.records.vocabulary import DRUG_RE
from desktop.core.text import content_terms

_NUM = r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|half(?: a)?|a half)"
_MED = (
    r"(?:dose|doses|dosing|tablets?|pills?|capsules?|medicines?|medications?|drugs?|"
    r"injections?|infusions?|take|taking|took|prescribed)"
)
_DOSE = re.compile(
    rf"\b\d+(?:[.,]\d+)?\s*(?:mg/m2|mg/m\^?2|mg/m²|mg/kg|mg|mcg|micrograms?|µg|ug|"
    rf"milligrams?|units?|iu)(?![a-z])"
    rf"|\bauc\s*\d"
    rf"|\b(?!one\b){_NUM}\s+(?:tablets?|pills?|capsules?|injections?|puffs?|drops?|sachets?|"
    rf"patch(?:es)?)\b"
    rf"|\b\d+(?:[.,]\d+)?\s*(?:ml|g|grams?)\b(?=[^.]{{0,60}}\b{_MED}\b)"
    rf"|\b{_MED}\b[^.]{{0,60}}\b\d+(?:[.,]\d+)?\s*(?:ml|g|grams?)\b",
    re.IGNORECASE,
)

_FREQUENCY = re.compile(
    rf"\b{_MED}\b[^.]{{0,60}}\b(?:once|twice|three times|four times|\d+ times)\s+"
    rf"(?:a|per|each|every)\s+(?:day|week)\b"
    rf"|\b{_MED}\b[^.]{{0,60}}\bevery\s+\d+\s+(?:hours?|days?)\b"
    rf"|\b{_NUM}\s+(?:days?|weeks?)\s+on\b[^.]{{0,20}}\boff\b",
    re.IGNORECASE,
)
_HAS_NUMBER = re.compile(rf"\d|\b{_NUM}\b", re.IGNORECASE)

_VERBS = (
    "stop start skip miss pause halve double increase decrease reduce lower raise change switch "
    "discontinue quit cut restart resume hold taper drop omit"
).split()
_GERUND = {"stop": "stopping", "skip": "skipping", "cut": "cutting", "drop": "dropping"}
_BASE = "(?:" + "|".join(sorted(_VERBS, key=len, reverse=True)) + "|come off|cut down)"
_ING = (
    "(?:"
    + "|".join(sorted((_GERUND.get(v) or v.removesuffix("e") + "ing" for v in _VERBS), key=len))
    + "|coming off|cutting down)"
)
_LEAD = r"(?:(?:please|so|then|just|now|simply|instead|if [^,.]{1,60}),?\s+)*"
_ADVICE_HEAD = re.compile(
    # "you should stop ...", "she can skip ...", "you could consider stopping ..."
    rf"(?:(?<!whether )(?<!if )\b(?:you|she|he|the patient)\s+(?:should|must|need to|can|could|"
    rf"may|might want to|ought to|have to|are advised to|will need to)\s+(?:just\s+|simply\s+)?"
    rf"(?:{_BASE}|(?:try|consider|think about)\s+{_ING})"
    # imperative at the start: "stop your tamoxifen", "if ..., skip your next dose"
    rf"|^{_LEAD}(?:{_BASE}|(?:try|consider)\s+{_ING})"
    # "it is safe to stop ...", "I recommend stopping ...", "tell her to stop ..."
    rf"|\b(?:safe|fine|okay|ok|best|better|reasonable)\s+(?:for you\s+)?to\s+{_BASE}"
    rf"|\b(?:i|we)\s+(?:would\s+)?(?:recommend|suggest|advise)\s+"
    rf"(?:that\s+you\s+{_BASE}|you\s+to\s+{_BASE}|{_ING})"
    rf"|\btell\s+(?:her|him|them|the patient|you)\s+to\s+{_BASE}"
    rf"|\bno need (?:for you )?to (?:take|keep taking|continue|use)"
    rf")\b",
    re.IGNORECASE,
)
# words allowed between the verb and the treatment it acts on ("skip your next dose")
_FILLER = re.compile(
    r"(?:\s+(?:your|the|her|his|their|this|that|next|current|daily|morning|evening|weekly|"
    r"all|any|of|off|on|to|from|taking|using|with|a|an|one|two|lower|higher|smaller|new|other|"
    r"hormone|cancer|prescribed|tablets?|pills?))*\s+",
    re.IGNORECASE,
)
_TREATMENT = re.compile(
    r"(?:dose|doses|dosage|medicines?|medications?|tablets?|pills?|treatment|therapy|drugs?|"
    r"injections?|infusions?|chemo|chemotherapy|it)\b",
    re.IGNORECASE,
)
_DOSE_CHANGE = re.compile(
    r"\byour (?:dose|dosage)\s+(?:should|must|can|needs? to)\s+be\s+(?:increased|decreased|"
    r"reduced|lowered|raised|doubled|halved|changed|stopped)",
    re.IGNORECASE,
)

_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+|these\s+)?"
    r"(?:previous|prior|above|earlier|preceding|former|system|safety|original)?\s*"
    r"(?:instructions?|prompts?|rules|directions|guidelines)\b"
    r"|\bas an ai\b|\bas an? (?:large )?language model\b|\bsystem prompt\b|\bdeveloper mode\b"
    r"|\byou are now (?:a|an|in)\b|\bnew instructions?\s*:|\bjailbreak"
    r"|\b(?:note|message|instructions?) (?:to|for) (?:the )?(?:assistant|ai|model|chatbot)\b",
    re.IGNORECASE,
)

_NOT_COVERED = re.compile(
    r"(?:(?:however|but|unfortunately|sadly),?\s+)?(?:"
    r"(?:the|these|my)\s+(?:provided\s+|given\s+|available\s+|numbered\s+)?"
    r"(?:passages?|sources?|sections?|guidelines?|information|excerpts?)"
    r"(?:\s+(?:provided|given|above|here|available|i have))?\s+"
    r"(?:do(?:es)?\s+not|don't|doesn't|did\s+not|didn't)\s+(?:say|cover|mention|address|"
    r"discuss|include|describe|explain|give|provide|contain|tell|state|specify|answer)"
    r"|i\s+(?:do\s+not|don't|could\s+not|couldn't|cannot|can't)\s+(?:have|find|see)\s+"
    r"(?:any\s+)?(?:information|details?|anything)"
    r"|there\s+is\s+no\s+information\s+(?:in|about|on)"
    r"|(?:this|that)\s+(?:question\s+)?is\s+not\s+covered\s+(?:in|by)\s+the\s+"
    r"(?:passages|sources)"
    r")\b",
    re.IGNORECASE,
)
_CLAUSE_JOIN = re.compile(r";|\b(?:but|however|although|though|whereas|except)\b", re.IGNORECASE)
_LEAD_IN = re.compile(
    r"(?:here\s+(?:is|are)|in\s+(?:short|summary|brief)|to\s+(?:sum\s+up|summari[sz]e)|"
    r"briefly|overall|in\s+general)\b",
    re.IGNORECASE,
)
_META_TERMS = frozenset(
    content_terms(
        "passage passages source sources section sections guideline guidelines information "
        "answer question summary summarise summarize point points key main following follow "
        "below above brief briefly overall general detail details note notes say says said "
        "short what here help helpful hope provided given numbered covered"
    )
)
_SOURCE = (
    r"(?:the |your |her |his |this |that )?(?:numbered |provided |first |second |third )?"
    r"(?:passages?|sources?|guidelines?|records?|notes?|(?:clinic )?letters?|reports?|sections?)"
    r"(?:\s*\[?\d{1,3}\]?)?"
)
_ATTRIBUTION = re.compile(
    rf"^(?:according to\s*(?:{_SOURCE})?\s*,?\s+"
    rf"|(?:as )?{_SOURCE}\s+(?:says?|states?|shows?|mentions?|notes?|explains?|describes?)"
    rf"(?:\s+that)?,?\s+)",
    re.IGNORECASE,
)
MAX_LEAD_IN_TERMS = 6  # a lead-in ending with ":" names at most this many content words


def strip_attribution(claim: str) -> str:
    """The claim without a leading "According to the passages," or "Your record says that"."""
    return _ATTRIBUTION.sub("", claim.strip(), count=1)


def gives_dose(sentence: str) -> bool:
    if _DOSE.search(sentence):
        return True
    return _FREQUENCY.search(sentence) is not None and _HAS_NUMBER.search(sentence) is not None


def advises_change(sentence: str) -> bool:
    """Advice addressed to the reader (or about the patient) to start, stop, skip or change a
    treatment or its dose. Negated advice ("do not stop ...", "you should not ...") and
    questions to ask ("ask whether you should stop ...") do not match."""
    text = sentence.strip().lstrip("*_- ")
    if _DOSE_CHANGE.search(text):
        return True
    for head in _ADVICE_HEAD.finditer(text):
        filler = _FILLER.match(text, head.end())
        at = filler.end() if filler else head.end()
        if _TREATMENT.match(text, at) or DRUG_RE.match(text, at):
            return True
    return False


def repeats_instruction(sentence: str) -> bool:
    return _INSTRUCTION.search(sentence) is not None


def says_not_covered(claim: str) -> bool:
    """A plain statement that the passages do not cover something, with no claim joined to it
    ("The passages do not say how long ... ", not "... do not say, but it is usually safe")."""
    match = _NOT_COVERED.match(claim.strip().lstrip("*_ "))
    return match is not None and not _CLAUSE_JOIN.search(claim, match.end()) and len(claim) < 300


def is_connective(claim: str) -> bool:
    """A short lead-in that makes no claim: it ends with a colon and names few content words,
    or every content word in it is about the answer itself ("Here is what the passages say")."""
    if any(ch.isdigit() for ch in claim):
        return False
    terms = content_terms(claim)
    stripped = claim.strip().rstrip("*_ ")
    if stripped.endswith(":") and len(terms) <= MAX_LEAD_IN_TERMS:
        return True
    if not terms:
        return True
    return _LEAD_IN.match(stripped.lstrip("*_ ")) is not None and set(terms) <= _META_TERMS
