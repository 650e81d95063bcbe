"""A patient's profile: the facts extracted from her documents, with the corrections she made.

Facts are extracted once per document and kept encrypted in the vault (``doc/<id>/facts``,
re-extracted when the extractor changes). Corrections live in ``profile/corrections``, keyed
by a fact id built from the document's content hash, page, span and field, so they survive
removing and re-importing the same file and always win over extraction. Facts she adds by
hand live there too. Conflicting values are all kept; each field lists its facts newest
first."""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from desktop.core.packdata.fields import FieldRegistry
from desktop.core.packdata.packs import installed
from desktop.core.records import certainty, importer
from desktop.core.records.documents import document_info
from desktop.core.records.extract import Evidence, Fact, extract
from desktop.core.records.vault import Vault

EXTRACTOR_VERSION = "5"  # bump when extraction rules change: cached facts are redone
CORRECTIONS_BLOB = "profile/corrections"
Action = Literal["confirm", "correct", "delete"]


def fields() -> FieldRegistry:
    """The record-field registry of the installed packs (labels, single-valued fields, the
    summary): :mod:`desktop.core.packdata.fields`."""
    return installed().fields


def __getattr__(name: str) -> Any:
    """``FIELD_LABELS`` (field -> label, in the registry's order) and ``SINGLE_VALUED``, from
    the registry, for code that imports them."""
    if name == "FIELD_LABELS":
        return dict(fields().labels)
    if name == "SINGLE_VALUED":
        return frozenset(fields().single_valued)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class DocumentLabel:
    """How a document is cited: its kind and date, never its file name."""

    doc_id: str
    sha256: str
    kind: str
    date: str | None
    file_name: str  # shown only inside the unlocked window

    @property
    def title(self) -> str:
        return f"{self.kind} {self.date}" if self.date else self.kind


@dataclass
class ProfileFact:
    id: str
    field: str
    value: str
    date: str | None
    details: dict[str, str]
    evidence: Evidence | None  # None for a fact the patient added by hand
    doc_id: str | None
    source: Literal["extracted", "corrected", "added"] = "extracted"
    confirmed: bool = False
    extracted_value: str | None = None  # what the document said, when corrected
    check: str | None = None  # why it needs her check before an answer states it (certainty)

    @property
    def label(self) -> str:
        return fields().label(self.field)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Profile:
    facts: list[ProfileFact]
    documents: dict[str, DocumentLabel] = field(default_factory=dict)

    def by_field(self, name: str) -> list[ProfileFact]:
        """Facts of one field, newest first (undated last)."""
        return sorted(
            (f for f in self.facts if f.field == name),
            key=lambda f: (f.date is not None, f.date or ""),
            reverse=True,
        )

    def latest(self, name: str) -> ProfileFact | None:
        facts = self.by_field(name)
        return facts[0] if facts else None

    def conflicts(self) -> dict[str, list[str]]:
        """Single-valued fields whose facts disagree: field -> distinct values, newest first."""
        out: dict[str, list[str]] = {}
        for name in fields().single_valued:
            values: list[str] = []
            for f in self.by_field(name):
                if f.value not in values:
                    values.append(f.value)
            if len(values) > 1:
                out[name] = values
        return out

    def fact(self, fact_id: str) -> ProfileFact | None:
        return next((f for f in self.facts if f.id == fact_id), None)

    def summary(self) -> list[str]:
        """A few lines about her (diagnosis, stage, receptors, current medicines), for the
        printed visit list when she chooses to include them."""
        lines = []
        for spec in fields().in_summary:
            if spec.summary_line:
                values = [
                    f.value
                    for f in self.by_field(spec.name)
                    if (f.details.get("status") or "") in spec.summary_statuses
                    and not certainty.needs_check(f)
                ]
                if values:
                    joined = ", ".join(dict.fromkeys(values))
                    lines.append(spec.summary_line.replace("{values}", joined))
                continue
            fact = next((f for f in self.by_field(spec.name) if not certainty.needs_check(f)), None)
            if fact is not None:
                lines.append(f"{fact.label}: {fact.value}")
        return lines

    def to_dict(self) -> dict:
        return {
            "facts": [f.to_dict() for f in self.facts],
            "conflicts": self.conflicts(),
            "documents": {
                k: {"kind": d.kind, "date": d.date, "title": d.title}
                for k, d in self.documents.items()
            },
        }


def fact_id(sha256: str, fact: Fact) -> str:
    key = f"{sha256}|{fact.evidence.page}|{fact.evidence.start}|{fact.field}|{fact.value}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _fact_from_json(raw: dict) -> Fact:
    return Fact(
        raw["field"],
        raw["value"],
        Evidence(**raw["evidence"]),
        raw.get("date"),
        dict(raw.get("details") or {}),
    )


def document_facts(vault: Vault, doc: importer.RecordDocument) -> tuple[DocumentLabel, list[Fact]]:
    """The document's label and facts, from the vault's cache or extracted (and cached)."""
    raw = vault.get(f"doc/{doc.id}/facts")
    if raw:
        cached = json.loads(raw)
        if cached.get("version") == EXTRACTOR_VERSION:
            label = DocumentLabel(
                doc.id, doc.sha256, cached["kind"], cached.get("date"), doc.file_name
            )
            return label, [_fact_from_json(f) for f in cached["facts"]]
    texts = importer.pages(vault, doc.id)
    info = document_info(texts)
    kind, date = info.kind, info.date
    label = DocumentLabel(doc.id, doc.sha256, kind, date, doc.file_name)
    facts = extract([(doc.id, texts)])
    payload = {
        "version": EXTRACTOR_VERSION,
        "kind": kind,
        "date": date,
        "facts": [f.to_dict() for f in facts],
    }
    vault.put(f"doc/{doc.id}/facts", json.dumps(payload).encode("utf-8"))
    return label, facts


def load_corrections(vault: Vault) -> dict:
    raw = vault.get(CORRECTIONS_BLOB)
    data = json.loads(raw) if raw else {}
    data.setdefault("facts", {})
    data.setdefault("added", [])
    return data


def _save_corrections(vault: Vault, data: dict) -> None:
    vault.put(CORRECTIONS_BLOB, json.dumps(data).encode("utf-8"))


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def correct(vault: Vault, fact_id_: str, action: Action, value: str | None = None) -> None:
    """Confirm, correct (with a new value) or delete a fact; kept until she changes it."""
    if action == "correct" and not (value or "").strip():
        raise ValueError("a correction needs a value")
    data = load_corrections(vault)
    added = next((a for a in data["added"] if a["id"] == fact_id_), None)
    if added is not None:  # her own fact: edit it in place
        if action == "delete":
            data["added"].remove(added)
        elif action == "correct":
            added["value"] = value.strip()  # type: ignore[union-attr]
    else:
        entry: dict = {"action": action, "at": _now()}
        if action == "correct":
            entry["value"] = value.strip()  # type: ignore[union-attr]
        data["facts"][fact_id_] = entry
    _save_corrections(vault, data)


def undo_correction(vault: Vault, fact_id_: str) -> None:
    data = load_corrections(vault)
    if data["facts"].pop(fact_id_, None) is not None:
        _save_corrections(vault, data)


def add_fact(vault: Vault, field_: str, value: str, date: str | None = None) -> str:
    """A fact she enters herself (for example a result not in any imported document)."""
    if not value.strip():
        raise ValueError("the value is empty")
    data = load_corrections(vault)
    new_id = "added-" + uuid.uuid4().hex[:10]
    data["added"].append(
        {"id": new_id, "field": field_, "value": value.strip(), "date": date, "at": _now()}
    )
    _save_corrections(vault, data)
    return new_id


def build_profile(vault: Vault, docs: Iterable[importer.RecordDocument] | None = None) -> Profile:
    """Extracted facts of every document, corrections applied, plus her own facts."""
    corrections = load_corrections(vault)
    labels: dict[str, DocumentLabel] = {}
    facts: list[ProfileFact] = []
    for doc in docs if docs is not None else importer.documents(vault):
        label, extracted = document_facts(vault, doc)
        labels[doc.id] = label
        for fact in extracted:
            fid = fact_id(doc.sha256, fact)
            details, unusual = certainty.unusual_place(fact.details)
            fix = corrections["facts"].get(fid)
            if fix and fix["action"] == "delete":
                continue
            corrected = bool(fix and fix["action"] == "correct")
            facts.append(
                ProfileFact(
                    id=fid,
                    field=fact.field,
                    value=fix["value"] if corrected else fact.value,  # type: ignore[index]
                    date=fact.date or label.date,
                    details=details,
                    evidence=fact.evidence,
                    doc_id=doc.id,
                    source="corrected" if corrected else "extracted",
                    confirmed=bool(fix),
                    extracted_value=fact.value if corrected else None,
                    check=None if fix else unusual,
                )
            )
    for added in corrections["added"]:
        facts.append(
            ProfileFact(
                id=added["id"],
                field=added["field"],
                value=added["value"],
                date=added.get("date"),
                details={},
                evidence=None,
                doc_id=None,
                source="added",
                confirmed=True,
            )
        )
    certainty.settle(facts, fields().single_valued)
    return Profile(facts, labels)
