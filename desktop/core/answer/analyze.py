"""Question analysis before retrieval: urgent symptoms, cut-off messages, out-of-scope topics.

What is out of scope is the packs' data (each pack's ``scope.toml``: the neighbouring topics
it does not cover and what to say for them); so are the words of an urgent warning (whom to
call, the packs' names for the general warning signs) and the signs that need care only with
some of a pack's drugs. This module holds the general signs and applies the data.

Rules and vocabularies, not a model: they are fast, predictable and testable. Urgency needs a
symptom described as happening to the person now (first person, a time word or a measured
temperature), so informational questions ("what is a high temperature?") do not trigger it."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from desktop.core.answer.schema import Clarification, Urgent
from desktop.core.packdata.packs import Coverage, installed
from desktop.core.text import fold

# What a warning says when no pack says it in its own words (scope.toml [urgent]).
DEFAULT_CALL = (
    "Call your care team now. If you have trouble breathing, chest pain, fainting or feel very "
    "unwell, call emergency services (911 in the US, 112 in Europe, 999 in the UK) or go to the "
    "nearest emergency department."
)
DEFAULT_FEVER = (
    "A temperature of 38.0 °C (100.4 °F) or higher can be a sign of a serious infection and "
    "needs care today."
)

# Something happening now, to the person or someone they care for.
_PRESENT = re.compile(
    r"\b(i have|i've|ive|i'm|im|i am|i feel|i got|i keep|i can'?t|i cannot|i get|"
    r"won'?t stop|wont stop|been going|keeps?|still|"
    r"(my|her|his) \w+ (is|are|has|have|feels?|hurts?|was)|(she|he|my \w+) (is|has|can'?t)|"
    r"today|tonight|yesterday|this (morning|evening|afternoon)|right now|since|"
    r"for (\d+|two|three|a few) (hours?|days?))\b"
)
_INFO_START = re.compile(
    r"^(what|what's|whats|how|why|which|who|when|where|should|do|does|"
    r"is|are|can|could|will|would|tell me about|explain|define)\b"
)

_WORD_NUMBERS = {
    "thirty eight": 38,
    "thirty-eight": 38,
    "thirty nine": 39,
    "thirty-nine": 39,
    "forty": 40,
    "a hundred and one": 101,
    "hundred and one": 101,
    "one hundred and one": 101,
    "a hundred and two": 102,
    "hundred and two": 102,
    "one hundred and two": 102,
    "one hundred": 100,
    "a hundred": 100,
}


@dataclass(frozen=True)
class Rule:
    id: str
    reason: str  # its name in "Your message mentions {reason}."; a pack may rename it
    pattern: re.Pattern[str]
    needs: re.Pattern[str] | None = None  # a second condition (e.g. on one of some drugs)


# The general warning signs, in the order they are checked (GENERAL_SIGNS); the packs add
# signs that need care only with some of their drugs (scope.toml [[urgent.rules]]).
RULES: tuple[Rule, ...] = (
    Rule(
        "infection",
        "a possible infection",
        re.compile(
            r"\b(fever|feverish|high temperature|temperature of|chills|shivering|"
            r"shiver\w*|rigors|shaking|teeth chattering|infected|pus)\b"
        ),
    ),
    Rule(
        "chest",
        "chest pain or sudden breathlessness (possible blood clot, heart or lung problem)",
        re.compile(
            r"\b(chest pain|pain in my chest|chest (hurts|feels tight|is tight|tight\w*)|"
            r"short of breath|shortness of breath|can'?t breathe|cannot breathe|"
            r"hard to breathe|trouble breathing|can'?t catch my breath|"
            r"struggling to breathe|out of breath|heart racing)\b"
        ),
    ),
    Rule(
        "dehydration",
        "severe diarrhoea, vomiting or not able to drink (dehydration)",
        re.compile(
            r"\b((severe|bad|watery|constant|non-?stop) (diarrh\w*|stools|poos?)|"
            r"diarrh\w* (\d+|many|several|six|seven|eight) times|"
            r"(\d+|five|six|seven|eight|nine|ten) (watery )?(stools|poos)|"
            r"can'?t (keep|hold) (anything|fluids|water) down|"
            r"cannot keep (anything|fluids) down|vomiting|throwing up|threw up|"
            r"can'?t stop being sick|being sick|can'?t drink|unable to drink)\b"
        ),
    ),
    Rule(
        "bleeding",
        "bleeding",
        re.compile(
            r"\b(bleeding|blood in (my )?(stool|poo|urine|pee|vomit)|peeing blood|"
            r"cough\w* (up )?blood|vomit\w* blood|coffee grounds|black (sticky |tarry )?"
            r"(poo|stools?)|like tar|bruises all over|nosebleed)\b"
        ),
    ),
    Rule(
        "spinal",
        "back pain with weakness, numbness or loss of bladder control",
        re.compile(
            r"\b((legs?|arms?) (feel |are |is |went |going )?(weak|numb)|"
            r"weakness in my legs|numb(ness)? in my legs|can'?t (walk|control my "
            r"bladder)|barely (stand|walk)|loss of bladder|lost control of my "
            r"(bladder|bowels)|wet myself)\b"
        ),
    ),
    Rule(
        "stroke",
        "signs of a stroke, confusion, a severe headache or a seizure",
        re.compile(
            r"\b(confus\w*|disorient\w*|muddled|severe headache|worst headache|"
            r"seizure|had a fit|passed out|fainted|can'?t speak|slurr\w*|droop\w*)\b"
        ),
    ),
    Rule(
        "calcium",
        "signs of high calcium",
        re.compile(
            r"\b(extreme(ly)? thirsty|so thirsty|very "
            r"thirsty|high calcium)\b"
        ),
    ),
    Rule(
        "clot",
        "a swollen, red or painful arm or leg (possible blood clot)",
        re.compile(
            r"\b((swollen|red|hot|painful) (and \w+ )?(calf|leg|arm)|"
            r"(calf|leg|arm) (is )?(swollen|red|hot|painful)|"
            r"(calf|leg|arm)\b[\w ]{0,25}\b(swollen|puffy))\b"
        ),
    ),
)
_PAST = re.compile(
    r"\b(last (week|month|year)|in (january|february|march|april|may|june|"
    r"july|august|september|october|november|december)|went away|"
    r"when i had|used to|months? ago|weeks? ago|years? ago|resolved|"
    r"has gone|is gone|cleared up|got better)\b"
)


def temperatures(text: str) -> list[float]:
    """Temperatures mentioned, converted to degrees Celsius."""
    t = text.replace(",", ".")
    for words, value in _WORD_NUMBERS.items():
        t = re.sub(
            rf"\b{words}( point (\w+))?\b",
            lambda m, v=value: f"{v}.{_digit(m.group(2))}" if m.group(2) else str(v),
            t,
        )
    out: list[float] = []
    for m in re.finditer(
        r"(?<![\d.])(\d{2,3}(?:\.\d+)?)\s*(°|º|deg\w*)?\s*(c|f|celsius|"
        r"fahrenheit)?\b",
        t,
    ):
        value = float(m.group(1))
        unit = (m.group(3) or "").lower()
        if unit.startswith("f") or (not unit and 95 <= value <= 110):
            out.append((value - 32) * 5 / 9)
        elif unit.startswith("c") or 35 <= value <= 43:
            out.append(value)
    return [round(v, 1) for v in out if 34 <= v <= 44]


def _digit(word: str) -> str:
    names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    return str(names.index(word)) if word in names else (word if word.isdigit() else "0")


_TEMPERATURE_WORDS = re.compile(
    r"\b(temp|temps|temperature|fever\w*|thermometer|degrees?|"
    r"celsius|fahrenheit)\b|°|º|\d\s?(c|f)\b"
)
_HYPOTHETICAL = re.compile(
    r"\b(risk|risks|what if|in case|if (one|it|that|this) happens|"
    r"how likely|chance of)\b"
)


def rules_for(coverage: Coverage) -> tuple[Rule, ...]:
    """The general signs named in the packs' words, with the packs' own signs after the
    general sign each names (``after``), or at the end."""
    return _rules(coverage)


@functools.lru_cache(maxsize=8)
def _rules(coverage: Coverage) -> tuple[Rule, ...]:
    urgent = coverage.urgent
    own: dict[str, list[Rule]] = {}
    for r in urgent.rules:
        needs = coverage.drug_pattern(r.drugs, r.classes)
        for symptoms in r.symptoms:
            own.setdefault(r.after, []).append(Rule(r.id, r.reason, symptoms, needs))
    out: list[Rule] = []
    for rule in RULES:
        out.append(replace(rule, reason=urgent.reasons.get(rule.id, rule.reason)))
        out += own.get(rule.id, [])
    return (*out, *own.get("", []))


def detect_urgent(question: str, coverage: Coverage | None = None) -> Urgent | None:
    """A symptom that needs care today, described as happening now; ``coverage``: the packs
    whose words and warning signs apply (the installed ones by default)."""
    coverage = coverage or installed()
    call = coverage.urgent.call or DEFAULT_CALL
    text = fold(question)
    present = bool(_PRESENT.search(text))
    informational = bool(_INFO_START.match(text.strip())) and not present
    # a bare number is a temperature only when the message talks about temperature
    temps = temperatures(text) if _TEMPERATURE_WORDS.search(text) else []
    if any(t >= 38.0 for t in temps) and not informational:
        fever = coverage.urgent.fever or DEFAULT_FEVER
        return Urgent("a temperature of 38.0 °C (100.4 °F) or higher", f"{fever} {call}")
    if informational or ((_PAST.search(text) or _HYPOTHETICAL.search(text)) and not present):
        return None
    rule = next((r for r in rules_for(coverage) if _applies(r, text, temps)), None)
    if rule is None:
        return None
    return Urgent(
        rule.reason, f"Your message mentions {rule.reason}. This can need care today. {call}"
    )


def _applies(rule: Rule, text: str, temps: list[float]) -> bool:
    if not rule.pattern.search(text) or (rule.needs is not None and not rule.needs.search(text)):
        return False
    # a measured temperature below the threshold, without chills, is not an infection sign
    return not (
        rule.id == "infection"
        and temps
        and max(temps) < 38.0
        and not re.search(r"shiver|shak|chills|rigors|chatter", text)
    )


def __getattr__(name: str) -> Any:
    """``CALL_NOW``: what the installed packs' warnings say to do."""
    if name == "CALL_NOW":
        return installed().urgent.call or DEFAULT_CALL
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- cut-off messages -------------------------------------------------------------------

# Words a complete message practically never ends on ("... the dose was").
_DANGLING = frozenset(
    "the a an was were with and or of to my because but than your our their".split()
)


def detect_truncation(question: str, vocabulary: Iterable[str]) -> Clarification | None:
    """A message that stops mid-word or mid-thought: quote the fragment, offer completions."""
    text = question.rstrip()
    if not text or text[-1] in ".?!)\"'":
        return None
    words = re.findall(r"[A-Za-z][A-Za-z'-]*|\d+", text)
    if len(words) < 3:
        return None
    last = words[-1]
    low = fold(last)
    vocab = set(vocabulary)
    completions: list[str] = []
    if low in _DANGLING:
        fragment = " ".join(words[-3:])
    elif low not in vocab and len(low) >= 3 and low.isalpha():
        completions = sorted(w for w in vocab if w.startswith(low) and len(w) >= len(low) + 2)
        if not completions:
            return None
        completions = sorted(completions, key=len)[:4]
        fragment = last
    else:
        return None
    message = (
        f'Your message seems to stop at "{fragment}". Could you finish it? '
        "Meanwhile, here is what Lantern found for the rest of your question."
    )
    return Clarification("truncated", message, [f"{c}?" for c in completions])


# -- out of scope ----------------------------------------------------------------------

_INJECTION = re.compile(
    r"\b(ignore|disregard|forget) (all |any )?(previous|prior|your|the) "
    r"(instructions|rules|prompt)|\bsystem prompt\b|\bjailbreak\b"
)


def out_of_scope_by_rule(question: str, coverage: Coverage | None = None) -> bool:
    """An attempt to override Lantern's rules, or a question naming a neighbouring topic of
    the packs (their ``scope.toml``) that none of them covers. ``coverage``: the packs the
    engine answers from (the installed ones by default)."""
    text = fold(question)
    if _INJECTION.search(text):
        return True
    return (coverage or installed()).neighbour(text) is not None


def out_of_scope_clarification(
    coverage: Coverage | None = None, question: str = ""
) -> Clarification:
    """What to say instead of an answer: the packs' own words (the neighbouring topic's when
    the question names one) and questions they can answer."""
    refusal = (coverage or installed()).refusal(fold(question) if question else "")
    return Clarification("out_of_scope", refusal.message, list(refusal.suggestions))
