"""Lab values from record text: tables with one row per line (test, value, unit, range,
flag), tables whose columns are collection dates (one fact per date), and values written
in prose ("ANC today 0.9 (low)"). Each value keeps its test's canonical name, the unit as
written (normalised), the reference range and a low/high flag when flagged or outside it."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from desktop.core.records.dates import DATE, find_dates
from desktop.core.records.facts import Fact, evidence
from desktop.core.records.vocabulary import LAB_RE, lab_test

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
UNIT = (
    r"(?:x\s?|×\s?)?10\s?(?:\^|\*|E|e)?\s?(?:9|12|3|6)\s?/\s?(?:L|[uµμ]L|mm3)"
    r"|(?:x\s?|×\s?)?10[⁹³¹²⁶]+\s?/\s?(?:L|[uµμ]L)"
    r"|K/[uµμ]L|g/dL|g/L|mg/dL|mg/L|mmol/L|[uµμ]mol/L|U/L|IU/L|U/mL|kU/L|ng/mL|pg/mL|"
    r"mEq/L|mL/min(?:/1\.73\s?m(?:2|²|\^2))?|fL|msec|ms|%|cells/[uµμ]L|/[uµμ]L"
)
_TOKEN = re.compile(
    rf"(?P<unit>(?<![A-Za-z])(?:{UNIT})(?![A-Za-z0-9]))"
    rf"|(?P<range>(?:{_NUM})\s*(?:-|–|to)\s*(?:{_NUM})|(?:<=|>=|<|>|≤|≥)\s*(?:{_NUM}))"
    rf"|(?P<value>(?:{_NUM}))(?:\s*\(?\s*(?P<vflag>HH|LL|H|L|HIGH|LOW|High|Low|\*H|\*L)\)?"
    r"(?![A-Za-z0-9/]))?"
    r"|(?P<flag>(?<![A-Za-z])(?:HH|LL|H|L|HIGH|LOW|High|Low|Critical|critical)(?![A-Za-z/])|[↑↓])"
    r"|(?P<blank>(?<!\S)(?:-{1,2}|—|n/?a|NA|\.)(?!\S))"
)
_VALUE_ONLY = re.compile(rf"(?P<value>{_NUM})(?P<vflag>(?!))?")
_TIGHT_RANGE = re.compile(rf"(?:{_NUM})(?:-|–)(?:{_NUM})|(?:{_NUM})\s+to\s+(?:{_NUM})")
_FILLER_WORDS = (
    r"today|now|was|were|is|are|of|at|level|levels|count|value|result|this|morning|yesterday|"
    r"had|has|have|dropped|fell|rose|increased|decreased|improved|recovered|returned|down|up|"
    r"to|back|came|remained|remains|measured|nadir|abs|absolute|total|serum|currently|still|"
    r"only|on|checked|repeat"
)
_FILLER = re.compile(
    rf"(?:\s*(?:\(\w{{1,6}}\)|[:=,|]|on\s+(?:{DATE.pattern})|(?:{_FILLER_WORDS})\b))*\s*",
    re.IGNORECASE,
)
_ROW_GAP = re.compile(r"[\s|:=,]*(?:\([^)]{0,20}\))?[\s|:=,]*")
_AFTER_VALUE_SKIP = re.compile(
    r"^\s*(?:x|×|times)\s*(?:ULN|upper|normal)|^\s*-\s*\d|^\s*(?:days?|weeks?|months?|years?|"
    r"cycles?|mg(?!\s*/)|hours?)\b",
    re.IGNORECASE,
)
_HEADER_HINT = re.compile(
    r"\b(?:collect\w*|drawn|date|specimen|sample|reported|results?)\b", re.IGNORECASE
)
_FLAG = {"H": "high", "HH": "high", "HIGH": "high", "L": "low", "LL": "low", "LOW": "low"}


def _unit(raw: str) -> str:
    unit = raw.replace("×", "x").replace("µ", "u").replace("μ", "u").replace(" ", "")
    unit = unit.translate(str.maketrans({"⁹": "9", "³": "3", "¹": "1", "²": "2", "⁶": "6"}))
    unit = re.sub(r"10(?:\*|E|e)?(9|12|3|6)/", r"10^\1/", unit)
    unit = unit.replace("m²", "m2").replace("m^2", "m2")
    return "ms" if unit == "msec" else unit


def _float(raw: str) -> float | None:
    try:
        return float(raw.lstrip("<>=≤≥ ").replace(",", ""))
    except ValueError:
        return None


def _details(test: str, unit: str | None, rng: str | None, flag: str | None, value: str) -> dict:
    if test == "neutrophils":
        test = "neutrophils %" if unit == "%" else "ANC"
    if test == "lymphocytes" and unit == "%":
        test = "lymphocytes %"
    details = {"test": test}
    if unit:
        details["unit"] = _unit(unit)
    if rng:
        bound = re.match(r"(<=|>=|<|>|≤|≥)\s*(.+)", rng)
        if bound:
            details["ref_high" if bound.group(1) in ("<", "<=", "≤") else "ref_low"] = bound.group(
                2
            )
        else:
            low, high = re.split(r"\s*(?:-|–|to)\s*", rng, maxsplit=1)
            details["ref_low"], details["ref_high"] = low, high
    if flag:
        details["flag"] = _FLAG.get(flag.upper().lstrip("*"), flag.lower())
        if flag in ("↑", "↓"):
            details["flag"] = "high" if flag == "↑" else "low"
        if details["flag"] not in ("low", "high"):
            details.pop("flag")
    if "flag" not in details and not value.startswith(("<", ">")):
        number = _float(value)
        low, high = _float(details.get("ref_low", "")), _float(details.get("ref_high", ""))
        if number is not None and low is not None and number < low:
            details["flag"] = "low"
        elif number is not None and high is not None and number > high:
            details["flag"] = "high"
    return details


def _cells(rest: str, column_mode: bool) -> list[tuple[str, re.Match[str] | None, int]]:
    """(kind, match, offset) for each token of the row after the test name (dates in the row
    are not values; "> 48 h" is a duration, not a range)."""
    spans = [d.span() for d in DATE.finditer(rest)]
    if spans:  # blanked in one pass (one copy of the row per date was quadratic)
        pieces, last = [], 0
        for a, b in spans:
            pieces += [rest[last:a], " " * (b - a)]
            last = b
        rest = "".join(pieces) + rest[last:]
    out = []
    parts = [(rest, 0)]
    if "|" in rest:
        parts, offset = [], 0
        for cell in rest.split("|"):
            parts.append((cell, offset))
            offset += len(cell) + 1
        if not parts[0][0].strip():  # the separator right after the test name
            parts = parts[1:]
    for cell, offset in parts:
        if "|" in rest and not cell.strip():
            out.append(("blank", None, offset))
            continue
        pos = 0
        while pos < len(cell):
            m = _TOKEN.search(cell, pos)
            if not m:
                break
            kind = m.lastgroup or ""
            if kind == "vflag":
                kind = "value"
            if kind == "range" and _DURATION_AFTER.match(cell, m.end()):
                pos = m.end()
                continue
            loose = not (_TIGHT_RANGE.fullmatch(m.group(0)) or m.group(0)[0] in "<>≤≥")
            if kind == "range" and column_mode and "|" not in rest and loose:
                # "2.1 - 1.3" between date columns: a value, a missing one, a value
                m = _VALUE_ONLY.search(cell, m.start())
                assert m is not None
                out.append(("value", m, offset))
                pos = m.end()
                continue
            out.append((kind, m, offset))
            pos = max(m.end(), pos + 1)
    return out


def _row(
    doc: str,
    page: int,
    text: str,
    line_start: int,
    line: str,
    test_m: re.Match[str],
    dates: list[str],
    row_date: str | None,
) -> Iterator[Fact]:
    rest_start = test_m.end()
    qualifier = _QUALIFIER.match(line, rest_start)
    if qualifier and not re.match(r"\s*\(\s*[<>≤≥]?\s*\d", line[rest_start:]):
        rest_start = qualifier.end()
    rest = line[rest_start:]
    tokens = _cells(rest, bool(dates))
    unit = next((t[1].group(0) for t in tokens if t[0] == "unit" and t[1]), None)
    values = [t for t in tokens if t[0] in ("value", "blank")]
    ranges = [t[1].group(0) for t in tokens if t[0] == "range" and t[1]]
    flags = [t[1].group(0) for t in tokens if t[0] == "flag" and t[1]]
    test = lab_test(test_m)
    if dates:
        slots = values[: len(dates)]
        extra_ranges = [t[1].group(0) for t in values[len(dates) :] if t[1]]
        rng = ranges[0] if ranges else None
        if rng is None and len(extra_ranges) == 2:
            rng = f"{extra_ranges[0]}-{extra_ranges[1]}"
        for date, (kind, m, offset) in zip(dates, slots, strict=False):
            if kind != "value" or m is None:
                continue
            value = m.group("value") or m.group(0)
            flag = m.groupdict().get("vflag")
            start = line_start + rest_start + offset + m.start()
            end = start + len(value)
            yield Fact(
                "lab",
                value,
                evidence(doc, page, text, start, end),
                date=date,
                details=_details(test, unit, rng, flag, value),
            )
        return
    numeric = [t for t in tokens if t[0] in ("value", "range") and t[1]]
    bound = numeric[0] if numeric and numeric[0][0] == "range" else None
    if bound and bound[1] and bound[1].group(0)[0] in "<>≤≥" and len(numeric) <= 2:
        # "eGFR >90 mL/min": a value written as a bound
        first: tuple | None = ("value", bound[1], bound[2])
        ranges = [t[1].group(0) for t in numeric[1:] if t[0] == "range" and t[1]]
    else:
        first = next((t for t in values if t[0] == "value" and t[1]), None)
    if first is None or first[1] is None:
        return
    kind, m, offset = first
    value = m.groupdict().get("value") or m.group(0)
    if _AFTER_VALUE_SKIP.match(rest[offset + m.end() :]):
        return
    after = rest[offset + m.end() :]
    written = re.match(rf"\s*,?\s*(?:on|dated|drawn|collected)?\s*\(?\s*(?:{DATE.pattern})", after)
    if written:  # "ANC recovered to 1.8 on 08/06/2024"
        row_date = next(iso for _, _, iso in find_dates(written.group(0)))
    flag = m.groupdict().get("vflag") or (flags[0] if flags else None)
    start = line_start + test_m.start()
    end = line_start + rest_start + offset + m.start() + len(value)
    yield Fact(
        "lab",
        value,
        evidence(doc, page, text, start, end),
        date=row_date,
        details=_details(test, unit, ranges[0] if ranges else None, flag, value),
    )
    yield from _previous(doc, page, text, line_start, line, end - line_start, test, unit)


_INLINE_TAIL = re.compile(
    rf"(?P<value>{_NUM})(?:\s*(?P<unit>{UNIT})(?![A-Za-z0-9]))?"
    r"(?:\s*\(?\s*(?P<flag>low|high|L|H)\s*\)?(?![A-Za-z]))?"
    rf"(?:\s*\((?:ref(?:erence)?\.?\s*(?:range)?:?\s*)?(?P<range>(?:{_NUM})\s*(?:-|–|to)\s*"
    rf"(?:{_NUM})|(?:<=|>=|<|>|≤|≥)\s*(?:{_NUM}))\s*\))?"
    rf"(?:\s*,?\s*(?:on|dated|drawn|collected)?\s*\(?(?P<date>{DATE.pattern}))?",
    re.IGNORECASE,
)


def _previous(
    doc: str, page: int, text: str, line_start: int, line: str, pos: int, test: str, unit
) -> Iterator[Fact]:
    """An earlier value written right after a value: "54 (previously 88)", "62 (prior 110)".
    It has no date of its own unless a full one is written (month and year are not)."""
    window = line[pos : pos + 40]
    cue = re.search(r"[(,;]\s*(?:previously|prior|was|from)\b", window)
    if not cue or re.search(r"\d", window[: cue.start()]):
        return
    m = _PREVIOUS.match(line, pos + cue.start())
    if not m:
        return
    value = m.group("value")
    after = line[m.end() : m.end() + 25]
    written = re.match(rf"\s*(?:on|in|dated)?\s*(?:{DATE.pattern})", after, re.IGNORECASE)
    date = next(iso for _, _, iso in find_dates(written.group(0))) if written else None
    details = _details(test, unit, None, None, value)
    if date is None:
        details["when"] = "earlier"
    start = line_start + m.start("value")
    yield Fact("lab", value, evidence(doc, page, text, start, start + len(value)), date, details)


class _LineSentences:
    """The sentences of one line (split at ". " and "; ") and the dates in each, found once
    per line rather than once per lab value."""

    def __init__(self, line: str) -> None:
        self._line = line
        cuts = [m.start() for m in re.finditer(r"(?=[.;] )", line)]
        self._cuts = cuts
        self._dates: dict[tuple[int, int], set[str]] = {}

    def around(self, start: int, end: int) -> tuple[int, int]:
        """(from, to) of the sentence holding ``start:end``: after the last ". " or "; "
        before ``start``, up to the first one at or after ``end``."""
        i = bisect_left(self._cuts, start - 1)  # a cut ending (cut + 2) by ``start``
        s_from = self._cuts[i - 1] + 1 if i else 0
        j = bisect_left(self._cuts, end)
        s_to = self._cuts[j] if j < len(self._cuts) else len(self._line)
        return s_from, s_to

    def dates(self, s_from: int, s_to: int) -> set[str]:
        key = (s_from, s_to)
        if key not in self._dates:
            self._dates[key] = {iso for _, _, iso in find_dates(self._line[s_from:s_to])}
        return self._dates[key]


def _prose(
    doc: str,
    page: int,
    text: str,
    line_start: int,
    line: str,
    row_date: str | None,
    admission: str | None = None,
) -> Iterator[Fact]:
    in_line: _LineSentences | None = None
    for m in LAB_RE.finditer(line):
        fill = _FILLER.match(line, m.end())
        pos = fill.end() if fill else m.end()
        tail = _INLINE_TAIL.match(line, pos)
        if not tail or (pos < len(line) and line[pos - 1 : pos].isdigit()):
            continue
        after_value = line[tail.end("value") : tail.end("value") + 200]
        if line[pos : pos + 1] in "<>" or _AFTER_VALUE_SKIP.match(after_value):
            continue
        if re.match(r"\s*(?:-|–)\s*\d", after_value) and not tail.group("range"):
            continue
        filler = line[m.end() : pos]
        date = next((iso for _, _, iso in find_dates(filler)), None)
        if date is None and tail.group("date"):
            date = next((iso for _, _, iso in find_dates(tail.group("date"))), None)
        if date is None:  # one date written in the same sentence
            in_line = in_line or _LineSentences(line)
            s_from, s_to = in_line.around(m.start(), m.end())
            in_sentence = set(in_line.dates(s_from, s_to))
            date = in_sentence.pop() if len(in_sentence) == 1 else None
            if date is None and admission and _ADMISSION_CUE.search(line, s_from, s_to):
                date = admission  # "presented with ... ANC 0.2", "K 3.1 on admission"
        date = date or row_date
        value = tail.group("value")
        details = _details(
            lab_test(m), tail.group("unit"), tail.group("range"), tail.group("flag"), value
        )
        yield Fact(
            "lab",
            value,
            evidence(doc, page, text, line_start + m.start(), line_start + tail.end("value")),
            date=date,
            details=details,
        )
        yield from _previous(
            doc, page, text, line_start, line, tail.end(), lab_test(m), tail.group("unit")
        )


_LEADING_DATE = re.compile(
    rf"^\s*(?:{DATE.pattern})(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?\s*[|:,-]?\s*", re.IGNORECASE
)
# a qualifier in brackets after the test name: "eGFR (CKD-EPI 2021)", "Calcium (corrected)"
_QUALIFIER = re.compile(r"[ \t]*\([^()\n]{1,25}\)")
# "> 48 h": a duration, not a bound or range
_DURATION_AFTER = re.compile(r"\s*(?:h|hrs?|hours?|min|minutes?|days?|d|wks?|weeks?)\b", re.I)
# an earlier value in brackets or after a comma: "(previously 88)", "prior 110 in 07/2024"
_PREVIOUS = re.compile(
    rf"[\s(,;]*(?:previously|prior|was|from|last|compared (?:with|to))\s*(?:was\s*|of\s*)?"
    rf"(?P<value>{_NUM})(?![\d/-]|\.\d)"
    r"(?!\s*(?:%|x|times|days?|weeks?|months?|years?|mg|cycles?)\b)",
    re.IGNORECASE,
)
_ADMISSION_DATE = re.compile(
    rf"\b(?:admitted|admission date|date of admission|admission|DOA)\s*(?:on|date)?\s*[:\-]?\s*"
    rf"(?P<date>{DATE.pattern})",
    re.IGNORECASE,
)
_ADMISSION_CUE = re.compile(
    r"\b(?:on|at) (?:admission|presentation|arrival)\b|\badmission (?:labs|bloods)\b|"
    r"\bpresented with\b",
    re.IGNORECASE,
)


def labs(doc: str, page: int, text: str, flat: str) -> Iterator[Fact]:
    """Lab facts on one page (``flat``: the page soft-joined, so a sentence wrapped over two
    lines reads as one); dates are the row's or column's, or None (the document's)."""
    column_dates: list[str] = []
    current_date: str | None = None
    written = _ADMISSION_DATE.search(flat)
    admission = next(iso for _, _, iso in find_dates(written.group("date"))) if written else None
    offset = 0
    for line in flat.split("\n"):
        line_start = offset
        offset += len(line) + 1
        found = [iso for _, _, iso in find_dates(line)]
        starts_with_test = LAB_RE.match(line.lstrip("| "))
        if (
            len(found) >= 2
            and not starts_with_test
            and not _LEADING_DATE.match(line)
            and ":" not in line  # "Admission date: ... Discharge date: ..." is not a header
        ):
            column_dates = found
            continue
        if len(found) == 1 and not starts_with_test and _HEADER_HINT.search(line):
            current_date, column_dates = found[0], []
            if not LAB_RE.search(line):
                continue
        row_date = current_date
        body, body_start = line, line_start
        lead = _LEADING_DATE.match(line)
        if lead and LAB_RE.match(line, lead.end()):
            row_date = find_dates(line[: lead.end()]).__next__()[2]
            body, body_start = line[lead.end() :], line_start + lead.end()
        stripped = len(body) - len(body.lstrip("| "))
        test_m = LAB_RE.match(body, stripped)
        after = test_m.end() if test_m else 0
        qualifier = _QUALIFIER.match(body, after) if test_m else None
        if qualifier and not re.match(r"\s*\(\s*[<>≤≥]?\s*\d", body[after:]):
            after = qualifier.end()
        first_number = re.search(r"\d", body[after:]) if test_m else None
        gap = body[after : after + first_number.start()] if first_number else ""
        gap = gap.rstrip("<>≤≥= ") if re.search(r"[<>≤≥]=?\s*$", gap) else gap  # "eGFR >60"
        if test_m and row_date is None and admission and _ADMISSION_CUE.search(body):
            row_date = admission  # "K 3.1 on admission"
        if (
            test_m
            and not LAB_RE.search(body, test_m.end())
            and (_ROW_GAP.fullmatch(gap) or _FILLER.fullmatch(gap))
        ):
            yield from _row(
                doc,
                page,
                text,
                body_start,
                body,
                test_m,
                column_dates if not lead else [],
                row_date,
            )
        else:
            yield from _prose(doc, page, text, line_start, line, row_date, admission)
