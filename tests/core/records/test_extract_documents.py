"""Document kind and date: the report, visit or collection date in the formats clinics use,
never a date of birth."""

from __future__ import annotations

import pytest

from desktop.core.records.dates import parse_date
from desktop.core.records.documents import document_info


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2024-08-22", "2024-08-22"),
        ("08/22/2024", "2024-08-22"),
        ("22/08/2024", "2024-08-22"),
        ("03/04/2024", "2024-03-04"),  # ambiguous: read month-first (US)
        ("22 Aug 2024", "2024-08-22"),
        ("August 22, 2024", "2024-08-22"),
        ("22nd August 2024", "2024-08-22"),
        ("22.08.2024", "2024-08-22"),
        ("Sept. 3 2024", "2024-09-03"),
        ("31/02/2024", None),
        ("ratio 1.5-8.0", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("pages", "kind", "date"),
    [
        (
            [
                "Surgical Pathology Report\nDOB: 01/02/1960\nSigned out: 03/15/2024\n"
                "Specimen: left breast core biopsy\nFinal diagnosis: IDC"
            ],
            "Pathology report",
            "2024-03-15",
        ),
        (
            ["Progress note\nPatient seen 14 March 2024.\nHPI: doing well.\nPlan: continue."],
            "Clinic note",
            "2024-03-14",
        ),
        (
            [
                "Haematology\nDate of birth 1970-05-05\nCollected 2024-03-01\n"
                "Hb 120 g/L reference range 115-165"
            ],
            "Lab results",
            "2024-03-01",
        ),
        (
            [
                "Discharge Summary\nDate of admission: 2024-02-01\nDate of discharge: 2024-02-05\n"
                "Hospital course: uneventful"
            ],
            "Discharge summary",
            "2024-02-05",
        ),
        (
            [
                "Hereditary cancer genetic test report\nReported: 2023-12-12\n"
                "Germline result: no pathogenic variants"
            ],
            "Genetics report",
            "2023-12-12",
        ),
        (
            [
                "MRI brain with contrast\nStudy date: 2024-04-04\nFindings: no lesions.\n"
                "Impression: normal."
            ],
            "Radiology report",
            "2024-04-04",
        ),
        (["A shopping list: bread, milk."], "Document", None),
    ],
)
def test_document_info(pages: list[str], kind: str, date: str | None) -> None:
    info = document_info(pages)
    assert (info.kind, info.date) == (kind, date)
