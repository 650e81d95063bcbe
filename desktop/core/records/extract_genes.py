"""Gene results from genetics and tumour-profiling text: the gene, whether the result is
germline or from the tumour, the classification and the variant when given. Family
members' results, tests only ordered or discussed, and gene lists without a result are not
the patient's results and are skipped."""

from __future__ import annotations

import re
from collections.abc import Iterator

from desktop.core.records.facts import (
    FAMILY,
    Fact,
    evidence,
    section_at,
    section_classes,
    sentences,
)
from desktop.core.records.vocabulary import GENES, TUMOUR_GENES

_GENE_RE = re.compile(
    r"(?<![A-Za-z0-9])g?(?P<gene>BRCA\s?1\s?(?:/|and|&)\s?2|BRCA\s?1/2|BRCA(?:1|2)?|"
    + "|".join(g for g in GENES if not g.startswith("BRCA"))
    + r")(?:m|mut)?(?![A-Za-z0-9])"
)
_RESULT = re.compile(
    r"(?P<vus>variants? of (?:uncertain|unknown|undetermined) (?:clinical )?significance|"
    r"\bVUS(?:es)?\b)"
    r"|(?P<lp>\blikely pathogenic\b|\blikely deleterious\b)"
    r"|(?P<neg>\bno (?:pathogenic |clinically significant |reportable |deleterious |likely "
    r"pathogenic )*(?:germline )?(?:variants?|mutations?|alterations?)\b(?:[\w\s,]{0,40}?"
    r"\b(?:detected|identified|found|reported))?|\bnegative\b(?: for (?:pathogenic )?"
    r"(?:variants?|mutations?))?|\bnot detected\b|\bnone detected\b|\bwild[\s-]?type\b|"
    r"\bno alterations?\b|\bnormal\b)"
    r"|(?P<path>\bpathogenic\b|\bdeleterious\b)"
    r"|(?P<carrier>\bcarrier\b|\bcarries\b)"
    r"|(?P<mut>\bmutations?\b|\bmutated\b|\bmutant\b|\bdetected\b|\bpositive\b|\bidentified\b|"
    r"\balterations?\b)",
    re.IGNORECASE,
)
_RESULT_VALUE = {
    "vus": "variant of uncertain significance",
    "lp": "likely pathogenic variant",
    "neg": "no variant detected",
    "path": "pathogenic variant",
    "carrier": "pathogenic variant",
    "mut": "mutation detected",
}
_VARIANT = re.compile(
    r"\bc\.[0-9*_+-]+[A-Za-z>0-9_]*[A-Za-z0-9]|\bp\.\(?[A-Z][a-z]{0,2}\d+[A-Za-z*]+\d*\)?|"
    r"(?<![A-Za-z0-9])[ARNDCQEGHILKMFPSTWYV]\d{2,4}(?:[ARNDCQEGHILKMFPSTWYV*]|fs|del)(?![A-Za-z0-9])"
)
_HEDGE = re.compile(
    r"\b(?:if|whether|would|could|candidate|eligible|eligibility|consider|considering|"
    r"recommend|recommended|offered|ordered|pending|awaited|awaiting|sent|will|referral|"
    r"referred|discussed|to test|screen for)\b",
    re.IGNORECASE,
)
_GERMLINE = re.compile(
    r"\b(?:germline|hereditary|inherited|genetic counsel\w*|cancer genetics|blood sample|"
    r"saliva|buccal|constitutional|carrier)\b|\bgBRCA",
    re.IGNORECASE,
)
_TUMOUR = re.compile(
    r"\b(?:tumou?r|somatic|ctDNA|cell-free DNA|cfDNA|liquid biopsy|circulating tumou?r|"
    r"NGS of (?:the )?tumou?r|tissue|acquired|FoundationOne|Guardant\w*|Tempus)\b",
    re.IGNORECASE,
)


# a negation in the same clause before a result word turns it around: "did not find a
# (pathogenic) variant in BRCA1 or BRCA2" is a negative result, not six positive ones
_NEGATED = re.compile(
    r"\b(?:not|no|never|without|neither|nor|didn't|did\s+not|cannot)\b[^,;:.()]*?\(?$|"
    r"\b(?:not|no|never|without|didn't)\b[^,;:.]{0,40}$",
    re.IGNORECASE,
)


def _negated(sentence: str, result_start: int) -> bool:
    before = sentence[max(0, result_start - 60) : result_start]
    return bool(_NEGATED.search(before))


def _genes(token: str) -> tuple[str, ...]:
    token = token.replace(" ", "")
    if token in ("BRCA", "BRCA1/2", "BRCA1and2", "BRCA1&2"):
        return ("BRCA1", "BRCA2")
    return (token,)


def _origin(sentence: str, page_text: str, gene: str) -> str | None:
    if _TUMOUR.search(sentence) and not _GERMLINE.search(sentence):
        return "tumour"
    if _GERMLINE.search(sentence) and not _TUMOUR.search(sentence):
        return "germline"
    germline, tumour = len(_GERMLINE.findall(page_text)), len(_TUMOUR.findall(page_text))
    if gene in TUMOUR_GENES:
        return "tumour" if tumour or not germline else "germline"
    if germline > tumour:
        return "germline"
    if tumour > germline:
        return "tumour"
    return None


_COPY_NUMBER = re.compile(
    r"\b(?:amplification|amplified|deletion|deleted|homozygous loss|fusion|rearrangement)\b",
    re.IGNORECASE,
)
# a heading-like line (no gene at its start) that says what the rows under it are
_ROW_HEADING = (
    (re.compile(r"uncertain|unknown significance|\bVUS", re.IGNORECASE), "vus"),
    (
        re.compile(r"\bno\b|\bnot\b|negative|without|none|wild[\s-]?type", re.IGNORECASE),
        None,
    ),
    (re.compile(r"likely pathogenic", re.IGNORECASE), "lp"),
    (re.compile(r"\bpathogenic", re.IGNORECASE), "path"),
    (
        re.compile(
            r"findings|alterations?|variants?|mutations?|results|detected|identified",
            re.IGNORECASE,
        ),
        "mut",
    ),
)


def _heading_kind(heading: str) -> str | None:
    for pattern, kind in _ROW_HEADING:
        if pattern.search(heading):
            return kind
    return None


def _row_kind(flat: str, line_start: int) -> str | None:
    """What the rows under the nearest heading-like line above ``line_start`` report."""
    lines = flat[:line_start].split("\n")[:-1]
    for line in reversed(lines):
        stripped = line.strip().lstrip("|").strip()
        if not stripped or _GENE_RE.match(stripped):
            continue
        if ("|" in stripped and not _RESULT.search(stripped)) or re.match(
            r"genes?\s*(?:\||\s{2,}|\t)", stripped, re.IGNORECASE
        ):
            continue  # a column header row ("Gene | Alteration | VAF", "Gene   Protein   VAF")
        return _heading_kind(stripped)
    return None


def _table_rows(doc: str, page: int, text: str, flat: str) -> Iterator[Fact]:
    """Profiling-report rows with a gene, a variant (or a copy-number change) and no result
    word ("PIK3CA | H1047R | c.3140A>G | 23%", "BRCA2 V2109I; NF1 D176E"): the result comes
    from the heading above the rows; without a heading that says what they are, nothing."""
    offset = 0
    for whole in flat.split("\n"):
        line_start = offset
        offset += len(whole) + 1
        line, kind = whole, None
        inline = re.match(r"([^:;]{3,60}):[ \t]*(?=\S)", whole)
        if inline and not _GENE_RE.search(inline.group(1)):
            # "Variants of uncertain significance: MAP3K1 S939C; KMT2C R1452W"
            kind = _heading_kind(inline.group(1))
            if kind is None:
                continue
            line = " " * inline.end() + whole[inline.end() :]
        if (_RESULT.search(line) and kind is None) or _HEDGE.search(whole) or FAMILY.search(whole):
            continue
        pos = 0
        for part in line.split(";"):
            part_start = line_start + pos
            pos += len(part) + 1
            lead = len(part) - len(part.lstrip(" |\t-•*"))
            m = _GENE_RE.match(part, lead)
            if not m or _genes(m.group("gene")) == ("BRCA1", "BRCA2"):
                continue
            variant = _VARIANT.search(part, m.end())
            copy = _COPY_NUMBER.search(part, m.end())
            if not variant and not copy:
                continue
            if _RESULT.search(part):
                continue  # a row with its own result is read as a sentence
            kind = kind or _row_kind(flat, line_start)
            if kind is None:
                continue
            details = {"result": _RESULT_VALUE[kind]}
            if kind == "mut" and copy and not variant:
                details["result"] = copy.group(0).lower()
            gene = _genes(m.group("gene"))[0]
            origin = _origin(part, flat, gene)
            if origin:
                details["origin"] = origin
            if variant:
                details["variant"] = variant.group(0)
            start, end = part_start + m.start(), part_start + m.end()
            yield Fact("gene", gene, evidence(doc, page, text, start, end), details=details)


def genes(doc: str, page: int, text: str, flat: str) -> Iterator[Fact]:
    yield from _table_rows(doc, page, text, flat)
    sections = section_classes(flat)
    for s_start, s_end in sentences(flat):
        sentence = flat[s_start:s_end]
        if FAMILY.search(sentence) or section_at(sections, s_start) == "family":
            continue
        if _HEDGE.search(sentence):
            continue
        mentions = list(_GENE_RE.finditer(sentence))
        if not mentions:
            continue
        results = [r for r in _RESULT.finditer(sentence) if not _GENE_RE.fullmatch(r.group(0))]
        if not results:
            continue
        for i, m in enumerate(mentions):
            nearest = min(
                results,
                key=lambda r, m=m: (
                    m.start() - r.end() if r.end() <= m.start() else r.start() - m.end(),
                    r.start() > m.start(),
                ),
            )
            kind = nearest.lastgroup or "mut"
            if kind != "neg" and _negated(sentence, nearest.start()):
                kind = "neg"
            value = _RESULT_VALUE[kind]
            bare = m.group("gene").replace(" ", "") == "BRCA"
            if bare and value != "no variant detected":
                continue  # "BRCA mutation" does not say which gene
            if m.group("gene") == "ERBB2" and kind == "mut" and "mutat" not in sentence.lower():
                continue  # ERBB2 amplification or "positive" is HER2 status, not a mutation
            stop = mentions[i + 1].start() if i + 1 < len(mentions) else len(sentence)
            variant = _VARIANT.search(sentence, m.end(), stop)
            start, end = s_start + m.start(), s_start + m.end()
            for gene in _genes(m.group("gene")):
                details = {"result": value}
                origin = _origin(sentence, flat, gene)
                if origin:
                    details["origin"] = origin
                if variant and value != "no variant detected":
                    details["variant"] = variant.group(0)
                yield Fact("gene", gene, evidence(doc, page, text, start, end), details=details)
