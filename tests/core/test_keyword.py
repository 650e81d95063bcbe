"""FTS5 keyword search: BM25 ranking, and user text never breaks the query syntax."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.knowledge.keyword import KeywordStore, fts_query, query_terms


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
