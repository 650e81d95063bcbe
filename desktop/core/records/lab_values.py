"""The parts of a lab value as record text writes them: the number, the unit, a reference
range or bound, a low/high flag; the cells of a table row after its test name; and the
details a lab fact carries (canonical test, normalised unit, range, and a flag, read from the
range when none is written)."""

from __future__ import annotations

import re

from desktop.core.records.dates import DATE

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
UNIT = (
    r"(?:x\s?|×\s?)?10\s?(?:\^|\*|E|e)?\s?(?:9|12|3|6)\s?/\s?(?:L|[uµμ]L|mm3)"
    r"|(?:x\s?|×\s?)?10[⁹³¹²⁶]+\s?/\s?(?:L|[uµμ]L)"
    r"|K/[uµμ]L|g/dL|g/L|mg/dL|mg/L|mmol/L|[uµμ]mol/L|pmol/L|nmol/L|U/L|IU/L|U/mL|kU/L|"
    r"m[IU]U/mL|mIU/L|mU/L|ng/mL|ng/L|[uµμ]g/L|pg/mL|"
    r"mEq/L|mL/min(?:/1\.73\s?m(?:2|²|\^2))?|fL|msec|ms|%|cells/[uµμ]L|/[uµμ]L"
)
_TOKEN = re.compile(
    rf"(?P<unit>(?<![A-Za-z])(?:{UNIT})(?![A-Za-z0-9]))"
    rf"|(?P<range>(?:{NUM})\s*(?:-|–|to)\s*(?:{NUM})|(?:<=|>=|<|>|≤|≥)\s*(?:{NUM}))"
    rf"|(?P<value>(?:{NUM}))(?:\s*\(?\s*(?P<vflag>HH|LL|H|L|HIGH|LOW|High|Low|\*H|\*L)\)?"
    r"(?![A-Za-z0-9/]))?"
    r"|(?P<flag>(?<![A-Za-z])(?:HH|LL|H|L|HIGH|LOW|High|Low|Critical|critical)(?![A-Za-z/])|[↑↓])"
    r"|(?P<blank>(?<!\S)(?:-{1,2}|—|n/?a|NA|\.)(?!\S))"
)
_VALUE_ONLY = re.compile(rf"(?P<value>{NUM})(?P<vflag>(?!))?")
_TIGHT_RANGE = re.compile(rf"(?:{NUM})(?:-|–)(?:{NUM})|(?:{NUM})\s+to\s+(?:{NUM})")
# "> 48 h": a duration, not a bound or range
_DURATION_AFTER = re.compile(r"\s*(?:h|hrs?|hours?|min|minutes?|days?|d|wks?|weeks?)\b", re.I)
# a qualifier in brackets after the test name: "eGFR (CKD-EPI 2021)", "Calcium (corrected)"
_QUALIFIER = re.compile(r"[ \t]*\([^()\n]{1,25}\)")
# ... unless the brackets hold the value: "ANC (0.9)", "eGFR (>90)"
_BRACKETED_NUMBER = re.compile(r"\s*\(\s*[<>≤≥]?\s*\d")
_BOUND = re.compile(r"(<=|>=|<|>|≤|≥)\s*(.+)")
_RANGE_SEPARATOR = re.compile(r"\s*(?:-|–|to)\s*")
_FLAG = {"H": "high", "HH": "high", "HIGH": "high", "L": "low", "LL": "low", "LOW": "low"}

# (kind, match, offset of its cell in the row): kind is "unit", "range", "value", "flag" or
# "blank" (an empty cell, a dash or "n/a": a missing value that still takes a column)
Token = tuple[str, re.Match[str] | None, int]


# a footnote code after a test name ("WBC 01   3.1"): the performing laboratory, not a value
_FOOTNOTE = re.compile(r"[ \t]+0\d(?=[ \t]+\d)")


def after_qualifier(line: str, pos: int) -> int:
    """Where a row's values start after a test name ending at ``pos``: after a bracketed
    qualifier ("eGFR (CKD-EPI 2021)"), unless the brackets hold a number, and after a
    laboratory footnote code ("WBC 01")."""
    qualifier = _QUALIFIER.match(line, pos)
    if qualifier and not _BRACKETED_NUMBER.match(line, pos):
        pos = qualifier.end()
    footnote = _FOOTNOTE.match(line, pos)
    return footnote.end() if footnote else pos


_UNIT_ONLY = re.compile(rf"\s*\(\s*(?P<unit>{UNIT})\s*\)\s*")


def unit_in(qualifier: str) -> str | None:
    """The unit a bracket after a test's name holds ("(mmol/L)"), or None."""
    m = _UNIT_ONLY.fullmatch(qualifier)
    return m.group("unit") if m else None


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


def _test_name(test: str, unit: str | None) -> str:
    """Neutrophils and lymphocytes as a count or a percent of white cells."""
    if test == "neutrophils":
        return "neutrophils %" if unit == "%" else "ANC"
    if test == "lymphocytes" and unit == "%":
        return "lymphocytes %"
    return test


def _range_details(rng: str) -> dict[str, str]:
    """ "3.5-5.1" gives both limits; "<5" an upper one, ">90" a lower one."""
    bound = _BOUND.match(rng)
    if bound:
        return {"ref_high" if bound.group(1) in ("<", "<=", "≤") else "ref_low": bound.group(2)}
    low, high = _RANGE_SEPARATOR.split(rng, maxsplit=1)
    return {"ref_low": low, "ref_high": high}


def _written_flag(flag: str) -> str | None:
    """ "H", "LOW", "*L", "↑": high or low (other flags, "Critical", say neither)."""
    if flag in ("↑", "↓"):
        return "high" if flag == "↑" else "low"
    word = _FLAG.get(flag.upper().lstrip("*"), flag.lower())
    return word if word in ("low", "high") else None


def _range_flag(value: str, details: dict[str, str]) -> str | None:
    """Low or high when an exact value is outside its reference range."""
    if value.startswith(("<", ">")):
        return None
    number = _float(value)
    low, high = _float(details.get("ref_low", "")), _float(details.get("ref_high", ""))
    if number is not None and low is not None and number < low:
        return "low"
    if number is not None and high is not None and number > high:
        return "high"
    return None


def lab_details(
    test: str, unit: str | None, rng: str | None, flag: str | None, value: str
) -> dict[str, str]:
    """A lab fact's details: its test, unit, reference range and low/high flag."""
    details = {"test": _test_name(test, unit)}
    if unit:
        details["unit"] = _unit(unit)
    if rng:
        details.update(_range_details(rng))
    flagged = (_written_flag(flag) if flag else None) or _range_flag(value, details)
    if flagged:
        details["flag"] = flagged
    return details


def _blank_dates(rest: str) -> str:
    """``rest`` with its dates blanked (dates in a row are not values), in one pass (one copy
    of the row per date was quadratic)."""
    spans = [d.span() for d in DATE.finditer(rest)]
    if not spans:
        return rest
    pieces, last = [], 0
    for a, b in spans:
        pieces += [rest[last:a], " " * (b - a)]
        last = b
    return "".join(pieces) + rest[last:]


def _cell_parts(rest: str) -> list[tuple[str, int]]:
    """(cell, offset) of each "|"-separated cell (the separator right after the test name
    opens no cell), or the whole row as one."""
    if "|" not in rest:
        return [(rest, 0)]
    parts, offset = [], 0
    for cell in rest.split("|"):
        parts.append((cell, offset))
        offset += len(cell) + 1
    return parts[1:] if not parts[0][0].strip() else parts


def _cell_tokens(cell: str, offset: int, between_columns: bool) -> list[Token]:
    """The tokens of one cell ("> 48 h" is a duration, not a range; between unpiped date
    columns, "2.1 - 1.3" is a value, a missing one and a value, not a range)."""
    out: list[Token] = []
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
        if kind == "range" and between_columns and loose:
            m = _VALUE_ONLY.search(cell, m.start())
            assert m is not None
            out.append(("value", m, offset))
            pos = m.end()
            continue
        out.append((kind, m, offset))
        pos = max(m.end(), pos + 1)
    return out


def cells(rest: str, column_mode: bool) -> list[Token]:
    """The tokens of a row after its test name, in order (``column_mode``: the row's values
    sit under date columns)."""
    rest = _blank_dates(rest)
    piped = "|" in rest
    out: list[Token] = []
    for cell, offset in _cell_parts(rest):
        if piped and not cell.strip():
            out.append(("blank", None, offset))
            continue
        out.extend(_cell_tokens(cell, offset, column_mode and not piped))
    return out
