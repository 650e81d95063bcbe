"""TNM categories and the stage group, as reports write them: together ("pT2 N1a M0",
"pT1cN1aL0V0R0", "T2, NO, MX"), apart ("T STAGE, PATHOLOGIC: pT1b. N STAGE, PATHOLOGIC: pNO",
"Primary Tumor (pT): pT2 ... Regional lymph nodes (pN): pN1(mi)", "(AJCC pT2) ... (AJCC pN2)",
"T Stage: 2 N Stage: 0"), with OCR's letters for digits repaired ("pNO" is pN0, "pTlc" and
"pTIc" are pT1c, "pNla" is pN1a, "T2NIMX" is T2 N1 MX), and stage groups ("STAGE IIIA",
"stage III B", "STAGE GROUPING IIIB", "Summary stage: 2B").

A T without its p/c/y prefix is read only beside an N or after a TNM label ("T2 hyperintense"
on an MRI is not a category). Clinical categories and a clinical stage are kept only when the
page gives no pathological ones. The categories of one tumour make one ``tnm`` fact; a page
whose categories disagree (two tumours) gives one per group written together."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from desktop.core.records.facts import Fact, Page

_START = r"(?:(?<![A-Za-z])|(?<=AJCC))"
_P = r"(?:yp|yc|[pPcy])"  # an upper-case "C" is not clinical: "CT 3 weeks ago"
_T = (
    rf"{_START}(?P<tp>{_P})?\s?(?:T|(?<=[pP])t)\s?"
    r"(?P<t>is|[0-4]|X|[lIi](?=[a-d]\b)|[lI](?=[\s,.(]|$))"
    r"(?P<ts>[a-d](?![a-z]))?(?P<tm>\s?\((?:m|mult|\d)\))?"
)
_N_BODY = (
    rf"(?P<np>{_P})?\s?N?N\s?"
    # OCR's letters for digits only where a digit ends the word: "NO, MX", "pNla", "T2NIMX";
    # not "No lymph nodes", "Nodes"
    r"(?P<n>[0-3X](?![0-9])|[OoIl](?=(?:mi|[a-c])?(?:[iI][+-]|(?![a-z])(?!\s+(?:[a-z]{3}|[A-Z][a-z]{2}|[A-Z]{3})))))"
    r"(?P<ns>\s?mi\b|mi|[a-c](?![a-z]))?"
    r"(?P<nm>(?:\s?\(\s*(?:i|I|mol)\s?[+-]\s*\)|\s?\((?:sn|SN|mi)\)|(?<=[0-3oO])[iI][+-]){0,3})"
)
_M_BODY = r"(?P<mp>(?:yp|yc|[pPcy]))?\s?M\s?(?P<m>[01X]|O|o|x)(?![0-9A-Za-z])"
_N = _START + _N_BODY
_M = _START + _M_BODY
# T, N and M written together: "pT2 N1a M0", "T2, NO, MX", "pT1cN1aLOVORO", "pT 2NN0"
_TOGETHER = re.compile(rf"{_T}[\s,;.]{{0,4}}{_N_BODY}(?:[\s,;.]{{0,4}}{_M_BODY})?")
# a prefixed category anywhere: "(AJCC pT2)", "(pN1)", "pNO (i+)", "pMX"
_T_ALONE = re.compile(_T)
_N_ALONE = re.compile(_N)
_M_ALONE = re.compile(_M)
# labelled fields: "T Stage: 2", "N Stage: 0", "Tumor Extent: T2 tumor size ..."
_T_LABEL = re.compile(
    r"\b(?:T\s+stage|tumou?r\s+extent)[^:\n]{0,20}:\s*T?\s?(?P<t>[0-4]|is)(?P<ts>[a-d])?"
    r"(?![\d.])",
    re.IGNORECASE,
)
_N_LABEL = re.compile(
    r"\bN\s+stage[^:\n]{0,20}:\s*N?\s?(?P<n>[0-3])(?P<ns>[a-c]|mi)?(?![\d.])", re.IGNORECASE
)
_DIGIT = {"o": "0", "i": "1", "l": "1", "x": "X"}
_GAP = 160  # characters between the categories of one statement


@dataclass(frozen=True)
class _Token:
    kind: str  # "T", "N", "M"
    value: str  # as it is to be shown: "pT1c", "pN0(i-)(sn)", "MX"
    start: int
    end: int

    @property
    def clinical(self) -> bool:
        """A clinical T or N (a clinical M, "cM0", is how pathological staging writes M)."""
        return self.value.startswith("c") and self.kind != "M"


def _digit(value: str) -> str:
    return _DIGIT.get(value.lower(), value)


def _t(m: re.Match[str]) -> _Token:
    prefix = (m.group("tp") or "").lower()
    t = m.group("t")
    digit = "is" if t.lower() == "is" else _digit(t)
    extra = re.sub(r"\s", "", m.group("tm") or "")
    value = f"{prefix}T{digit}{(m.group('ts') or '').lower()}{extra}"
    start = m.start("tp") if m.group("tp") else m.start("t") - 1
    return _Token(
        "T", value, start, m.end("tm") if m.group("tm") else m.end("t") + len(m.group("ts") or "")
    )


def _n(m: re.Match[str]) -> _Token:
    prefix = (m.group("np") or "").lower()
    sub = re.sub(r"\s", "", m.group("ns") or "").lower()
    mods = re.sub(r"\s", "", m.group("nm") or "")
    mods = re.sub(r"^([iI])([+-])", r"(i\2)", mods).replace("(I", "(i").replace("SN", "sn")
    start = m.start("np") if m.group("np") else m.start("n") - 1
    return _Token("N", f"{prefix}N{_digit(m.group('n'))}{sub}{mods}", start, m.end("nm"))


def _m(m: re.Match[str]) -> _Token:
    prefix = (m.group("mp") or "").lower()
    start = m.start("mp") if m.group("mp") else m.start("m") - 1
    return _Token("M", f"{prefix}M{_digit(m.group('m')).upper()}", start, m.end("m"))


def _plausible_t(m: re.Match[str]) -> bool:
    """Not "pt is a 45 y/o" (a patient), "PT 3 times a week" (physiotherapy): a lower-case
    t or an upper-case P prefix is read only with the digit straight after the T."""
    between = m.string[m.start("t") - 1 : m.start("t")]
    t_char = m.string[m.start("t") - 2] if between.isspace() else between
    spaced = between.isspace() or (m.group("t").lower() == "is" and t_char == "t")
    return not (spaced and (t_char == "t" or m.group("tp") == "P"))


def _alone(text: str) -> Iterator[_Token]:
    """Categories written with their prefix, alone ("(AJCC pT2)", "pNO (i+)", "pMX")."""
    for m in _T_ALONE.finditer(text):
        if m.group("tp") and _plausible_t(m):
            yield _t(m)
    for m in _N_ALONE.finditer(text):
        if m.group("np"):
            yield _n(m)
    for m in _M_ALONE.finditer(text):
        if m.group("mp"):
            yield _m(m)


def _labelled(text: str) -> Iterator[_Token]:
    for m in _T_LABEL.finditer(text):
        value = f"T{m.group('t')}{(m.group('ts') or '').lower()}"
        yield _Token("T", value, m.start("t"), m.end())
    for m in _N_LABEL.finditer(text):
        yield _Token("N", f"N{m.group('n')}{(m.group('ns') or '').lower()}", m.start("n"), m.end())


def _tokens(text: str) -> list[_Token]:
    """Every T, N and M category on the page, each span read once (written together first)."""
    found: list[_Token] = []
    for m in _TOGETHER.finditer(text):
        if _plausible_t(m):
            found += [_t(m), _n(m)] + ([_m(m)] if m.group("m") else [])
    found += [*_alone(text), *_labelled(text)]
    out: list[_Token] = []
    taken = bytearray(len(text) + 1)  # the characters a kept token covers (linear, not n^2)
    for token in found:
        if not any(taken[token.start : token.end]):
            out.append(token)
            taken[token.start : token.end] = b"\x01" * (token.end - token.start)
    if any(t.kind != "M" and not t.clinical for t in out):
        out = [t for t in out if not t.clinical]
    return sorted(out, key=lambda t: t.start)


def _groups(tokens: list[_Token]) -> list[list[_Token]]:
    """Tokens written close together, at most one of each kind per group."""
    groups: list[list[_Token]] = []
    for token in tokens:
        last = groups[-1] if groups else None
        if last and token.start - last[-1].end <= _GAP and token.kind not in {t.kind for t in last}:
            last.append(token)
        else:
            groups.append([token])
    return groups


def _value(tokens: list[_Token]) -> str:
    order = {"T": 0, "N": 1, "M": 2}
    return " ".join(t.value for t in sorted(tokens, key=lambda t: order[t.kind]))


def _fact(page: Page, tokens: list[_Token]) -> Fact:
    start, end = min(t.start for t in tokens), max(t.end for t in tokens)
    if end - start > 400:  # written far apart: the evidence is where the T (or N) is
        first = next((t for t in tokens if t.kind == "T"), tokens[0])
        start, end = first.start, first.end
    return Fact("tnm", _value(tokens), page.evidence(start, end))


def _merged(groups: list[list[_Token]]) -> list[_Token] | None:
    """The categories of groups written apart as one tumour's, when they agree."""
    chosen: dict[str, _Token] = {}
    for group in groups:
        for token in group:
            if chosen.setdefault(token.kind, token).value != token.value:
                return None
    return list(chosen.values())


def tnm(page: Page) -> Iterator[Fact]:
    """The TNM categories per statement ("pT2 N1a M0"); T and N written apart ("(AJCC pT2)"
    ... "(AJCC pN2)") are one fact when the page's categories agree."""
    groups = [g for g in _groups(_tokens(page.masked)) if any(t.kind in "TN" for t in g)]
    complete = [g for g in groups if {"T", "N"} <= {t.kind for t in g}]
    if not complete:
        merged = _merged(groups)
        for tokens in [merged] if merged else groups:
            yield _fact(page, tokens)
        return
    stated = {t.value for g in complete for t in g}
    for group in groups:
        if group in complete or not {t.value for t in group} <= stated:
            yield _fact(page, group)


_STAGE = re.compile(
    r"(?P<clin>\bclinical\s+)?\bstage\s*(?:group(?:ing)?\s*)?[:\-]?\s*"
    r"(?P<s>0|IV|I{1,3}(?:\s?[ABC](?![a-z]))?|[1-4](?:\s?[ABC](?![a-z]))?)(?![\w/])",
    re.IGNORECASE,
)
_TNM_STAGE_LABEL = re.compile(r"\b[TNM]\s*$")
_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def stage(page: Page) -> Iterator[Fact]:
    """The stage group, in Roman numerals ("stage 2B" is IIB), per mention; a clinical stage
    not when the page gives pathological categories and another stage."""
    text = page.masked
    found = []
    for m in _STAGE.finditer(text):
        if _TNM_STAGE_LABEL.search(text, max(0, m.start() - 3), m.start()):
            continue  # "N Stage: 0" is the N category
        raw = re.sub(r"\s", "", m.group("s")).upper()
        value = _ROMAN.get(raw[0], raw[0]) + raw[1:] if raw[0].isdigit() else raw
        found.append(
            (bool(m.group("clin")), value, m.start("s") if m.group("clin") else m.start(), m.end())
        )
    pathological = any(t.kind != "M" and not t.clinical for t in _tokens(text))
    if pathological and any(not clinical for clinical, *_ in found):
        found = [f for f in found if not f[0]]
    for _clinical, value, start, end in found:
        yield Fact("stage", value, page.evidence(start, end))
