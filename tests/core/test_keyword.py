"""FTS5 keyword search: BM25 ranking, and user text never breaks the query syntax."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.knowledge.keyword import KeywordStore, query_terms
from desktop.core.text import fts_query


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> KeywordStore:
    s = KeywordStore(tmp_path_factory.mktemp("kw") / "k.sqlite")
    s.add_section(
        "p/a",
        "d1",
        [
            (
                "p/a#p0",
                "Ribociclib",
                "Ribociclib can lower neutrophils.",
                "ribociclib kisqali",
                "what is ribociclib",
            )
        ],
    )
    s.add_section(
        "p/b",
        "d2",
        [
            (
                "p/b#p0",
                "Lymphedema",
                "Swelling of the arm after surgery.",
                "lymphedema",
                "why is my arm swollen",
            )
        ],
    )
    return s


def test_bm25_ranks_the_matching_section_first(store: KeywordStore) -> None:
    hits = store.search(query_terms("my arm is swollen after surgery"))
    assert hits[0][1] == "p/b"


@pytest.mark.parametrize(
    "text",
    [
        '"NEAR(',
        "*",
        "AND OR",
        "NOT",
        "ribo*",
        '" OR "',
        "^a:b",
        "col:ribociclib",
        "(((",
        "-",
        "NEAR(a b, 3)",
    ],
)
def test_fts_syntax_in_user_text_never_raises(store: KeywordStore, text: str) -> None:
    store.search(query_terms(text))
    store.search([text])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_a_safe_query(store: KeywordStore, text: str) -> None:
    expression = fts_query(text.split())
    assert expression.count('"') % 2 == 0
    store.search(text.split())
    store.search(query_terms(text))


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> KeywordStore:
    """Many rows mention common words; few mention the rare ones."""
    s = KeywordStore(tmp_path_factory.mktemp("kw-big") / "k.sqlite")
    rows = [(f"f/s#p{i}", "Filler", f"cancer treatment care note {i}", "", "") for i in range(400)]
    rows += [(f"f/s#c{i}", "Filler", f"cancer treatment cough note {i}", "", "") for i in range(60)]
    rows.append(("f/s#r0", "Filler", "cancer treatment cough ribociclib", "", ""))
    rows.append(("f/s#r1", "Filler", "ribociclib lowers neutrophils", "", ""))
    s.add_section("f/s", "d", rows)
    return s


def test_budget_keeps_rare_terms_and_drops_common_ones(big_store: KeywordStore) -> None:
    plan = big_store._plan(["cancer", "ribociclib", "treatment", "cough"], budget=100)
    assert plan == '"ribociclib" OR "cough"'  # 2 + 61 rows fit; the 462-row words do not
    ids = [e for e, _, _ in big_store.search(["cancer", "ribociclib", "treatment", "cough"])]
    assert ids[0] == "f/s#r0"


def test_budget_narrows_with_and_when_every_term_is_common(big_store: KeywordStore) -> None:
    # counts stop at the budget, so two over-budget terms keep the question's order
    assert big_store._plan(["cancer", "cough"], budget=50) == '"cancer" AND "cough"'
    narrow = KeywordStore(
        Path(big_store.db.execute("PRAGMA database_list").fetchone()[2]), budget=50
    )
    assert len(narrow.search(["cancer", "cough"], limit=100)) == 61
    narrow.close()
    assert big_store._plan(["cancer", "treatment"], budget=50) == '"cancer" AND "treatment"'


def test_small_index_uses_every_term(big_store: KeywordStore) -> None:
    terms = ["cancer", "ribociclib", "treatment", "cough", "absent"]
    assert big_store._plan(terms, big_store.budget) == fts_query(
        ["ribociclib", "cough", "cancer", "treatment"]
    )
