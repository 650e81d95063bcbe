"""Gene results from genetics and tumour-profiling text: the gene, whether the result is
germline or from the tumour, the classification and the variant when given. Family
members' results, tests only ordered or discussed, and gene lists without a result are not
the patient's results and are skipped."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from desktop.core.records.facts import (
    FAMILY,
    Fact,
    Page,
    lines,
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


class _Origins:
    """Whether a result is germline or from the tumour: the sentence's wording, else the
    page's (its germline and tumour words counted once per page, not once per mention)."""

    def __init__(self, page_text: str) -> None:
        self._page_text = page_text
        self._counts: tuple[int, int] | None = None
        self._sentence: tuple[str, bool, bool] | None = None

    def of(self, sentence: str, gene: str) -> str | None:
        if self._sentence is None or self._sentence[0] is not sentence:
            self._sentence = (
                sentence,
                bool(_TUMOUR.search(sentence)),
                bool(_GERMLINE.search(sentence)),
            )
        _, in_tumour, in_germline = self._sentence
        if in_tumour and not in_germline:
            return "tumour"
        if in_germline and not in_tumour:
            return "germline"
        if self._counts is None:
            self._counts = (
                len(_GERMLINE.findall(self._page_text)),
                len(_TUMOUR.findall(self._page_text)),
            )
        germline, tumour = self._counts
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


def _row_heading(line: str) -> str | None:
    """The line, stripped, if it can head the rows under it: not blank, not a gene row and
    not a column header row ("Gene | Alteration | VAF", "Gene   Protein   VAF")."""
    stripped = line.strip().lstrip("|").strip()
    if not stripped or _GENE_RE.match(stripped):
        return None
    if ("|" in stripped and not _RESULT.search(stripped)) or re.match(
        r"genes?\s*(?:\||\s{2,}|\t)", stripped, re.IGNORECASE
    ):
        return None
    return stripped


def _inline_heading(line: str) -> tuple[str, str | None] | None:
    """The line to read for gene rows and the result kind its own heading gives: a leading
    heading that is not a gene ("Variants of uncertain significance: MAP3K1 S939C") is
    blanked and says what the rows after it are (None when it says nothing: skip the line);
    without one, the whole line and no kind."""
    inline = re.match(r"([^:;]{3,60}):[ \t]*(?=\S)", line)
    if not inline or _GENE_RE.search(inline.group(1)):
        return line, None
    kind = _heading_kind(inline.group(1))
    if kind is None:
        return None
    return " " * inline.end() + line[inline.end() :], kind


def _row_fact(
    page: Page, part_start: int, part: str, kind: str | None, origins: _Origins
) -> Fact | None:
    """The gene result of one row (or one ";"-separated part of it): a gene at its start, a
    variant or copy-number change after it and no result word of its own (such a row is
    read as a sentence); ``kind`` is what its heading says."""
    lead = len(part) - len(part.lstrip(" |\t-•*"))
    m = _GENE_RE.match(part, lead)
    if not m or _genes(m.group("gene")) == ("BRCA1", "BRCA2"):
        return None
    variant = _VARIANT.search(part, m.end())
    copy = _COPY_NUMBER.search(part, m.end())
    if (not variant and not copy) or _RESULT.search(part) or kind is None:
        return None
    details = {"result": _RESULT_VALUE[kind]}
    if kind == "mut" and copy and not variant:
        details["result"] = copy.group(0).lower()
    gene = _genes(m.group("gene"))[0]
    origin = origins.of(part, gene)
    if origin:
        details["origin"] = origin
    if variant:
        details["variant"] = variant.group(0)
    start, end = part_start + m.start(), part_start + m.end()
    return Fact("gene", gene, page.evidence(start, end), details=details)


def _table_rows(page: Page) -> Iterator[Fact]:
    """Profiling-report rows with a gene, a variant (or a copy-number change) and no result
    word ("PIK3CA | H1047R | c.3140A>G | 23%", "BRCA2 V2109I; NF1 D176E"): the result comes
    from the heading above the rows; without a heading that says what they are, nothing."""
    origins = _Origins(page.flat)
    # the nearest heading-like line above the current one (found as the lines go by, not by
    # reading back from each row)
    heading: str | None = None
    for line_start, whole in lines(page.flat):
        above = heading
        heading = _row_heading(whole) or heading
        read = _inline_heading(whole)
        if read is None:
            continue
        line, kind = read
        if (_RESULT.search(line) and kind is None) or _HEDGE.search(whole) or FAMILY.search(whole):
            continue
        kind = kind or (_heading_kind(above) if above else None)
        pos = 0
        for part in line.split(";"):
            fact = _row_fact(page, line_start + pos, part, kind, origins)
            pos += len(part) + 1
            if fact:
                yield fact


def _nearest_result(
    results: list[re.Match[str]], ends: list[int], m: re.Match[str]
) -> re.Match[str]:
    """The result word nearest the gene mention ``m`` (before it on a tie): the last one
    ending before the mention or the first one after that, found by bisection."""
    i = bisect_right(ends, m.start())
    candidates = results[max(0, i - 1) : i + 1]
    return min(
        candidates,
        key=lambda r: (
            m.start() - r.end() if r.end() <= m.start() else r.start() - m.end(),
            r.start() > m.start(),
        ),
    )


def _result_kind(sentence: str, result: re.Match[str]) -> str:
    """The kind of a result word (a key of ``_RESULT_VALUE``); negated, it is "neg"."""
    kind = result.lastgroup or "mut"
    if kind != "neg" and _negated(sentence, result.start()):
        return "neg"
    return kind


def _skipped_mention(m: re.Match[str], kind: str, mutation_word: bool) -> bool:
    """ "BRCA mutation" does not say which gene; ERBB2 amplification or "positive" is HER2
    status, not a mutation."""
    bare = m.group("gene").replace(" ", "") == "BRCA"
    if bare and kind != "neg":
        return True
    return m.group("gene") == "ERBB2" and kind == "mut" and not mutation_word


def _sentence_genes(page: Page, s_start: int, sentence: str, origins: _Origins) -> Iterator[Fact]:
    """The gene results of one sentence: each gene with its nearest result word."""
    mentions = list(_GENE_RE.finditer(sentence))
    if not mentions:
        return
    results = [r for r in _RESULT.finditer(sentence) if not _GENE_RE.fullmatch(r.group(0))]
    if not results:
        return
    # non-overlapping matches in order: their ends ascend
    result_ends = [r.end() for r in results]
    mutation_word = "mutat" in sentence.lower()
    for i, m in enumerate(mentions):
        kind = _result_kind(sentence, _nearest_result(results, result_ends, m))
        if _skipped_mention(m, kind, mutation_word):
            continue
        value = _RESULT_VALUE[kind]
        stop = mentions[i + 1].start() if i + 1 < len(mentions) else len(sentence)
        variant = _VARIANT.search(sentence, m.end(), stop)
        ev = page.evidence(s_start + m.start(), s_start + m.end())
        for gene in _genes(m.group("gene")):
            details = {"result": value}
            origin = origins.of(sentence, gene)
            if origin:
                details["origin"] = origin
            if variant and value != "no variant detected":
                details["variant"] = variant.group(0)
            yield Fact("gene", gene, ev, details=details)


def genes(page: Page) -> Iterator[Fact]:
    """Gene results: profiling-report rows, then results stated in sentences (not a family
    member's, not a test only ordered or discussed)."""
    yield from _table_rows(page)
    origins = _Origins(page.flat)
    for s_start, sentence in page.sentences():
        if FAMILY.search(sentence) or page.section_at(s_start) == "family":
            continue
        if _HEDGE.search(sentence):
            continue
        yield from _sentence_genes(page, s_start, sentence, origins)
