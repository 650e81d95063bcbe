"""Numeric dates with a two-digit year, as cumulative lab tables print them."""

from desktop.core.records.dates import document_day_first, find_dates


def test_two_digit_years_read_day_first_when_one_is_unambiguous() -> None:
    found = [iso for _, _, iso in find_dates("Collected 03/02/25   31/03/25   28/04/25")]
    assert found == ["2025-02-03", "2025-03-31", "2025-04-28"]


def test_two_digit_year_is_not_taken_from_longer_numbers() -> None:
    assert list(find_dates("version 1.2.3.4 and ratio 3/4/255")) == []
    assert [iso for _, _, iso in find_dates("seen 04/22/2025")] == ["2025-04-22"]


def test_two_digit_birth_year_is_last_century() -> None:
    assert [iso for _, _, iso in find_dates("DOB 14/07/58")] == ["1958-07-14"]


def test_short_years_decide_the_document_order() -> None:
    assert document_day_first(["03/02/25 and 31/03/25"]) is True
