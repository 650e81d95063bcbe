"""Lab values in clinic letters keep their own dates, not the letter's: a date written
without a year takes the letter's year."""

from __future__ import annotations

from desktop.core.records.dates import dates_with_year
from desktop.core.records.extract import extract


def _labs(text: str) -> dict[str, tuple[str, str | None, dict[str, str]]]:
    facts = extract([("letter", [text])])
    return {f.details["test"]: (f.value, f.date, f.details) for f in facts if f.field == "lab"}


def test_value_dated_by_a_day_and_month_without_year() -> None:
    text = (
        "Date: 24 April 2025\n\nDear Dr Jones,\n"
        "Her bloods on 15 April showed a creatinine of 98 umol/L (45-84).\n"
    )
    value, date, details = _labs(text)["creatinine"]
    assert (value, date) == ("98", "2025-04-15")
    assert details["flag"] == "high"


def test_hormone_units_are_read() -> None:
    text = "Date: 20 May 2025\nOestradiol was 45 pmol/L on 16 May 2025 (postmenopausal range <100)."
    value, date, details = _labs(text)["oestradiol"]
    assert (value, date, details.get("unit")) == ("45", "2025-05-16", "pmol/L")


def test_year_less_dates_are_not_read_from_verbs() -> None:
    assert dates_with_year("cycle 2 may be delayed", "2025") == []
    assert [iso for _, _, iso in dates_with_year("seen on 3 March", "2025")] == ["2025-03-03"]
    assert dates_with_year("on 31 February", "2025") == []
