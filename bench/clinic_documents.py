"""Record extraction on clinic letters and lab tables: lab values and medication events.

The documents and their labels are in ``bench/data/clinic_documents`` (README there): letters,
discharge summaries, day-unit records, medication lists, single-date lab reports and
cumulative lab tables in the layouts real clinics print, a third of them PDFs. Each document
is read as the app reads it (``records.importer``: text files split on form feeds, PDFs
through the project's PDF reader), then ``records.extract.extract`` runs on its pages.

Scoring, per split:
- lab values: a predicted value matches a labelled one on normalised test name + date + value
  (precision and recall); of the matched ones, unit, reference range and H/L flag are scored
  as separate rates over the labels that state them;
- medication events (start, stop, dose_change, hold, restart): a prediction matches on drug +
  event + date; dose, previous dose and reason are separate rates over the labels that state
  them. Today's facts carry an event this way: ``dose_change`` (from/to/reason/date);
  ``medication`` with ``start``/``stop`` dates, ``status: past`` (a stop on the fact's date),
  and, if an extractor sets them, ``hold``/``held``/``restart``/``restarted`` dates or a
  status ``held``/``on hold``/``paused``/``withheld``/``interrupted`` (a hold) or
  ``restarted``/``resumed`` (a restart) on the fact's date. An event the
  facts cannot carry counts as missed, and the output says which kinds had no prediction;
- the same prediction twice in a document (same key) counts once;
- traps: text that must not become a fact (a range alone, a target, a planned dose, a drug only
  discussed). A fact whose evidence overlaps one and that matched no label is counted.

``python -m bench.clinic_documents [--final]``: the development half with its per-document
misses; ``--final`` also scores the held-out half and prints only its totals."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import REPO, save, show
from desktop.core.records.dates import document_day_first, document_order
from desktop.core.records.documents import document_info
from desktop.core.records.extract import Fact, extract
from desktop.core.records.importer import _read

DATA = REPO / "bench" / "data" / "clinic_documents"
EVENTS = ("start", "stop", "dose_change", "hold", "restart")
NOT_A_CLAIM = {"planned", "considered", "discussed", "declined", "not started"}
HELD = {"held", "on hold", "paused", "withheld", "interrupted"}
RESTARTED = {"restarted", "resumed"}

# test names as clinics print them -> one name (keys: lower case, letters and digits only)
_TESTS = {
    "neutrophils": "anc neut neuts neutrophil neutrophils neutrophilcount absoluteneutrophils "
    "neutrophilsabsolute absoluteneutrophilcount neutrophilsabs",
    "haemoglobin": "hb hgb haemoglobin hemoglobin",
    "platelets": "plt plts platelet platelets plateletcount",
    "wbc": "wbc wcc whitecellcount whitebloodcells whitebloodcellcount leukocytes totalwbc",
    "lymphocytes": "lymphocytes lymphs lymphocyte",
    "rbc": "rbc redcellcount redbloodcells",
    "haematocrit": "hct haematocrit hematocrit",
    "alt": "alt altsgpt sgpt alaninetransaminase alanineaminotransferase",
    "ast": "ast astsgot sgot aspartateaminotransferase aspartatetransaminase",
    "alp": "alp alkalinephosphatase alkphos",
    "bilirubin": "bilirubin bili totalbilirubin bilirubintotal tbili tbil",
    "creatinine": "creatinine creat cr",
    "egfr": "egfr gfr",
    "calcium": "calcium ca adjca adjustedcalcium correctedcalcium adjustedca",
    "ca15-3": "ca153 cancerantigen153",
    "cea": "cea carcinoembryonicantigen",
    "urea": "urea bun",
    "crp": "crp creactiveprotein",
    "glucose": "glucose fastingglucose glu",
    "sodium": "sodium na",
    "potassium": "potassium k",
    "magnesium": "magnesium mg",
    "albumin": "albumin alb",
    "vitamin_d": "vitamind 25ohvitamind vitd",
    "oestradiol": "oestradiol estradiol e2",
    "ldh": "ldh ld lactatedehydrogenase",
    "mcv": "mcv",
    "phosphate": "phosphate phos",
    "troponin": "troponin troponint troponini hstroponin hstroponint",
    "cholesterol": "cholesterol totalcholesterol chol",
    "triglycerides": "triglycerides trig trigs",
}
TEST_NAMES = {alias: name for name, aliases in _TESTS.items() for alias in aliases.split()}
_STOP_WORDS = {"grade", "because", "with", "from", "the", "and", "due", "for", "risk", "of"}


def test_name(written: str | None, unit: str | None = None) -> str:
    key = re.sub(r"[^a-z0-9]", "", (written or "").lower())
    name = TEST_NAMES.get(key, key)
    if (unit or "").strip() == "%" and name in ("neutrophils", "lymphocytes"):
        return f"{name}_percent"
    return name


def number(text: str | None) -> float | None:
    match = re.search(r"-?\d+(?:\.\d+)?", (text or "").replace(",", ""))
    return float(match.group()) if match else None


def unit_key(unit: str | None) -> str:
    text = (unit or "").lower().replace("µ", "u").replace("μ", "u").replace(" ", "")
    text = text.replace("*", "^").replace("10e", "10^").replace("x10", "10")
    return text.replace("k/ul", "10^3/ul")


def drug_key(drug: str) -> str:
    aliases = {"amoxicillinclavulanate": "coamoxiclav", "vitamind": "colecalciferol"}
    key = re.sub(r"[^a-z0-9]", "", re.sub(r"\(.*?\)", "", drug.lower()))
    return aliases.get(key, key)


def dose_key(dose: str | None) -> tuple[float | None, str]:
    match = re.search(r"(\d+(?:\.\d+)?)\s*(mg/m2|mg/kg|mg|g|units|meq|%)?", (dose or "").lower())
    return (float(match.group(1)), match.group(2) or "") if match else (None, "")


def _stems(text: str) -> set[str]:
    words = re.findall(r"[a-z]{4,}", text.lower())
    return {w[:6] for w in words if w not in _STOP_WORDS}


def reason_ok(gold: str, predicted: str | None) -> bool:
    return bool(predicted) and bool(_stems(gold) & _stems(predicted or ""))


@dataclass
class Rate:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += ok

    def text(self) -> str:
        share = f"{self.right / self.total:.2f}" if self.total else "n/a"
        return f"{share} ({self.right}/{self.total})"


@dataclass
class Tally:
    predicted: int = 0
    correct: int = 0
    gold: int = 0
    found: int = 0
    parts: dict[str, Rate] = field(default_factory=dict)

    def part(self, name: str, ok: bool) -> None:
        self.parts.setdefault(name, Rate()).add(ok)

    def pr(self) -> tuple[float, float]:
        precision = self.correct / self.predicted if self.predicted else 1.0
        recall = self.found / self.gold if self.gold else 1.0
        return round(precision, 3), round(recall, 3)


@dataclass
class Pred:
    key: tuple
    fact: Fact
    parts: dict[str, str | None]


def lab_predictions(facts: list[Fact]) -> list[Pred]:
    out = []
    for f in facts:
        if f.field != "lab" or number(f.value) is None:
            continue
        d = f.details
        key = (test_name(d.get("test"), d.get("unit")), f.date, number(f.value))
        parts = {"unit": d.get("unit"), "low": d.get("ref_low"), "high": d.get("ref_high"),
                 "flag": d.get("flag")}
        out.append(Pred(key, f, parts))
    return out


def _medication_events(f: Fact) -> list[tuple[str, str | None]]:
    d = f.details
    events = [(e, d.get(e) or d.get(alt)) for e, alt in
              (("start", ""), ("stop", ""), ("hold", "held"), ("restart", "restarted"))]
    events = [(e, day) for e, day in events if day]
    status = d.get("status") or ""
    if status == "past" and not d.get("stop"):
        events.append(("stop", f.date))
    for event, names in (("hold", HELD), ("restart", RESTARTED)):
        if status in names and not any(e == event for e, _ in events):
            events.append((event, f.date))
    return events


def med_predictions(facts: list[Fact]) -> list[Pred]:
    out = []
    for f in facts:
        d = f.details
        if f.field == "dose_change":
            key = (drug_key(f.value), "dose_change", d.get("date") or f.date)
            parts = {"dose": d.get("to"), "previous_dose": d.get("from"), "reason": d.get("reason")}
            out.append(Pred(key, f, parts))
        elif f.field == "medication":
            for event, day in _medication_events(f):
                out.append(Pred((drug_key(f.value), event, day), f, {"dose": d.get("dose"),
                                                                     "reason": d.get("reason")}))
    return out


def _lab_parts(tally: Tally, gold: dict, parts: dict) -> None:
    if gold["unit"]:
        tally.part("unit", unit_key(gold["unit"]) == unit_key(parts["unit"]))
    if gold["low"] is not None or gold["high"] is not None:
        same = number(gold["low"]) == number(parts["low"])
        tally.part("range", same and number(gold["high"]) == number(parts["high"]))
    if gold["flag"]:
        flag = (parts["flag"] or "").strip().upper()[:1]
        tally.part("flag", flag == gold["flag"][0].upper())


def _med_parts(tally: Tally, gold: dict, parts: dict) -> None:
    for name in ("dose", "previous_dose"):
        if gold[name]:
            tally.part(name, dose_key(gold[name]) == dose_key(parts.get(name)))
    if gold["reason"]:
        tally.part("reason", reason_ok(gold["reason"], parts.get("reason")))


def match(golds: list[tuple[tuple, dict]], preds: list[Pred], tally: Tally, kind: str,
          misses: list[str]) -> set[int]:
    """One-to-one matching on keys (a prediction repeated with the same key is one); returns
    the ids of the facts that matched a label."""
    free = list({p.key: p for p in reversed(preds)}.values())[::-1]
    preds = list(free)
    matched: set[int] = set()
    for key, gold in golds:
        tally.gold += 1
        hit = next((p for p in free if p.key == key), None)
        if hit is None:
            misses.append(f"missed {kind} {key}")
            continue
        free.remove(hit)
        tally.found += 1
        matched.add(id(hit.fact))
        (_lab_parts if kind == "lab" else _med_parts)(tally, gold, hit.parts)
    tally.predicted += len(preds)
    tally.correct += len(preds) - len(free)
    misses.extend(f"wrong {kind} {p.key}" for p in free)
    return matched


def trap_spans(pages: list[str], traps: list[dict], misses: list[str]) -> list[tuple]:
    spans = []
    for trap in traps:
        pattern = r"\s+".join(re.escape(w) for w in trap["text"].split())
        found = [(n, m.start(), m.end()) for n, text in enumerate(pages, 1)
                 for m in re.finditer(pattern, text)]
        if not found:
            misses.append(f"LABEL PROBLEM: trap not in text: {trap['text']!r}")
        spans.extend(found)
    return spans


def trap_facts(facts: list[Fact], spans: list[tuple], matched: set[int]) -> list[Fact]:
    out = []
    for f in facts:
        if id(f) in matched or f.field not in ("lab", "medication", "dose_change"):
            continue
        if f.field == "medication" and f.details.get("status") in NOT_A_CLAIM:
            continue
        ev = f.evidence
        if any(page == ev.page and a < ev.end and ev.start < b for page, a, b in spans):
            out.append(f)
    return out


@dataclass
class Result:
    labs: Tally = field(default_factory=Tally)
    meds: Tally = field(default_factory=Tally)
    by_event: dict[str, Tally] = field(default_factory=lambda: {e: Tally() for e in EVENTS})
    traps: int = 0
    doc_dates: Rate = field(default_factory=Rate)
    misses: dict[str, list[str]] = field(default_factory=dict)


def read_pages(path: Path) -> list[str]:
    return _read(path, path.read_bytes())[1]


def score_document(label: dict, folder: Path, result: Result) -> None:
    pages = read_pages(folder / label["doc"])
    facts = extract([(label["doc"], pages)])
    with document_order(document_day_first(pages)):
        result.doc_dates.add(document_info(pages).date == label["doc_date"])
    misses: list[str] = []
    lab_golds = [((g["name"], g["date"], number(g["value"])), g) for g in label["labs"]]
    matched = match(lab_golds, lab_predictions(facts), result.labs, "lab", misses)
    med_preds = med_predictions(facts)
    med_golds = [((drug_key(g["drug"]), g["event"], g["date"]), g)
                 for g in label["medication_events"]]
    for event in EVENTS:
        golds = [(k, g) for k, g in med_golds if k[1] == event]
        preds = [p for p in med_preds if p.key[1] == event]
        matched |= match(golds, preds, result.by_event[event], "medication", misses)
    spans = trap_spans(pages, label.get("traps") or [], misses)
    for f in trap_facts(facts, spans, matched):
        result.traps += 1
        misses.append(f"TRAP {f.field} {f.value!r} from {f.evidence.text[:70]!r}")
    result.misses[label["doc"]] = misses


def check_label(label: dict, folder: Path) -> None:
    """Fails loudly on a malformed label: a missing document, a bad date, event or flag."""
    where = f"{folder.name}/{label.get('doc')}"
    days = [label["doc_date"]] + [x["date"] for x in label["labs"] + label["medication_events"]]
    problems = [f"date {d!r}" for d in days if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(d))]
    problems += [f"event {e['event']!r}" for e in label["medication_events"]
                 if e["event"] not in EVENTS]
    problems += [f"flag {x['flag']!r}" for x in label["labs"] if x["flag"] not in (None, "H", "L")]
    problems += [f"value {x['value']!r}" for x in label["labs"] if number(x["value"]) is None]
    if not (folder / label["doc"]).is_file():
        problems.append("no such document")
    if problems:
        raise ValueError(f"bad label {where}: {', '.join(problems)}")


def load(split: str) -> tuple[list[dict], Path]:
    folder = DATA / split
    lines = (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    labels = [json.loads(line) for line in lines if line.strip()]
    for label in labels:
        check_label(label, folder)
    return labels, folder


def score(split: str) -> Result:
    labels, folder = load(split)
    result = Result()
    for label in labels:
        score_document(label, folder, result)
    for tally in result.by_event.values():
        for name in ("predicted", "correct", "gold", "found"):
            setattr(result.meds, name, getattr(result.meds, name) + getattr(tally, name))
        for name, rate in tally.parts.items():
            total = result.meds.parts.setdefault(name, Rate())
            total.right, total.total = total.right + rate.right, total.total + rate.total
    return result


def figures(result: Result, documents: int) -> dict:
    lab_p, lab_r = result.labs.pr()
    med_p, med_r = result.meds.pr()
    out: dict = {
        "documents": documents,
        "lab values precision": lab_p,
        "lab values recall": lab_r,
        "lab values labelled": result.labs.gold,
        **{f"lab {name} correct": r.text() for name, r in sorted(result.labs.parts.items())},
        "medication events precision": med_p,
        "medication events recall": med_r,
        "medication events labelled": result.meds.gold,
        **{f"event {name} correct": r.text() for name, r in sorted(result.meds.parts.items())},
    }
    for event, tally in result.by_event.items():
        p, r = tally.pr()
        counts = f"{tally.gold} labelled, {tally.predicted} predicted"
        shown_p = f"{p:.2f}" if tally.predicted else "n/a"
        out[f"  {event}"] = f"P {shown_p} R {r:.2f} ({counts})"
    out["trap facts produced"] = result.traps
    out["document dates correct"] = result.doc_dates.text()
    silent = [e for e, t in result.by_event.items() if t.gold and not t.predicted]
    if silent:
        out["events with no prediction (counted as missed)"] = ", ".join(silent)
    return out


def run(final: bool = False, verbose: bool = False) -> dict:
    saved: dict = {}
    for split in ("dev", "heldout") if final else ("dev",):
        if not (DATA / split / "labels.jsonl").exists():
            print(f"no labels for {split} at {DATA / split}")
            continue
        result = score(split)
        flat = figures(result, len(result.misses))
        show(f"clinic letters and lab tables, {split} set", flat)
        saved[split] = flat
        if verbose and split == "dev":  # never print the held-out set's details
            for doc, misses in result.misses.items():
                for line in misses:
                    print(f"    {doc}: {line}")
    save("clinic_documents", saved)
    return saved


def main(argv: list[str]) -> int:
    run(final="--final" in argv, verbose="--quiet" not in argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
