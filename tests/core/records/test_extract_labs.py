"""Lab values: row tables, date-column tables, rows that start with their date, and prose;
thresholds in instructions and creatinine clearance are not values."""

from __future__ import annotations

from desktop.core.records.extract import extract


def _labs(text: str) -> list[tuple[str, str, str | None, dict[str, str]]]:
    facts = extract([("labs", [text])])
    return [(f.details["test"], f.value, f.date, f.details) for f in facts if f.field == "lab"]


def test_row_table_with_units_ranges_and_flags() -> None:
    text = (
        "Date collected: 14/10/2024\n"
        "Absolute neutrophil count 0.9 10*9/L (2.0 - 7.5) L\n"
        "Hgb 98 g/L 115-165 LOW\n"
        "Platelets 451 x10^9/L 150-400\n"
        "eGFR >90 mL/min/1.73m2\n"
        "QTcF 452 ms"
    )
    got = {t: (v, d, det) for t, v, d, det in _labs(text)}
    assert got["ANC"][0:2] == ("0.9", "2024-10-14")
    assert got["ANC"][2]["unit"] == "10^9/L" and got["ANC"][2]["flag"] == "low"
    assert got["ANC"][2]["ref_low"] == "2.0" and got["ANC"][2]["ref_high"] == "7.5"
    assert got["haemoglobin"][2]["flag"] == "low" and got["haemoglobin"][2]["unit"] == "g/L"
    assert got["platelets"][2]["flag"] == "high"  # outside the range, though not flagged
    assert got["QTc"][0] == "452" and got["QTc"][2]["unit"] == "ms"


def test_date_columns_without_separators() -> None:
    text = (
        "Test 01/08/2024 15/08/2024 29/08/2024 Ref\nAST (SGOT) 30 88 H 41 U/L 10-40\nCr 0.7 -- 0.8"
    )
    got = sorted((t, v, d) for t, v, d, _ in _labs(text))
    assert got == [
        ("AST", "30", "2024-08-01"),
        ("AST", "41", "2024-08-29"),
        ("AST", "88", "2024-08-15"),
        ("creatinine", "0.7", "2024-08-01"),
        ("creatinine", "0.8", "2024-08-29"),
    ]


def test_rows_that_start_with_their_date() -> None:
    text = "2024-09-02 | WBC | 3.1 | x10^3/uL\n2024-09-16 | WBC | 5.4 | x10^3/uL"
    assert [(v, d) for _, v, d, _ in _labs(text)] == [("3.1", "2024-09-02"), ("5.4", "2024-09-16")]


def test_prose_values() -> None:
    text = (
        "Seen 2024-10-01. ANC this morning 1.1 (low), platelets of 140 and bilirubin 0.9 mg/dL. "
        "ALT 3x ULN. Hold ribociclib if ANC < 1.0. Creatinine clearance 72 mL/min."
    )
    got = {(t, v) for t, v, _, _ in _labs(text)}
    assert got == {("ANC", "1.1"), ("platelets", "140"), ("bilirubin", "0.9")}
