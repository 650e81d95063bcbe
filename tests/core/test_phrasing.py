"""Sentences written as data: placeholders, parts that vanish without their values,
alternatives, joins and choices (desktop/core/packdata/phrasing.py)."""

from __future__ import annotations

from desktop.core.packdata.phrasing import fill, parse_phrase

VALUES = {"value": "2+", "date": "", "details.dose": "400 mg", "details.status": "past"}


def lookup(name: str) -> str:
    return VALUES.get(name, "")


def _phrase(raw):
    problems: list[str] = []
    phrase = parse_phrase(raw, "here", problems)
    assert phrase is not None and not problems, problems
    return phrase


def test_a_part_is_empty_when_a_value_is_missing_and_a_sentence_is_not() -> None:
    assert fill(" on {date}", lookup) == ""
    assert fill("IHC {value}", lookup) == "IHC 2+"
    assert fill("Score {value}{date}.", lookup, whole=False) == "Score 2+."


def test_alternatives_and_literals() -> None:
    assert fill("{details.result|'see the report'}", lookup) == "see the report"
    assert fill("{date|value}", lookup) == "2+"


def test_first_join_choice_and_unless() -> None:
    assert _phrase({"first": [" from {date}", " to {value}"]}).render(lookup) == " to 2+"
    joined = _phrase({"join": ["{details.dose}", "on {date}", "x"], "before": " (", "after": ")"})
    assert joined.render(lookup) == " (400 mg, x)"
    assert _phrase({"join": ["{date}"], "before": " ("}).render(lookup) == ""
    verb = _phrase({"by": "details.status", "cases": {"past": "list a past"}, "default": "list"})
    assert verb.render(lookup) == "list a past"
    assert verb.render(lambda name: "") == "list"
    assert _phrase({"text": "{details.dose}", "unless": "value"}).render(lookup) == ""
    assert set(verb.names()) == {"details.status"}
    assert set(joined.names()) == {"details.dose", "date"}


def test_malformed_phrases_are_named() -> None:
    problems: list[str] = []
    assert parse_phrase(3, "f.sentence", problems) is None
    assert parse_phrase({"text": "a", "by": "b"}, "f.parts.x", problems) is None
    parse_phrase({"first": "not a list", "colour": 1}, "f.parts.y", problems)
    text = "\n".join(problems)
    assert "f.sentence: must be a string or a table" in text
    assert "f.parts.x: needs exactly one of text, first, join or by" in text
    assert "f.parts.y: unknown key(s) colour" in text
    assert "f.parts.y.first: must be a non-empty list of phrases" in text
