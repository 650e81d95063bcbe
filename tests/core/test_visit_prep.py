"""The visit-preparation list model: duplicates, editing, order, storage and printable HTML."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest

from desktop.core.answer.visit_prep import VisitItem, VisitList, question_key, visit_date_text

DAY = date(2025, 3, 3)


def make(*questions: str) -> VisitList:
    vl = VisitList()
    vl.add(list(questions), "What is tamoxifen?", today=DAY)
    return vl


def test_core_module_does_not_import_qt() -> None:
    import desktop.core.answer.visit_prep as module

    source = Path(module.__file__).read_text(encoding="utf-8")
    assert "PySide6" not in source and "Qt" not in source.replace("Qt-free", "")
    assert module.__name__ in sys.modules


def test_add_skips_duplicates_and_reports_count() -> None:
    vl = VisitList()
    added = vl.add(
        [
            "Should I take it at night?",
            "  should i take it at NIGHT ",
            "Will it cause hot flashes?",
        ],
        "What is tamoxifen?",
        today=DAY,
    )
    assert added == 2
    assert vl.texts() == ["Should I take it at night?", "Will it cause hot flashes?"]
    assert vl.items[0].origin == "What is tamoxifen?"
    assert vl.items[0].added == "2025-03-03"
    # punctuation, case and whitespace are ignored against what is already listed
    assert vl.add(["Should I take it, at night", "Will it cause hot-flashes?", ""], "x") == 0
    assert vl.add(["How long will I take it?"], "x", today=DAY) == 1
    assert len(vl) == 3


def test_question_key_is_insensitive_to_case_space_and_punctuation() -> None:
    assert question_key("  What's   NEXT?! ") == question_key("what s next")
    assert question_key("?!") == ""


def test_edit_remove_move() -> None:
    vl = make("one?", "two?", "three?")
    vl.edit(1, "  second   question ")
    assert vl.texts() == ["one?", "second question", "three?"]
    with pytest.raises(ValueError, match="empty"):
        vl.edit(0, "   ")
    assert vl.texts()[0] == "one?"
    vl.move(0, 2)
    assert vl.texts() == ["second question", "three?", "one?"]
    vl.move(2, 0)
    assert vl.texts() == ["one?", "second question", "three?"]
    removed = vl.remove(1)
    assert removed.text == "second question"
    assert vl.texts() == ["one?", "three?"]
    with pytest.raises(IndexError):
        vl.remove(5)
    with pytest.raises(IndexError):
        vl.move(0, 2)


def test_json_round_trip() -> None:
    vl = make("Is <this> & that okay?", "Café question — ünïcode?")
    blob = vl.to_json()
    assert isinstance(blob, bytes)
    back = VisitList.from_json(blob)
    assert back == vl
    assert back.items[0] == VisitItem("Is <this> & that okay?", "What is tamoxifen?", "2025-03-03")


def test_from_json_tolerates_unknown_keys_and_missing_optionals() -> None:
    blob = json.dumps(
        {"version": 9, "future": True, "items": [{"text": "Q1", "colour": "red"}, {"text": "Q2"}]}
    ).encode()
    vl = VisitList.from_json(blob)
    assert vl.texts() == ["Q1", "Q2"]
    assert vl.items[0].origin == "" and vl.items[0].added == ""


@pytest.mark.parametrize(
    "blob",
    [
        b"not json",
        b"\xff\xfe\x00garbage",
        b"[1, 2]",
        b'{"items": "nope"}',
        b'{"items": [3]}',
        b'{"items": [{"origin": "x"}]}',
        b'{"items": [{"text": "   "}]}',
        b'{"items": [{"text": "ok", "added": 5}]}',
    ],
)
def test_from_json_rejects_malformed_data_with_a_clear_message(blob: bytes) -> None:
    with pytest.raises(ValueError, match="visit list"):
        VisitList.from_json(blob)


def test_render_html_structure_and_escaping() -> None:
    vl = make("Is <b>& safe?", "Second?")
    page = vl.render_html("3 March 2025", ["Tumour <ER+> & HER2-"])
    assert "<h1>Questions for my care team</h1>" in page
    assert "3 March 2025" in page
    assert "About me (from my records)" in page
    assert "Tumour &lt;ER+&gt; &amp; HER2-" in page
    assert "Is &lt;b&gt;&amp; safe?" in page
    assert "<b>&" not in page
    assert page.index("<ol>") < page.index("Is &lt;b&gt;") < page.index("Second?")
    assert page.index("3 March 2025") < page.index("About me") < page.index("<ol>")


def test_render_html_without_profile_or_questions() -> None:
    page = VisitList().render_html("3 March 2025", None)
    assert "About me" not in page
    assert "No questions yet." in page
    assert "About me" not in make("Q?").render_html("x", [])


def test_visit_date_text() -> None:
    assert visit_date_text(DAY) == "3 March 2025"
    assert visit_date_text(date(2024, 12, 25)) == "25 December 2024"


def test_her_list_is_kept_in_her_vault_and_gathered_questions_join_it(
    lantern_home: Path,
) -> None:
    from desktop.core.answer.visit_prep import (
        VAULT_BLOB,
        list_after_unlock,
        store_list,
        stored_list,
    )
    from desktop.core.records.keys import PassphraseWrapper
    from desktop.core.records.vault import Vault

    vault = Vault.create(lantern_home, "Ana", PassphraseWrapper("correct horse"))
    try:
        assert stored_list(vault) is None  # she has none yet
        gathered = make("What is my HER2 status?")
        shown, store = list_after_unlock(None, gathered)
        assert shown.texts() == gathered.texts() and store  # the gathered ones become hers
        assert shown is not gathered
        store_list(vault, shown.to_json())
        assert vault.ids("visit/") == [VAULT_BLOB]
        hers = stored_list(vault)
        assert hers is not None and hers.texts() == ["What is my HER2 status?"]
        shown, store = list_after_unlock(hers, make("Something else?"))
        assert shown.texts() == ["What is my HER2 status?"] and not store  # hers wins
        assert list_after_unlock(None, VisitList())[1] is False  # nothing to store
        vault.put(VAULT_BLOB, b"not json")
        with pytest.raises(ValueError, match="not valid JSON"):
            stored_list(vault)
    finally:
        vault.close()
