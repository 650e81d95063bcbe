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


def test_collection_date_wins_and_previous_result_column() -> None:
    text = (
        "Date collected: 05/12/2025 0800 Date received: 05/13/2025 Date reported: 05/14/2025\n"
        "TESTS RESULT FLAG PREVIOUS RESULT AND DATE UNITS REFERENCE INTERVAL\n"
        "WBC 01 2.9 Low 4.8 04/07/2025 x10E3/uL 3.4-10.8\n"
        "Reported: 05/14/2025\n"
        "Platelets 01 160 150-450\n"
    )
    got = _labs(text)
    assert got[("WBC", "2025-05-12")][0] == "2.9"
    assert got[("WBC", "2025-04-07")][0] == "4.8"
    assert got[("platelets", "2025-05-12")][0] == "160"
    assert not any(value == "1" for value, _ in got.values())


def test_labs_heading_dates_the_values_under_it() -> None:
    text = "Seen 11/20/2025.\nLABS (11/17/2025)\nWBC 4.6 K/uL, Hgb 11.9 g/dL, Plt 214 K/uL."
    got = _labs(text)
    assert got[("WBC", "2025-11-17")][0] == "4.6"
    assert got[("platelets", "2025-11-17")][0] == "214"


def test_flowsheet_with_tests_in_columns_and_dates_in_rows() -> None:
    text = (
        "HEMATOLOGY FLOWSHEET\n"
        "Date        WBC    ANC    Plt\n"
        "            K/uL   K/uL   K/uL\n"
        "Ref         4.0-11.0 1.5-8.0 150-400\n"
        "03/04/2025  6.1    3.9    301\n"
        "04/01/2025  2.7 L  0.9 L  --\n"
        "Seen today, no fever.\n"
    )
    got = _labs(text)
    value, details = got[("ANC", "2025-04-01")]
    assert value == "0.9" and details["flag"] == "low" and details["unit"] == "K/uL"
    assert details["ref_low"] == "1.5" and details["ref_high"] == "8.0"
    assert got[("platelets", "2025-03-04")][0] == "301"
    assert ("platelets", "2025-04-01") not in got
    assert got[("WBC", "2025-04-01")][0] == "2.7"


def test_flowsheet_with_units_in_header_leading_and_trailing_columns() -> None:
    text = (
        "Cycle  Day  Bloods date   Neut (x10^9/L)  Plt (x10^9/L)  Dose\n"
        "C1     D1   16/10/2025    1.4             198             600 mg\n"
        "C2     D1   13/11/2025    1.1             176             600 mg\n"
        "Reference ranges: Neut 2.0-7.5; Plt 150-400.\n"
    )
    got = _labs(text)
    assert got[("ANC", "2025-11-13")][0] == "1.1"
    assert got[("platelets", "2025-10-16")][1]["unit"] == "x10^9/L"
    assert len(got) == 4  # the reference ranges line gives no values


def test_flowsheet_dates_with_month_names_and_bound_ranges() -> None:
    text = (
        "Specimen date CA 15-3 (kU/L) CEA (ug/L) Comment\n"
        "Ref: <30 Ref: <5\n"
        "12 May 2025 28 3.1\n"
        "17 Nov 2025 67 H 6.8 H Rising - see comment\n"
    )
    got = _labs(text)
    value, details = got[("CEA", "2025-11-17")]
    assert value == "6.8" and details["flag"] == "high" and details["ref_high"] == "5"
    assert got[("CA 15-3", "2025-05-12")][0] == "28"
