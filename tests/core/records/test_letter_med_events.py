"""Treatment holds, restarts and dose changes in clinic letters, each with its own date,
dose and reason; conditional plans are not events."""

from __future__ import annotations

from desktop.core.records.extract import extract
from desktop.core.records.facts import soft_join


def _events(text: str) -> list[tuple[str, str, str | None, dict[str, str]]]:
    facts = extract([("letter", [text])])
    return [
        (f.field, f.value, f.date, f.details)
        for f in facts
        if f.field == "dose_change" or f.details.get("status") in ("held", "restarted")
    ]


LETTER = (
    "Date: 12 March 2025\n"
    "Dear Dr Smith,\n"
    "Her neutrophils were 0.7 on 3 March, so we withheld ribociclib from 3 March for one\n"
    "week because of grade 3 neutropenia. Ribociclib was restarted on 10 March 2025 at 400 mg\n"
    "daily (reduced from 600 mg because of grade 3 neutropenia).\n"
    "If her counts fall again, ribociclib would be held.\n"
)


def test_hold_and_restart_carry_their_own_dates() -> None:
    got = _events(LETTER)
    holds = [e for e in got if e[3].get("status") == "held"]
    restarts = [e for e in got if e[3].get("status") == "restarted"]
    assert [(v, d) for _, v, d, _ in holds] == [("ribociclib", "2025-03-03")]
    assert "neutropenia" in holds[0][3]["reason"]
    assert [(v, d) for _, v, d, _ in restarts] == [("ribociclib", "2025-03-10")]
    assert restarts[0][3]["dose"] == "400 mg daily"


def test_dose_change_dated_after_its_new_dose() -> None:
    text = (
        "Everolimus was held 07/14/2025 to 07/21/2025 and resumed at 5 mg daily on "
        "07/22/2025 (dose reduced because of grade 2 stomatitis)."
    )
    changes = [e for e in _events(text) if e[0] == "dose_change"]
    assert changes and changes[0][2] == "2025-07-22"
    assert changes[0][3]["reason"] == "grade 2 stomatitis"


def test_conditional_restart_is_not_an_event() -> None:
    text = "Repeat FBC next week; if neutrophils are at least 1.0, restart palbociclib at 100 mg."
    assert _events(text) == []


def test_reason_is_not_a_duration() -> None:
    text = "Cycle 4 of docetaxel was held for one week because of a low platelet count."
    held = [e for e in _events(text) if e[3].get("status") == "held"]
    assert held and held[0][3]["reason"] == "a low platelet count"


def test_open_bracket_joins_the_next_line() -> None:
    text = "PALBOCICLIB 100 MG DAILY (21 DAYS ON, 7\nDAYS OFF) FROM TODAY"
    assert "\n" not in soft_join(text)


def test_restart_at_lower_dose_is_a_dose_change_with_previous_dose() -> None:
    text = (
        "Palbociclib restarted 21-Jan-2026 at 100 mg (reduced from 125 mg because of grade 3 "
        "neutropenia)."
    )
    changes = [e for e in _events(text) if e[0] == "dose_change"]
    assert changes and changes[0][3]["to"] == "100 mg" and changes[0][3]["from"] == "125 mg"
    assert changes[0][3]["reason"] == "grade 3 neutropenia"
    assert changes[0][2] == "2026-01-21"


def test_temporary_stop_is_a_hold_not_a_stop() -> None:
    text = "Date: 5 August 2025\nWe stopped letrozole temporarily from 29 July 2025."
    facts = extract([("letter", [text])])
    meds = [(f.details.get("status"), f.date) for f in facts if f.field == "medication"]
    assert meds == [("held", "2025-07-29")]


def test_threshold_in_a_plan_is_not_a_lab_value() -> None:
    text = "Treat if neutrophils 1.0 x10^9/L or more and platelets 100 x10^9/L or more."
    assert [f for f in extract([("note", [text])]) if f.field == "lab"] == []


def test_reason_on_the_line_after_an_upper_case_heading() -> None:
    text = (
        "DECISION: DOCETAXEL DOSE REDUCED\nTO 60 MG/M2 FROM CYCLE 3\n"
        "BECAUSE OF GRADE 3 MUCOSITIS."
    )
    changes = [e for e in _events(text) if e[0] == "dose_change"]
    assert changes and changes[0][3]["reason"] == "GRADE 3 MUCOSITIS"


def test_start_with_its_reason_and_hold_reason_written_before() -> None:
    facts = extract([("note", ["Loperamide started 22/04/2025 for diarrhoea."])])
    started = [f for f in facts if f.field == "medication"]
    assert started and started[0].details["reason"] == "diarrhoea"
    held = _events("Given her low counts, eribulin is held today.")
    assert held and held[0][3]["reason"] == "her low counts"
