"""Vocabularies for profile extraction: drug names (from the installed packs' drug table,
``vocabulary.toml``: brands and other names mapped to generics, regimen abbreviations to their
drugs), lab tests and their synonyms, metastatic sites, genes and procedures. Canonical values
here are what the extracted facts carry. The drug pattern is compiled on first use."""

from __future__ import annotations

import functools
import re
from typing import Any, cast

from desktop.core.packdata.packs import installed


def _alternation(names: list[str]) -> str:
    ordered = sorted(set(names), key=len, reverse=True)
    return "|".join(
        re.escape(n).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?") for n in ordered
    )


# calcium with vitamin D written as a combination: "calcium carbonate + vitamin D3",
# "calcium carbonate/colecalciferol", "calcium citrate with vit D"
_CALCIUM_D = (
    r"calcium(?:\s+(?:carbonate|citrate))?\s*(?:\+|/|&|\band\b|\bwith\b|\bplus\b)\s*"
    r"(?:vitamin\s*D3?|vit\.?\s*D3?|cole?calciferol|cholecalciferol)"
)
CALCIUM_AND_D = "calcium and vitamin D"
_NOTHING = "(?!)"  # an alternation of no names matches nothing


@functools.cache
def _drug_re() -> re.Pattern[str]:
    vocabulary = installed().vocabulary
    names = _alternation(list(vocabulary.record_names)) or _NOTHING
    regimens = _alternation(list(vocabulary.regimens)) or _NOTHING
    return re.compile(
        rf"(?<![\w-])(?:(?P<combo>(?i:{_CALCIUM_D}))|(?P<drug>(?i:{names}))"
        rf"|(?P<regimen>{regimens}))(?:-[a-z]{{4}})?(?![\w-])"
    )


@functools.cache
def _drug_keys() -> dict[str, tuple[str, ...]]:
    """A drug name with spaces and hyphens taken out -> the generic name(s) it stands for."""
    vocabulary = installed().vocabulary
    out: dict[str, tuple[str, ...]] = {}
    for name, generic in vocabulary.record_names.items():
        drug = vocabulary.drug(generic)
        out[re.sub(r"[\s-]+", "", name)] = drug.combines if drug and drug.combines else (generic,)
    return out


class _LazyPattern:
    """Stands for the compiled drug pattern, built from the packs' data on first use."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_drug_re(), name)


DRUG_RE = cast("re.Pattern[str]", _LazyPattern())


def drug_generics(match: re.Match[str]) -> tuple[str, ...]:
    """The generic names a ``DRUG_RE`` match stands for."""
    if match.group("regimen"):
        return installed().vocabulary.regimens[match.group("regimen")]
    if match.group("combo"):
        return (CALCIUM_AND_D,)
    return _drug_keys()[re.sub(r"[\s-]+", "", match.group("drug").lower())]


# canonical lab test -> pattern (abbreviations case-sensitive, names case-insensitive)
LAB_TESTS: tuple[tuple[str, str], ...] = (
    ("HbA1c", r"(?i:hb\s?a1c|hemoglobin a1c|haemoglobin a1c|glycated ha?emoglobin)|A1[cC]"),
    (
        "ANC",
        r"(?i:ANC)|(?i:absolute neutrophil count|absolute neutrophils?|"
        r"neutrophils?,? abs(?:olute)?\.?|abs(?:olute)?\.? neutrophils?|neutrophil count)|"
        r"NEUT#|Neut #|Neut abs",
    ),
    ("neutrophils", r"(?i:neutrophils?|neuts?|segs)"),
    (
        "WBC",
        r"(?i:WBC)|(?i:white blood cells?(?: count)?|white (?:cell )?count|leu[kc]ocytes?"
        r"(?: count)?|white blood count)",
    ),
    ("haemoglobin", r"(?i:hgb|hb|ha?emoglobin)"),
    ("platelets", r"(?i:plts?|platelets?(?: count)?)"),
    (
        "ALT",
        r"(?i:ALT)(?:\s*\(SGPT\))?|SGPT|"
        r"(?i:alanine (?:amino)?transaminase|alanine aminotransferase)",
    ),
    (
        "AST",
        r"(?i:AST)(?:\s*\(SGOT\))?|SGOT|"
        r"(?i:aspartate (?:amino)?transaminase|aspartate aminotransferase)",
    ),
    (
        "bilirubin",
        r"(?i:total bilirubin|bilirubin,? total|bilirubin|t\.? ?bili)|TBIL|T\. bili",
    ),
    ("creatinine", r"(?i:creatinine(?! clearance)|creat)|Cr|SCr"),
    ("ALP", r"(?i:ALP)|(?i:alkaline phosphatase|alk\.? phos)"),
    ("lymphocytes", r"ALC|(?i:absolute lymphocyte count|lymphocytes?|lymphs)"),
    ("glucose", r"(?i:fasting glucose|blood glucose|glucose|blood sugar)|FBG"),
    ("potassium", r"(?i:potassium)|K\+?(?=\s*[:|]?\s*\d)"),
    ("sodium", r"(?i:sodium)|Na\+?(?=\s*[:|]?\s*\d)"),
    ("CA 15-3", r"(?i:CA\s?15[-.]3|cancer antigen 15-3)"),
    ("CA 27-29", r"(?i:CA\s?27[-.]29)"),
    (
        "calcium",
        r"(?i:corrected calcium|adj(?:usted|\.)? ca(?:lcium)?\b|calcium(?:,? corrected)?)|"
        r"Ca(?=\s*[:|]?\s*\d)(?!\s*1[25])",
    ),
    ("eGFR", r"eGFR|(?i:estimated GFR)|GFR"),
    ("CEA", r"CEA|(?i:carcinoembryonic antigen)"),
    ("QTc", r"QTcF?|QTc\s*\(Fridericia\)|(?i:corrected QT(?: interval)?)"),
    ("albumin", r"(?i:albumin)"),
    ("magnesium", r"(?i:magnesium)|Mg(?=\s*[:|]?\s*\d)"),
    ("oestradiol", r"(?i:o?estradiol)|E2(?=\s*[:|]?\s*\d)"),
    ("CRP", r"CRP|(?i:C[\s-]reactive protein)"),
    ("urea", r"(?i:urea)(?!\s*(?:\d+(?:\.\d+)?\s*%|cream))|BUN"),
    ("LDH", r"LDH|(?i:lactate dehydrogenase)"),
    ("MCV", r"MCV"),
    ("RBC", r"RBC|(?i:red (?:blood )?cell count)"),
    ("haematocrit", r"HCT|Hct|(?i:ha?ematocrit)"),
    ("cholesterol", r"(?i:total cholesterol|cholesterol)"),
    ("triglycerides", r"(?i:triglycerides?)"),
    ("vitamin D", r"(?i:(?:25[\s-]?(?:OH|hydroxy)\s*)?vitamin D|vit\.? D)"),
    ("phosphate", r"(?i:phosphate)"),
)
LAB_RE = re.compile(
    "(?<![A-Za-z0-9])(?:"
    + "|".join(f"(?P<t{i}>{pattern})" for i, (_, pattern) in enumerate(LAB_TESTS))
    + r")(?![A-Za-z0-9])"
)


def lab_test(match: re.Match[str]) -> str:
    for i, (name, _) in enumerate(LAB_TESTS):
        if match.group(f"t{i}") is not None:
            return name
    raise ValueError("not a lab match")


# metastatic site -> pattern
SITES: tuple[tuple[str, str], ...] = (
    (
        "bone",
        r"bones?|bony|osseous|skeletal|skeleton|spine|spinal|vertebra[el]?|vertebral bod(?:y|ies)|"
        r"ribs?|pelvis|pelvic bones?|sacrum|sacral|iliac|femur|femoral|sternum|sternal|"
        r"humerus|skull|calvari(?:um|al)",
    ),
    ("liver", r"liver|hepatic"),
    ("lung", r"lungs?|pulmonary"),
    ("brain", r"brain|cerebral|cerebellar|intracranial|cerebrum"),
    ("pleura", r"pleura|pleural"),
    ("peritoneum", r"peritoneum|peritoneal"),
    ("adrenal", r"adrenal(?: glands?)?"),
    ("leptomeninges", r"leptomeninges|leptomeningeal"),
    ("skin", r"skin|cutaneous|dermal"),
    ("ovary", r"ovary|ovaries|ovarian"),
    (
        "distant lymph nodes",
        r"(?:mediastinal|supraclavicular|hilar|retroperitoneal|cervical|para-?aortic|"
        r"abdominal|contralateral axillary|distant|internal mammary)\s+(?:lymph\s+)?"
        r"(?:nodes?|nodal|lymphadenopathy|adenopathy)",
    ),
)
NOT_A_SITE = re.compile(
    r"[\s-]*(?:function|enzymes?|tests?|panel|density|health|scan|protection|agents?|"
    r"modifying|marrow|window|profile|biopsy of|window|mass index|cancer screening|"
    r"function tests)\b",
    re.IGNORECASE,
)

GENES = (
    "BRCA1",
    "BRCA2",
    "PALB2",
    "CHEK2",
    "ATM",
    "TP53",
    "PTEN",
    "CDH1",
    "STK11",
    "NF1",
    "RAD51C",
    "RAD51D",
    "BARD1",
    "BRIP1",
    "MLH1",
    "MSH2",
    "MSH6",
    "PMS2",
    "EPCAM",
    "NBN",
    "PIK3CA",
    "ESR1",
    "AKT1",
    "ERBB2",
    # tumour-profiling genes (symbols that are not ordinary words)
    "FGFR1",
    "FGFR2",
    "FGFR3",
    "CCND1",
    "MYC",
    "GATA3",
    "MAP3K1",
    "KMT2C",
    "ARID1A",
    "RB1",
    "PIK3R1",
    "ERBB3",
    "CDK12",
    "MDM2",
    "BRAF",
    "KRAS",
    "NRAS",
    "EGFR",
    "NTRK1",
    "NTRK2",
    "NTRK3",
    "ROS1",
    "TSC1",
    "TSC2",
    "NOTCH1",
    "SF3B1",
)
TUMOUR_GENES = (
    "PIK3CA",
    "ESR1",
    "AKT1",
    "ERBB2",
    "FGFR1",
    "FGFR2",
    "FGFR3",
    "CCND1",
    "MYC",
    "GATA3",
    "MAP3K1",
    "KMT2C",
    "ARID1A",
    "PIK3R1",
    "ERBB3",
    "MDM2",
    "BRAF",
    "KRAS",
    "NRAS",
    "EGFR",
    "NTRK1",
    "NTRK2",
    "NTRK3",
    "ROS1",
    "NOTCH1",
    "SF3B1",
)

# canonical procedure -> pattern (order matters: the first that matches a span wins)
PROCEDURES: tuple[tuple[str, str], ...] = (
    (
        "double mastectomy",
        r"bilateral (?:\w+[\s-]+){0,2}mastectom(?:y|ies)|double mastectomy",
    ),
    (
        "lumpectomy",
        r"lumpectom(?:y|ies)|partial mastectomy|segmental mastectomy|wide local excision|"
        r"breast[\s-]conserving surgery|\bBCS\b|re-?excision",
    ),
    (
        "mastectomy",
        r"(?:(?:simple|total|modified radical|radical|skin[\s-]sparing|nipple[\s-]sparing)\s+)?"
        r"mastectomy",
    ),
    (
        "sentinel lymph node biopsy",
        r"sentinel (?:lymph )?node (?:biopsy|excision|mapping)|\bSLNB\b|\bSNB\b",
    ),
    (
        "axillary lymph node dissection",
        r"axillary (?:lymph )?node (?:dissection|clearance)|\bALND\b|"
        r"(?:level (?:I{1,3}|[1-3])(?:\s*(?:-|to|/|and)\s*(?:I{1,3}|[1-3]))? )?"
        r"axillary (?:clearance|dissection)",
    ),
    (
        "breast reconstruction",
        r"breast reconstruction|reconstructive surgery|(?:DIEP|TRAM|latissimus) flap|"
        r"tissue expanders?(?: placement)?|implant[\s-]based reconstruction|reconstruction",
    ),
    (
        "radiation therapy",
        r"radiation therapy|radiotherapy|(?:whole[\s-]breast|chest wall|partial breast|"
        r"adjuvant|palliative) (?:irradiation|radiation)|irradiation|\bXRT\b|\bSBRT\b|"
        r"stereotactic (?:radiosurgery|body radiotherapy|radiation)|\bSRS\b|"
        r"radiation(?! oncolog)(?! (?:induced|related|dermatitis|pneumonitis|fibrosis|recall))|"
        r"\b(?:PMRT|WBRT)\b|(?:adjuvant|palliative|post-?operative|whole[\s-]breast|"
        r"chest[\s-]wall|breast|locoregional|regional nodal|nodal|hypofractionated|boost)\s+"
        r"(?-i:RT)\b|(?-i:RT)\s+to\s+(?:the\s+)?(?:breast|chest wall|axilla|spine|brain|bone|"
        r"pelvis|hip|supraclavicular)",
    ),
    (
        "core needle biopsy",
        r"core (?:needle )?biops(?:y|ies)|(?:ultrasound|US|stereotactic|MRI)[\s-]guided "
        r"(?:core )?biopsy|vacuum[\s-]assisted biopsy",
    ),
    (
        "port placement",
        r"port(?:-a-cath)? (?:placement|insertion|was placed|placed)|portacath|port-a-cath|"
        r"mediport|central venous port|chemo(?:therapy)? port",
    ),
    (
        "oophorectomy",
        r"(?:bilateral )?(?:salpingo-?)?oophorectomy|\bBSO\b",
    ),
    ("fine needle aspiration", r"fine[\s-]needle aspiration|\bFNA\b"),
    ("thoracentesis", r"thoracentesis|pleural tap"),
)
