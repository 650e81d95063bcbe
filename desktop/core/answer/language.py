"""Questions written in another language than the packs' (English).

Lantern's packs, retrieval and checks are in English, so a question in Spanish or French
cannot be answered well; refusing it as "outside what Lantern covers" is wrong and unkind.
``other_language`` spots a question written mostly in one of a few common languages (by
their everyday function words: a rule, not a model) and returns a kind reply in that
language and in English, asking for the question in English."""

from __future__ import annotations

import re

from desktop.core.answer.schema import Clarification

_ENGLISH = (
    "Lantern can only answer in English for now: its guideline pack is written in English. "
    "Could you ask your question in English? Your care team can also help in your language."
)
# function words of each language (none of them an English word) and the reply in it
_LANGUAGES: dict[str, tuple[frozenset[str], str]] = {
    "es": (
        frozenset(
            "el la los las del que es por para con una uno como pero mama cancer mi tengo "
            "puedo qué cómo estoy tratamiento después durante muy también cuáles efectos "
            "secundarios".split()
        ),
        "Lantern solo puede responder en inglés por ahora. ¿Podría hacer su pregunta en "
        "inglés? Su equipo médico también puede ayudarle en su idioma.",
    ),
    "fr": (
        frozenset(
            "le la les des du est une un pour avec dans mais sein mon ma je suis puis-je "
            "quels quelles comment après pendant aussi très traitement sont effets "
            "secondaires".split()
        ),
        "Lantern ne peut répondre qu'en anglais pour le moment. Pourriez-vous poser votre "
        "question en anglais ? Votre équipe soignante peut aussi vous aider dans votre langue.",
    ),
    "de": (
        frozenset(
            "der die das und ist nicht ich mein meine mit für auf ein eine wie nach "
            "während auch sehr brustkrebs behandlung kann habe sind von welche "
            "nebenwirkungen".split()
        ),
        "Lantern kann im Moment nur auf Englisch antworten. Könnten Sie Ihre Frage auf "
        "Englisch stellen? Ihr Behandlungsteam kann Ihnen auch in Ihrer Sprache helfen.",
    ),
    "pt": (
        frozenset(
            "o os as do da dos das que é em para com uma um como mas mama meu minha tenho "
            "posso não tratamento depois durante também muito câncer cancro quais são "
            "efeitos colaterais".split()
        ),
        "O Lantern só pode responder em inglês por enquanto. Poderia fazer a sua pergunta em "
        "inglês? A sua equipa de saúde também pode ajudar no seu idioma.",
    ),
    "it": (
        frozenset(
            "il lo la gli le del della che è per con una uno come ma seno mio mia ho posso "
            "non trattamento dopo durante anche molto cancro tumore quali sono gli "
            "effetti collaterali".split()
        ),
        "Lantern per ora può rispondere solo in inglese. Potrebbe fare la sua domanda in "
        "inglese? Anche il suo team di cura può aiutarla nella sua lingua.",
    ),
}
_ENGLISH_WORDS = frozenset(
    "the a an and is are was what how can i my me you it of to in for with on do does "
    "should will be have has this that not".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?", re.UNICODE)
MIN_WORDS = 3
SHARE = 0.3  # of the words, at least this share must be the language's function words


def detect(question: str) -> str | None:
    """The code of the language the question is written in, when it is clearly one of the
    known non-English languages; else None (English, or too short to tell)."""
    tokens = [w.lower() for w in _WORD.findall(question)]
    if len(tokens) < MIN_WORDS:
        return None
    english = sum(t in _ENGLISH_WORDS for t in tokens)
    best, best_count = None, 0
    for code, (function_words, _) in _LANGUAGES.items():
        count = sum(t in function_words for t in tokens)
        if count > best_count:
            best, best_count = code, count
    if best is None or best_count < SHARE * len(tokens) or best_count <= english:
        return None
    return best


def other_language(question: str) -> Clarification | None:
    """A kind reply, in the question's language and in English, for a question written in
    another language; None for an English question."""
    code = detect(question)
    if code is None:
        return None
    return Clarification("language", f"{_LANGUAGES[code][1]} {_ENGLISH}")
