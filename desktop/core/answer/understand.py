"""Question understanding: what kind of question it is, what it is about, and whom it names.

Rules and vocabularies, not a model (fast, predictable, testable). ``understand`` returns:

- ``kind``: definition, signs, tests_diagnosis, treatment_options, side_effects, outlook,
  prevention_screening, practical, personal or distress (the labels of the outside question
  set, ``bench/data/outside_questions``; ``bench/question_understanding.py`` measures them);
- ``subject``: the question's content words, without question words and filler;
- ``populations``: the situations it names (men, pregnancy, metastatic, early, young, older,
  and subtypes such as HER2-positive) -- what lets retrieval choose a specialised section;
- ``generic``: a question with no population and at most one content word besides "breast
  cancer" ("what is breast cancer", "what are the symptoms"), which an overview section
  should answer.

The first matching kind rule wins; the order puts the more telling cues first (fear before
outlook, side effects before treatment)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.core.text import content_terms, fold

KINDS = (
    "definition",
    "signs",
    "tests_diagnosis",
    "treatment_options",
    "side_effects",
    "outlook",
    "prevention_screening",
    "practical",
    "personal",
    "distress",
)

_KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "distress",
        re.compile(
            r"\b(i'?m|i am|im) (so |really |very |completely )?(scared|terrified|frightened|"
            r"petrified|afraid|panick\w*|devastated|overwhelmed)|\bam i (going|gonna) to die\b|"
            r"\bwhy (has this|did this|me)\b|\bhave myself dead\b|\bhow (do|can) i cope\b|"
            r"\b(can'?t|cannot) stop (crying|worrying|thinking)|\bso (scared|worried)\b|"
            r"\bwhy (am i )?(so )?depressed\b|\bhow (worried|concerned) should i be\b|"
            r"\bdoes (this|that) mean (she|he|they) thinks?\b|\bwithout breaking down\b"
        ),
    ),
    (
        "practical",
        re.compile(
            r"\b(cost|costs|pay|insurance|work|working|job|employer|travel|flight|fly|flying|"
            r"flu jab|vaccin\w*|exercise|lift weights|"
            r"(explain|talk|tell)\w* [\w ]{0,30}(children|kids|son|daughter|family|friends|"
            r"employer|her)|does [\w ]{0,30}hurt|being near)\b"
        ),
    ),
    (
        "treatment_options",
        re.compile(
            r"\b(best options|treatment options|my options|what are the options|eligible|"
            r"how long (do|does|will) (you|i|she|he) have to take|is it okay to take)\b"
        ),
    ),
    (
        "side_effects",
        re.compile(
            r"\bside[- ]?effects?\b|\b(hot (flash|flush)\w*|night sweats|neuropathy|"
            r"nausea|vomit\w*|hair loss|cold cap|scalp cool\w*|joint pain|weight gain|"
            r"fatigue|tired\w*|dry mouth|mouth sores|diarrh\w*|lymph(o)?edema|"
            r"lymphoedema|sexual function|libido|menopaus\w*|periods?|cording|numb\w*|"
            r"gain weight|go away|feel odd)\b|\b(affect|affects|cause|causes) (me|my)\b|"
            r"\bhow does \w+ affect\b|\bsafe to take with\b|\b(is|are) \w+ safe\b"
        ),
    ),
    (
        "outlook",
        re.compile(
            r"\b(survival|survive|prognosis|life expectancy|how long (do|does|will|can)|"
            r"can you die|will i die|fatal|cured?|come back|curable|odds|outlook|"
            r"stop (cancer )?treatment|chances? of)\b"
        ),
    ),
    (
        "prevention_screening",
        re.compile(
            r"\b(prevent\w*|risk|risks|screening|screened|mammograms? (every|each|annual)|"
            r"annual mammogram|reduce my chance|prophylactic|take out my ovaries|"
            r"remove my (breasts|ovaries)|gene test\w*|get tested|family history|"
            r"(cause|causes|increase|decrease|feed|feeds) (breast )?cancer|diet|"
            r"deodorant|antiperspirant|bras?)\b"
        ),
    ),
    (
        "tests_diagnosis",
        re.compile(
            r"\b(biops\w*|mammogram|recall|bi-?rads|ultrasound|mri|scan|scans|test|tests|"
            r"tested|results?|path(ology)? report|report says|diagnose|diagnosis of|"
            r"how is [\w ]+ diagnosed|microcalcif\w*|"
            r"calcifications?|cysts?|fibroadenoma|referral|her2 was|ihc|fish|ish)\b"
        ),
    ),
    (
        "signs",
        re.compile(
            r"\b(signs?|symptoms?|lump|lumps|swelling|swollen|discharge|rash|painful|"
            r"pain|dimpl\w*|itch\w*|temp|temperature|fever|seep\w*|leak\w*|is (it|this) "
            r"(cancer|normal)|could (it|this) be)\b"
        ),
    ),
    (
        "treatment_options",
        re.compile(
            r"\b(treat\w*|therapy|chemo\w*|radiation|radiotherapy|surgery|lumpectomy|"
            r"mastectomy|reconstruction|options?|herceptin|tamoxifen|arimidex|letrozole|"
            r"hormone|supplements?|eligible|recommend\w*)\b"
        ),
    ),
    (
        "definition",
        re.compile(
            r"\b(what (is|are|does)|what's|whats|meaning|mean|means|define|difference|"
            r"diff)\b"
        ),
    ),
)

# A question that starts by asking what something is, is a definition whatever it mentions.
_DEFINITION_START = re.compile(
    r"^(what (is|are) (a |an |the )?[\w-]+( [\w-]+){0,3}\??$|what does [\w ]+ mean|"
    r"what is the (difference|diff)|what'?s the difference|define )"
)
_SIGNS = re.compile(r"\b(signs?|symptoms?) (of|to)\b|\bwhat (signs|symptoms)\b")
_OUTLOOK = re.compile(r"\b(outlook|prognosis|survival rates?|life expectancy)\b")
_SIDE_EFFECTS = re.compile(r"\bside[- ]?effects?\b")
_PERSONAL = re.compile(r"\b(will it be obvious|will people (see|notice)|my (scar|surgery))\b")

_POPULATIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("men", re.compile(r"\b(men|man|male|males|boyfriend|his (breast|nipple|chest))\b")),
    (
        "pregnancy",
        re.compile(r"(?<!not )\b(pregnan\w*|breastfeed\w*|breast-?feed\w*|expecting a baby)\b"),
    ),
    (
        "metastatic",
        re.compile(
            r"\b(metasta\w*|stage (4|iv)|secondary (breast )?cancer|spread to|has spread|"
            r"in (my|her) (bones|brain|liver|lungs)|advanced)\b"
        ),
    ),
    (
        "early",
        re.compile(r"\b(early[- ]stage|stage (1|2|i|ii)|node[- ]positive)\b"),
    ),
    (
        "young",
        re.compile(
            r"\b(young|premenopausal|(1[89]|2\d|3\d)[- ]?(years?[- ]old|yo)|i am (1[89]|2\d|3\d)|"
            r"fertility|eggs|get pregnant|maternity|periods)\b"
        ),
    ),
    ("older", re.compile(r"\b(older|elderly|([6-9]\d)[- ]?(years?[- ]old|yo))\b")),
    ("HER2-positive", re.compile(r"\b(her2[- ]?(positive|\+)|herceptin|trastuzumab)\b")),
    ("HER2-low", re.compile(r"\b(her2[- ]?low|1\+|2\+ and (fish|ish)[- ]negative)\b")),
    (
        "HR-positive",
        re.compile(
            r"\b(er\+|er[- ]positive|estrogen positive|oestrogen positive|hr[- ]positive|"
            r"hormone[- ]receptor[- ]positive|tamoxifen|letrozole|anastrozole|arimidex|"
            r"aromatase|hormonal therapy|hormone therapy|blocking [\w ]{0,10}estrogen)\b"
        ),
    ),
    ("triple-negative", re.compile(r"\b(triple[- ]negative|tnbc)\b")),
    (
        "BRCA",
        re.compile(
            r"\b(brca\w*|the gene|genetic\w*|family history|(mother|mom|mum) (had|died)|"
            r"runs in (my|the) family)\b"
        ),
    ),
    ("DCIS", re.compile(r"\b(dcis|ductal carcinoma in situ)\b")),
)

_FILLER = frozenset(
    "breast cancer cancers question wondering anyone someone help thank thanks".split()
)


@dataclass(frozen=True)
class Understanding:
    kind: str
    subject: tuple[str, ...]
    populations: frozenset[str]
    generic: bool


def question_kind(text: str) -> str:
    """The kind of question (one of KINDS) from the folded question ``text``."""
    stripped = text.strip()
    if _SIGNS.search(text) and not _SIDE_EFFECTS.search(text):
        return "signs"
    if _OUTLOOK.search(text):
        return "outlook"
    if _SIDE_EFFECTS.search(text):
        return "side_effects"
    if _DEFINITION_START.match(stripped):
        return "definition"
    if _PERSONAL.search(text):
        return "personal"
    for kind, pattern in _KIND_RULES:
        if pattern.search(text):
            return kind
    return "definition" if len(text.split()) <= 6 else "treatment_options"


def populations(text: str) -> frozenset[str]:
    """The situations the folded question ``text`` names."""
    return frozenset(name for name, pattern in _POPULATIONS if pattern.search(text))


def understand(question: str) -> Understanding:
    """Kind, subject, populations and whether the question is generic."""
    text = fold(question)
    subject = tuple(t for t in content_terms(text) if t not in _FILLER)
    found = populations(text)
    generic = not found and len(subject) <= 1
    return Understanding(question_kind(text), subject, found, generic)


_HER2_LOW = re.compile(r"\bher2\W+(\w+\W+)?(low|ultralow|negative|zero|0|1\+)")
_HER2_POSITIVE = re.compile(r"\bher2\W+(\w+\W+)?(positive|3\+|amplified)")
_MALE = re.compile(r"\b(male|man|sex: m)\b")


def her_situations(profile_lines: list[str]) -> frozenset[str]:
    """Her situations from her profile's summary lines (diagnosis, stage, receptors...)."""
    text = fold(" ".join(profile_lines))
    found = set(populations(text)) - {"young", "older", "BRCA"}
    if _HER2_LOW.search(text):
        found |= {"HER2-low"} if re.search(r"low|1\+", text) else {"HER2-negative"}
        found.discard("HER2-positive")
    elif _HER2_POSITIVE.search(text):
        found.add("HER2-positive")
    found.add("men" if _MALE.search(text) else "women")
    return frozenset(found)
