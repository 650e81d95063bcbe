"""Synthetic patient records with known facts, for extraction tests and the extraction bench.

Each scenario is one made-up patient with eight differently laid out documents: a structured
pathology report, a clinic note in prose, a lab table with date columns and rows, a discharge
summary, a germline genetics report, a radiology report with metastatic findings and
negations, a messy fax-like note, and a second pathology report whose values conflict with
the first. The gold facts are written from the scenario data as each line is composed, never
by running the extractor. ``write_pdf`` writes latin-1 text with fpdf2's core font."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class GoldFact:
    field: str
    value: str
    page: int
    date: str | None = None
    details: dict[str, str] = field(default_factory=dict)


@dataclass
class SyntheticDocument:
    name: str
    pages: list[str]
    facts: list[GoldFact]
    kind: str = "Document"
    date: str | None = None


@dataclass
class Scenario:
    name: str
    documents: list[SyntheticDocument]


class _Builder:
    """Lines and gold facts of one document, page by page."""

    def __init__(self, name: str, kind: str, date: str) -> None:
        self.name, self.kind, self.date = name, kind, date
        self.pages: list[list[str]] = [[]]
        self.facts: list[GoldFact] = []

    def page(self) -> None:
        self.pages.append([])

    def line(self, text: str, *facts: tuple) -> None:
        self.pages[-1].append(text)
        for f in facts:
            fld, value, *rest = f
            details = rest[0] if rest else {}
            details = dict(details)
            date = details.pop("_date", self.date if fld == "lab" else None)
            self.facts.append(GoldFact(fld, value, len(self.pages), date, details))

    def build(self) -> SyntheticDocument:
        return SyntheticDocument(
            self.name, ["\n".join(p) for p in self.pages], self.facts, self.kind, self.date
        )


@dataclass
class Patient:
    key: str
    name: str
    dob: str
    age: int
    side: str
    histology: tuple[str, str]  # canonical, as written
    grade: str
    er: tuple[str, str, str]  # status, percent, intensity ("" when none)
    pr: tuple[str, str, str]
    her2_ihc: str
    her2_ish: str | None  # "amplified" | "not amplified" | None
    her2_category: str
    ki67: str
    tnm: str
    stage: str
    meno: str
    sites: list[tuple[str, str]]  # canonical, finding sentence stating it
    negated_sites: list[str]  # finding sentences that must give nothing
    meds: list[tuple[str, str, str]]  # generic, as written, dose as written
    start: tuple[str, str]  # ISO date the current treatment started, as written
    dose_change: tuple[str, str, str, str, str]  # generic, from, to, reason, ISO date
    germline: list[tuple[str, str, str]]  # gene, result, variant
    germline_negative: list[str]
    tumour_gene: tuple[str, str, str] | None  # gene, result, variant
    surgery: tuple[str, str]  # canonical procedure, as written
    planned: tuple[str, str]  # canonical procedure, as written
    conflict: tuple[tuple[str, str, str], str, str | None, str]  # er, her2 ihc, ish, category
    labs: list[tuple[str, str, list[str], str, str]]  # test, label, values, unit, range


def _pathology(p: Patient) -> SyntheticDocument:
    b = _Builder(f"{p.key}-pathology.pdf", "Pathology report", "2021-03-18")
    side = p.side.capitalize()
    b.line("SURGICAL PATHOLOGY REPORT")
    b.line(f"Patient: {p.name}    DOB: {p.dob}")
    b.line("Report date: 2021-03-18")
    b.line(
        f"Specimen: {side} breast, {p.surgery[1]} and sentinel lymph node biopsy",
        ("laterality", p.side),
        ("procedure", p.surgery[0], {"status": "done"}),
        ("procedure", "sentinel lymph node biopsy", {"status": "done"}),
    )
    b.line(
        f"Final diagnosis: {p.histology[1]}, Nottingham grade {p.grade}",
        ("histology", p.histology[0]),
        ("grade", p.grade),
    )
    b.line("Tumour size: 2.4 cm. Margins: negative, closest 4 mm.")
    b.line("Lymphovascular invasion: not identified")
    b.line("Ductal carcinoma in situ: not identified")
    b.page()
    b.line("Biomarkers (immunohistochemistry)")
    for name, (status, pct, intensity), prefix in (
        ("Estrogen receptor", p.er, "er"),
        ("Progesterone receptor", p.pr, "pr"),
    ):
        facts: list[tuple] = [(f"{prefix}_status", status), (f"{prefix}_percent", pct)]
        word = "Positive" if status != "negative" else "Negative"
        if intensity:
            facts.append((f"{prefix}_intensity", intensity))
            b.line(f"{name}: {word} ({pct}%, {intensity} staining)", *facts)
        else:
            b.line(f"{name}: {word} ({pct}%)", *facts)
    b.line(f"HER2 by IHC: {p.her2_ihc}", ("her2_ihc", p.her2_ihc))
    if p.her2_ish:
        ratio = "5.2" if p.her2_ish == "amplified" else "1.4"
        b.line(f"HER2 FISH: {p.her2_ish} (HER2/CEP17 ratio {ratio})", ("her2_ish", p.her2_ish))
    b.facts.append(GoldFact("her2_category", p.her2_category, 2, b.date))
    b.line(f"Ki-67 proliferation index: {p.ki67}%", ("ki67_percent", p.ki67))
    b.line(
        f"Pathologic stage (AJCC 8th): {p.tnm}, stage {p.stage}",
        ("tnm", p.tnm),
        ("stage", p.stage),
    )
    return b.build()


def _clinic(p: Patient) -> SyntheticDocument:
    b = _Builder(f"{p.key}-clinic-note.pdf", "Clinic note", "2024-08-22")
    drug, frm, to, reason, when = p.dose_change
    b.line("MEDICAL ONCOLOGY CLINIC NOTE")
    b.line(f"Date of visit: August 22, 2024    DOB: {p.dob}")
    b.line("History of present illness:")
    sites = " and ".join(s for s, _ in p.sites[:2])
    b.line(
        f"{p.name} is a {p.age}-year-old {p.meno} woman with metastatic breast cancer of the "
        f"{p.side} breast with spread to the {sites}.",
        ("menopausal_status", p.meno),
        ("laterality", p.side),
        *[("metastatic_site", s) for s, _ in p.sites[:2]],
    )
    b.line(
        f"She was first diagnosed in March 2021 with stage {p.stage} {p.histology[1].lower()}.",
        ("stage", p.stage),
        ("histology", p.histology[0]),
    )
    b.line(
        f"She underwent {p.surgery[1]} and completed adjuvant radiation therapy in 2021.",
        ("procedure", p.surgery[0], {"status": "done"}),
        ("procedure", "radiation therapy", {"status": "done"}),
    )
    first, second = p.meds[0], p.meds[1]
    b.line(
        f"On {p.start[1]} she started {first[1]} {first[2]} with {second[1]} {second[2]}.",
        ("medication", first[0], {"_date": p.start[0], "status": "current"}),
        ("medication", second[0], {"_date": p.start[0], "status": "current"}),
    )
    month = _MONTH_NAMES[int(when[5:7]) - 1]
    b.line(
        f"In {month} {when[:4]} the {drug} dose was reduced from {frm} to {to} because of "
        f"{reason}.",
        ("dose_change", drug, {"from": frm, "to": to}),
        ("medication", drug, {"status": "current"}),
    )
    b.line("Family history:")
    b.line("Her mother had breast cancer at 52 and her sister carries a BRCA2 pathogenic variant.")
    b.line("Current medications:")
    for generic, written, dose in p.meds:
        dose = to if generic == drug else dose
        b.line(f"- {written.capitalize()} {dose}", ("medication", generic, {"status": "current"}))
    b.line("- Ondansetron 8 mg as needed for nausea", ("medication", "ondansetron"))
    b.line("Allergies: no known drug allergies")
    anc = p.labs[1][2]
    b.line(
        f"Labs today: ANC {anc[-1]} x10^9/L, hemoglobin {p.labs[2][2][-1]} g/dL.",
        ("lab", anc[-1], {"test": "ANC"}),
        ("lab", p.labs[2][2][-1], {"test": "haemoglobin"}),
    )
    b.line("Assessment and plan:")
    b.line(
        f"Continue {p.meds[0][1]} and {p.meds[1][1]}. Repeat blood counts in two weeks.",
        ("medication", p.meds[0][0], {"status": "current"}),
        ("medication", p.meds[1][0], {"status": "current"}),
    )
    b.line(f"If the ANC falls below 1.0, hold {p.meds[0][1]} and recheck in one week.")
    b.line(
        f"She is scheduled for {p.planned[1]} next month.",
        ("procedure", p.planned[0], {"status": "planned"}),
    )
    return b.build()


def _labs(p: Patient) -> SyntheticDocument:
    b = _Builder(f"{p.key}-labs.pdf", "Lab results", "2024-09-29")
    dates = ["2024-09-01", "2024-09-15", "2024-09-29"]
    pipes = p.key != "her2pos"
    b.line("LABORATORY RESULTS - HEMATOLOGY")
    b.line(f"Patient: {p.name}   DOB: {p.dob}   Report date: 2024-09-29")
    if pipes:
        b.line("Test | " + " | ".join(dates) + " | Units | Reference range")
    else:
        b.line("Test " + " ".join(dates) + " Units Ref")
    for test, label, values, unit, rng in p.labs:
        cells = [v if v else "-" for v in values]
        facts = [
            ("lab", v, {"test": test, "_date": d}) for v, d in zip(values, dates, strict=True) if v
        ]
        if pipes:
            b.line(f"{label} | " + " | ".join(cells) + f" | {unit} | {rng}", *facts)
        else:
            b.line(f"{label} " + " ".join(cells) + f" {unit} {rng}", *facts)
    b.page()
    b.line("CLINICAL CHEMISTRY")
    b.line("Specimen collected: 2024-09-29 08:10")
    b.line("Test | Result | Unit | Reference | Flag")
    chem = [
        ("ALT", "ALT (SGPT)", "41", "U/L", "7-35", "H"),
        ("AST", "AST (SGOT)", "33", "U/L", "10-35", ""),
        ("bilirubin", "Total bilirubin", "0.6", "mg/dL", "0.2-1.2", ""),
        ("creatinine", "Creatinine", "0.82", "mg/dL", "0.50-1.10", ""),
        ("potassium", "Potassium", "4.1", "mmol/L", "3.5-5.1", ""),
        ("CA 15-3", "CA 15-3", "88", "U/mL", "<30", "H"),
    ]
    for test, label, value, unit, rng, flag in chem:
        b.line(
            f"{label} | {value} | {unit} | {rng} | {flag}",
            ("lab", value, {"test": test, "_date": "2024-09-29"}),
        )
    return b.build()


def _discharge(p: Patient) -> SyntheticDocument:
    b = _Builder(f"{p.key}-discharge.pdf", "Discharge summary", "2024-07-16")
    drug, frm, to, reason, _when = p.dose_change
    b.line("DISCHARGE SUMMARY")
    b.line("Admission date: 07/12/2024    Discharge date: 07/16/2024")
    b.line("Reason for admission: fever and low blood counts")
    b.line("Hospital course:")
    b.line(
        "She was admitted with a temperature of 38.6 C and an absolute neutrophil count of "
        "0.3 x10^9/L on 07/12/2024.",
        ("lab", "0.3", {"test": "ANC", "_date": "2024-07-12"}),
    )
    b.line(
        f"{drug.capitalize()} was held and filgrastim 300 mcg SC daily was given for three days.",
        ("medication", drug),
        ("medication", "filgrastim"),
    )
    b.line(
        "Her ANC recovered to 1.9 on 07/16/2024 and she was discharged home.",
        ("lab", "1.9", {"test": "ANC", "_date": "2024-07-16"}),
    )
    b.line(
        f"The {drug} dose was reduced from {frm} to {to} because of {reason}.",
        ("dose_change", drug, {"from": frm, "to": to}),
        ("medication", drug, {"status": "current"}),
    )
    b.line("Discharge medications:")
    for generic, written, dose in p.meds:
        dose = to if generic == drug else dose
        b.line(f"{written.capitalize()} {dose}", ("medication", generic, {"status": "current"}))
    b.line("Follow-up: oncology clinic in one week with a blood count.")
    return b.build()


def _genetics(p: Patient) -> SyntheticDocument:
    b = _Builder(f"{p.key}-genetics.pdf", "Genetics report", "2021-05-04")
    b.line("CANCER GENETICS LABORATORY")
    b.line("Hereditary Cancer Panel - Germline Genetic Test Report")
    b.line(f"Patient: {p.name}    Date of birth: {p.dob}")
    b.line("Specimen: peripheral blood    Report date: 4 May 2021")
    b.line("Genes analyzed: ATM, BARD1, BRCA1, BRCA2, CDH1, CHEK2, PALB2, PTEN, RAD51C,")
    b.line("RAD51D, STK11, TP53")
    if p.germline:
        b.line("Gene | Variant | Protein | Classification")
        for gene, result, variant in p.germline:
            label = {"pathogenic variant": "Pathogenic"}.get(
                result, "Variant of uncertain significance"
            )
            b.line(
                f"{gene} | {variant} | {_PROTEIN.get(variant, '-')} | {label}",
                ("gene", gene, {"origin": "germline", "result": result, "variant": variant}),
            )
    if p.germline_negative:
        listed = ", ".join(p.germline_negative)
        b.line(
            f"No pathogenic variants were detected in {listed}.",
            *[
                ("gene", g, {"origin": "germline", "result": "no variant detected"})
                for g in p.germline_negative
            ],
        )
    b.line("Cascade testing is recommended for first-degree relatives.")
    b.line("Genetic counselling has been offered to the patient.")
    return b.build()


def _radiology(p: Patient) -> SyntheticDocument:
    b = _Builder(f"{p.key}-radiology.pdf", "Radiology report", "2024-09-30")
    b.line("RADIOLOGY REPORT")
    b.line("Exam: CT chest, abdomen and pelvis with contrast")
    b.line("Exam date: 09/30/2024    Comparison: 2024-06-28")
    b.line(
        f"Clinical history: metastatic breast cancer, on {p.meds[0][1]} and {p.meds[1][1]}.",
        ("medication", p.meds[0][0], {"status": "current"}),
        ("medication", p.meds[1][0], {"status": "current"}),
    )
    b.line("Findings:")
    for site, sentence in p.sites:
        b.line(sentence, ("metastatic_site", site))
    for sentence in p.negated_sites:
        b.line(sentence)
    b.line("Impression:")
    b.line(
        f"1. Metastatic disease involving the {p.sites[0][1].split(':')[0].lower()}.",
        ("metastatic_site", p.sites[0][0]),
    )
    b.line("2. No new sites of disease.")
    return b.build()


def _messy(p: Patient) -> SyntheticDocument:
    b = _Builder(f"{p.key}-fax.pdf", "Clinic note", "2024-08-22")
    er_status, er_pct, _ = p.er
    generic, written, dose = p.meds[0]
    b.line("FAX   -   onc   follow up   note")
    b.line("date of service :\t22.08.2024")
    b.line(
        f"pt  is a  {p.age} y/o   {p.meno.upper()}  female  w/  metastatic   breast ca  to  the",
        ("menopausal_status", p.meno),
    )
    b.line(f"{p.sites[0][0]} .", ("metastatic_site", p.sites[0][0]))
    er_word = "POSITIVE" if er_status != "negative" else "NEGATIVE"
    b.line(
        f"Estrogen   receptor\t{er_word.lower()}   ( {er_pct} % )  ,",
        ("er_status", er_status),
        ("er_percent", er_pct),
    )
    b.line(f"her2  IHC   {p.her2_ihc}  ,", ("her2_ihc", p.her2_ihc))
    b.facts.append(GoldFact("her2_category", _category(p.her2_ihc, None), 1, b.date))
    b.line(
        f"currently   on   {written.upper()}   {dose.split(',')[0]}",
        ("medication", generic, {"status": "current"}),
    )
    anc, hb = p.labs[1][2][0], p.labs[2][2][0]
    b.line(
        f"ANC  {anc}\t hgb   {hb}",
        ("lab", anc, {"test": "ANC"}),
        ("lab", hb, {"test": "haemoglobin"}),
    )
    b.line("plan :  cont  same  ,  rpt  labs  2 wk")
    return b.build()


def _category(ihc: str, ish: str | None) -> str:
    if ihc == "3+" or ish == "amplified":
        return "positive"
    if ihc == "2+":
        return "low" if ish == "not amplified" else "equivocal (ISH result needed)"
    return "low" if ihc == "1+" else "zero"


def _conflict(p: Patient) -> SyntheticDocument:
    (er_status, er_pct, er_int), ihc, ish, category = p.conflict
    b = _Builder(f"{p.key}-pathology-review.pdf", "Pathology report", "2024-06-02")
    b.line("PATHOLOGY REPORT - SECOND OPINION REVIEW")
    b.line("Date reported: 02 Jun 2024")
    b.line(
        f"Specimen: {p.sites[0][0]}, core needle biopsy",
        ("procedure", "core needle biopsy", {"status": "done"}),
    )
    b.line(
        f"Diagnosis: metastatic carcinoma involving the {p.sites[0][0]}, consistent with a "
        "breast primary.",
        ("metastatic_site", p.sites[0][0]),
    )
    er_facts: list[tuple] = [("er_status", er_status), ("er_percent", er_pct)]
    if er_int:
        er_facts.append(("er_intensity", er_int))
    if er_int:
        b.line(f"ER: {er_pct}% positive, {er_int} intensity", *er_facts)
    else:
        b.line(f"ER: {er_pct}% ({er_status})", *er_facts)
    b.line(f"HER2 (IHC): score {ihc}", ("her2_ihc", ihc))
    if ish:
        b.line(f"HER2 ISH: {ish}", ("her2_ish", ish))
    b.facts.append(GoldFact("her2_category", category, 1, b.date))
    b.page()
    b.line("ADDENDUM")
    b.line("HER2 was repeated on block B: IHC 0 with no membrane staining.", ("her2_ihc", "0"))
    b.facts.append(GoldFact("her2_category", "zero", 2, b.date))
    return b.build()


_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_PROTEIN = {"c.68_69delAG": "p.Glu23ValfsTer17", "c.470T>C": "p.Ile157Thr"}

_LABS_A = [
    ("WBC", "WBC", ["4.1", "2.3", "3.9"], "x10^9/L", "4.0-11.0"),
    ("ANC", "Neutrophils, absolute", ["2.1", "0.8", "1.6"], "x10^9/L", "1.5-8.0"),
    ("haemoglobin", "Hemoglobin", ["11.8", "11.1", "11.4"], "g/dL", "12.0-16.0"),
    ("platelets", "Platelets", ["210", "", "182"], "x10^9/L", "150-400"),
]


def scenarios() -> list[Scenario]:
    """The synthetic patients, each with its eight documents and their gold facts."""
    patients = [
        Patient(
            key="her2low",
            name="Anna Example",
            dob="1966-03-14",
            age=58,
            side="left",
            histology=("invasive ductal carcinoma", "Invasive ductal carcinoma"),
            grade="2",
            er=("positive", "95", "strong"),
            pr=("positive", "40", "moderate"),
            her2_ihc="2+",
            her2_ish="not amplified",
            her2_category="low",
            ki67="20",
            tnm="pT2 pN1a M0",
            stage="IIB",
            meno="postmenopausal",
            sites=[
                (
                    "liver",
                    "Liver: multiple hypodense lesions, the largest 2.1 cm, consistent with "
                    "metastases.",
                ),
                (
                    "bone",
                    "Bones: sclerotic lesions in the T8 vertebral body, consistent with "
                    "osseous metastatic disease, stable.",
                ),
            ],
            negated_sites=[
                "Lungs: no pulmonary nodules. No evidence of pulmonary metastatic disease.",
                "Brain: not imaged. Pleura: no effusion.",
            ],
            meds=[
                ("ribociclib", "Kisqali", "600 mg daily, 21 days on 7 off"),
                ("letrozole", "letrozole", "2.5 mg daily"),
                ("denosumab", "Xgeva", "120 mg SC every 4 weeks"),
            ],
            start=("2024-03-04", "2024-03-04"),
            dose_change=("ribociclib", "600 mg", "400 mg", "grade 3 neutropenia", "2024-07-16"),
            germline=[],
            germline_negative=["BRCA1", "BRCA2", "PALB2", "CHEK2", "ATM", "TP53"],
            tumour_gene=("PIK3CA", "mutation detected", "H1047R"),
            surgery=("lumpectomy", "lumpectomy"),
            planned=("port placement", "port placement"),
            conflict=(("positive", "80", "moderate"), "1+", None, "low"),
            labs=_LABS_A,
        ),
        Patient(
            key="her2pos",
            name="Beth Sample",
            dob="1979-11-02",
            age=44,
            side="right",
            histology=("invasive ductal carcinoma", "Invasive ductal carcinoma, NST"),
            grade="3",
            er=("negative", "0", ""),
            pr=("negative", "0", ""),
            her2_ihc="3+",
            her2_ish="amplified",
            her2_category="positive",
            ki67="40",
            tnm="pT2 pN2a M0",
            stage="IIIA",
            meno="premenopausal",
            sites=[
                (
                    "brain",
                    "Brain: two enhancing lesions in the left cerebellum, consistent "
                    "with brain metastases.",
                ),
                ("lung", "Lungs: several new pulmonary nodules, in keeping with lung metastases."),
            ],
            negated_sites=[
                "Liver: normal. No evidence of hepatic metastases.",
                "Bones: negative for osseous metastatic disease.",
                "Mediastinal lymph nodes are mildly enlarged, indeterminate, metastasis "
                "cannot be excluded.",
            ],
            meds=[
                ("trastuzumab", "Herceptin", "6 mg/kg IV every 3 weeks"),
                ("pertuzumab", "Perjeta", "420 mg IV every 3 weeks"),
                ("goserelin", "Zoladex", "3.6 mg SC every 4 weeks"),
            ],
            start=("2024-01-09", "01/09/2024"),
            dose_change=("docetaxel", "75 mg/m2", "60 mg/m2", "grade 3 diarrhea", "2024-02-20"),
            germline=[("CHEK2", "variant of uncertain significance", "c.470T>C")],
            germline_negative=["BRCA1", "BRCA2", "PALB2"],
            tumour_gene=None,
            surgery=("mastectomy", "right mastectomy"),
            planned=("breast reconstruction", "breast reconstruction"),
            conflict=(("low positive", "5", "weak"), "2+", "amplified", "positive"),
            labs=[
                ("WBC", "WBC", ["5.2", "3.1", "4.4"], "10^9/L", "4.0-11.0"),
                ("ANC", "ANC", ["3.0", "1.2", "2.2"], "10^9/L", "1.5-8.0"),
                ("haemoglobin", "Hb", ["12.9", "12.2", "12.5"], "g/dL", "12.0-16.0"),
                ("platelets", "PLT", ["250", "231", ""], "10^9/L", "150-400"),
            ],
        ),
        Patient(
            key="tnbc",
            name="Cara Placeholder",
            dob="1986-07-21",
            age=38,
            side="left",
            histology=("metaplastic carcinoma", "Metaplastic carcinoma"),
            grade="3",
            er=("negative", "0", ""),
            pr=("negative", "0", ""),
            her2_ihc="0",
            her2_ish=None,
            her2_category="zero",
            ki67="70",
            tnm="pT2 pN0 M0",
            stage="IIA",
            meno="premenopausal",
            sites=[
                ("lung", "Lungs: multiple bilateral pulmonary nodules consistent with metastases."),
                (
                    "pleura",
                    "Pleura: right pleural thickening with nodularity, in keeping with "
                    "pleural metastases.",
                ),
                (
                    "distant lymph nodes",
                    "Nodes: enlarged supraclavicular lymph nodes, "
                    "biopsy-proven metastatic carcinoma.",
                ),
            ],
            negated_sites=[
                "Liver: no focal lesion. No liver metastases.",
                "No evidence of osseous metastatic disease.",
            ],
            meds=[
                ("pembrolizumab", "Keytruda", "200 mg IV every 3 weeks"),
                ("carboplatin", "carboplatin", "AUC 5 every 3 weeks"),
                ("pegfilgrastim", "Neulasta", "6 mg SC"),
            ],
            start=("2024-05-06", "6 May 2024"),
            dose_change=("carboplatin", "AUC 5", "AUC 4", "grade 3 thrombocytopenia", "2024-07-16"),
            germline=[("BRCA1", "pathogenic variant", "c.68_69delAG")],
            germline_negative=[],
            tumour_gene=None,
            surgery=("double mastectomy", "bilateral mastectomy"),
            planned=("oophorectomy", "risk-reducing bilateral salpingo-oophorectomy"),
            conflict=(("negative", "0", ""), "1+", None, "low"),
            labs=[
                ("WBC", "White blood cells", ["6.0", "2.9", "3.8"], "x10^9/L", "4.0-11.0"),
                ("ANC", "Absolute neutrophil count", ["3.9", "1.1", "1.9"], "x10^9/L", "1.5-8.0"),
                ("haemoglobin", "Haemoglobin", ["10.9", "9.7", "10.2"], "g/dL", "12.0-16.0"),
                ("platelets", "Platelet count", ["190", "88", "121"], "x10^9/L", "150-400"),
            ],
        ),
    ]
    out = []
    for p in patients:
        docs = [
            _pathology(p),
            _clinic(p),
            _labs(p),
            _discharge(p),
            _genetics(p),
            _radiology(p),
            _messy(p),
            _conflict(p),
        ]
        if p.tumour_gene:
            docs.append(_tumour_profile(p))
        out.append(Scenario(p.key, docs))
    return out


def _tumour_profile(p: Patient) -> SyntheticDocument:
    assert p.tumour_gene is not None
    gene, result, variant = p.tumour_gene
    b = _Builder(f"{p.key}-ctdna.pdf", "Genetics report", "2024-09-10")
    b.line("LIQUID BIOPSY - CIRCULATING TUMOUR DNA (ctDNA) GENOMIC REPORT")
    b.line("Collection date: September 10, 2024")
    b.line(
        f"{gene} {variant} mutation detected (variant allele fraction 4.2%).",
        ("gene", gene, {"origin": "tumour", "result": result, "variant": variant}),
    )
    b.line(
        "ESR1: not detected",
        ("gene", "ESR1", {"origin": "tumour", "result": "no variant detected"}),
    )
    b.line(
        "AKT1: not detected",
        ("gene", "AKT1", {"origin": "tumour", "result": "no variant detected"}),
    )
    b.line(
        "Therapy options for this alteration include capivasertib or alpelisib with fulvestrant."
    )
    return b.build()


def write_pdf(doc: SyntheticDocument, path: Path, compress: bool = True) -> Path:
    """The document as a PDF (fpdf2 core font: latin-1 text only), one page per page."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_compression(compress)
    pdf.set_font("Helvetica", size=10)
    for page in doc.pages:
        pdf.add_page()
        for line in page.split("\n"):
            pdf.multi_cell(0, 5, line.replace("\t", "    "), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def write_text(doc: SyntheticDocument, path: Path) -> Path:
    """The document as plain text, pages separated by form feeds."""
    path.write_text("\f".join(doc.pages), encoding="utf-8")
    return path


_DATED = ("lab", "medication")


def _matches(
    gold: GoldFact, fact_field: str, value: str, date: str | None, test: str | None
) -> bool:
    if (gold.field, gold.value) != (fact_field, value):
        return False
    if gold.field in _DATED and gold.date is not None and gold.date != date:
        return False
    return gold.field != "lab" or gold.details.get("test") == test


@dataclass
class Score:
    """Matches of extracted facts against gold, per field and overall (micro-averaged)."""

    true_positive: dict[str, int] = field(default_factory=dict)
    predicted: dict[str, int] = field(default_factory=dict)
    gold: dict[str, int] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    spurious: list[tuple[str, str, str]] = field(default_factory=list)

    def precision(self, name: str | None = None) -> float:
        tp = sum(self.true_positive.values()) if name is None else self.true_positive.get(name, 0)
        n = sum(self.predicted.values()) if name is None else self.predicted.get(name, 0)
        return tp / n if n else 1.0

    def recall(self, name: str | None = None) -> float:
        hit = sum(self.found.values()) if name is None else self.found.get(name, 0)
        n = sum(self.gold.values()) if name is None else self.gold.get(name, 0)
        return hit / n if n else 1.0


def score(documents: list[SyntheticDocument], facts: list) -> Score:
    """Compare extracted facts (``Fact``s whose evidence names the document) with the gold:
    a fact matches on document, field and value, plus the date for labs and medications
    when the gold has one, plus the test for labs. Repeats count once per document."""
    out = Score()
    by_doc: dict[str, set[tuple]] = {}
    for f in facts:
        by_doc.setdefault(f.evidence.document, set()).add(
            (f.field, f.value, f.date, f.details.get("test") if f.field == "lab" else None)
        )
    for doc in documents:
        predicted = by_doc.get(doc.name, set())
        gold = {(g.field, g.value, g.date, g.details.get("test")): g for g in doc.facts}
        for _key, g in gold.items():
            out.gold[g.field] = out.gold.get(g.field, 0) + 1
            if any(_matches(g, *p) for p in predicted):
                out.found[g.field] = out.found.get(g.field, 0) + 1
            else:
                out.missed.append((doc.name, g.field, g.value + (f" @{g.date}" if g.date else "")))
        for p in predicted:
            out.predicted[p[0]] = out.predicted.get(p[0], 0) + 1
            if any(_matches(g, *p) for g in gold.values()):
                out.true_positive[p[0]] = out.true_positive.get(p[0], 0) + 1
            else:
                out.spurious.append((doc.name, p[0], p[1] + (f" @{p[2]}" if p[2] else "")))
    return out
