"""Cumulative lab tables as clinics print them: units in brackets after the test, ranges in a
bracketed column before the date columns, flags stuck to values."""

from __future__ import annotations

from desktop.core.records.extract import extract


def _labs(text: str) -> dict[tuple[str, str | None], tuple[str, dict[str, str]]]:
    facts = extract([("labs", [text])])
    return {(f.details["test"], f.date): (f.value, f.details) for f in facts if f.field == "lab"}


def test_bracketed_units_and_range_column_before_dates() -> None:
    text = (
        "CUMULATIVE REPORT\n"
        "Test (units) [range] 02/06/25 30/06/25\n"
        "Potassium (mmol/L) [3.5-5.3] 4.4 3.2L\n"
        "ALT (U/L) [<33] 19 57H\n"
    )
    got = _labs(text)
    value, details = got[("potassium", "2025-06-30")]
    assert value == "3.2" and details["flag"] == "low" and details["unit"] == "mmol/L"
    assert details["ref_low"] == "3.5" and details["ref_high"] == "5.3"
    value, details = got[("ALT", "2025-06-30")]
    assert value == "57" and details["flag"] == "high" and details["ref_high"] == "33"
    assert got[("ALT", "2025-06-02")][0] == "19"
