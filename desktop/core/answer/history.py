"""Question history: each answer kept so it can be searched and reopened.

With a patient unlocked, entries go into her vault (encrypted, one blob per entry under
``history/``). Without one, history is kept only in memory, unless the user turned on
``keep_history_without_patient``, in which case it goes to ``history.jsonl`` in the data
folder (no patient content is involved there). ``history_for`` makes that choice; the window
only asks it."""

from __future__ import annotations

import datetime
import json
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from desktop.core.answer.schema import (
    Answer,
    Citation,
    Clarification,
    RelatedQuestion,
    Section,
    Urgent,
)
from desktop.core.text import fold

if TYPE_CHECKING:
    from desktop.core.records.vault import Vault

HISTORY_FILE = "history.jsonl"


@dataclass(frozen=True)
class HistoryEntry:
    id: str
    asked_at: str  # ISO time, UTC
    question: str
    answer: dict

    def to_answer(self) -> Answer:
        return answer_from_dict(self.answer)

    def matches(self, text: str) -> bool:
        """Every word of ``text`` appears in the question or the answer."""
        haystack = fold(self.question + " " + str(self.answer.get("answer_markdown", "")))
        return all(word in haystack for word in fold(text).split())


def answer_from_dict(data: dict) -> Answer:
    """Rebuild an Answer from its JSON form (unknown keys ignored)."""
    clar = data.get("clarification")
    urgent = data.get("urgent")
    return Answer(
        question=data.get("question", ""),
        mode=data.get("mode", "extractive"),
        answer_markdown=data.get("answer_markdown", ""),
        sections=[Section(s["heading"], s["markdown"]) for s in data.get("sections", [])],
        citations=[Citation(**c) for c in data.get("citations", [])],
        related_questions=[RelatedQuestion(**r) for r in data.get("related_questions", [])],
        questions_for_care_team=list(data.get("questions_for_care_team", [])),
        clarification=Clarification(**clar) if clar else None,
        urgent=Urgent(**urgent) if urgent else None,
        timings_ms=dict(data.get("timings_ms", {})),
        notice=str(data.get("notice", "")),
        model=str(data.get("model", "")),
        stopped=bool(data.get("stopped", False)),
        verification=dict(data.get("verification", {})),
    )


def new_entry(answer: Answer) -> HistoryEntry:
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds")
    return HistoryEntry(uuid.uuid4().hex[:12], now, answer.question, answer.to_dict())


class History(Protocol):
    def add(self, answer: Answer) -> HistoryEntry: ...
    def entries(self) -> list[HistoryEntry]: ...
    def clear(self) -> None: ...


def search(history: History, text: str) -> list[HistoryEntry]:
    """Entries newest first, those matching ``text`` (all when it is blank)."""
    found = history.entries()
    return [e for e in found if e.matches(text)] if text.strip() else found


class MemoryHistory:
    """Kept for this run only."""

    def __init__(self) -> None:
        self._entries: list[HistoryEntry] = []
        self._lock = threading.Lock()

    def add(self, answer: Answer) -> HistoryEntry:
        entry = new_entry(answer)
        with self._lock:
            self._entries.append(entry)
        return entry

    def entries(self) -> list[HistoryEntry]:
        with self._lock:
            return sorted(self._entries, key=lambda e: e.asked_at, reverse=True)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _parse_line(line: bytes) -> HistoryEntry | None:
    try:
        return HistoryEntry(**json.loads(line.decode("utf-8")))
    except (ValueError, TypeError):  # UnicodeDecodeError is a ValueError
        return None


class FileHistory(MemoryHistory):
    """The opt-in history without a patient: JSON Lines in the data folder.

    A process killed mid-append leaves a torn last line (no newline, perhaps half a UTF-8
    character). Opening the file cuts that tail off (unless it is a whole entry that only
    lacks its newline, which gets one), and every append starts on a fresh line, so the next
    entry is never glued onto a torn one. Damaged lines elsewhere are skipped."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return
        lines = data.split(b"\n")
        tail = lines.pop()  # b"" when the file ends with a newline
        for line in lines:
            entry = _parse_line(line)
            if entry is not None:
                self._entries.append(entry)
        if tail:
            self._repair_tail(len(data) - len(tail), _parse_line(tail))

    def _repair_tail(self, end_of_whole_lines: int, last: HistoryEntry | None) -> None:
        with self.path.open("r+b") as fh:
            if last is not None:  # complete but for its newline
                self._entries.append(last)
                fh.seek(0, 2)
                fh.write(b"\n")
            else:
                fh.truncate(end_of_whole_lines)

    def add(self, answer: Answer) -> HistoryEntry:
        entry = super().add(answer)
        line = (json.dumps(entry.__dict__, ensure_ascii=False) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+b") as fh:
            fh.seek(0, 2)
            if fh.tell():  # another process may have been killed mid-line since we opened
                fh.seek(-1, 2)
                if fh.read(1) != b"\n":
                    line = b"\n" + line
            fh.write(line)  # appends go to the end whatever the position
        return entry

    def clear(self) -> None:
        super().clear()
        self.path.unlink(missing_ok=True)


class VaultHistory:
    """A patient's history, encrypted in her vault (one blob per entry)."""

    PREFIX = "history/"

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def add(self, answer: Answer) -> HistoryEntry:
        entry = new_entry(answer)
        blob = json.dumps(entry.__dict__, ensure_ascii=False).encode("utf-8")
        self.vault.put(f"{self.PREFIX}{entry.asked_at}-{entry.id}", blob)
        return entry

    def entries(self) -> list[HistoryEntry]:
        out = []
        for blob_id in self.vault.ids(self.PREFIX):
            raw = self.vault.get(blob_id)
            if raw:
                try:
                    out.append(HistoryEntry(**json.loads(raw)))
                except (ValueError, TypeError):
                    continue
        return sorted(out, key=lambda e: e.asked_at, reverse=True)

    def clear(self) -> None:
        self.vault.delete(*self.vault.ids(self.PREFIX))


@dataclass(frozen=True)
class HistoryChoice:
    """The history to keep answers in, and where it is kept (said in the History tab)."""

    store: History
    where: str


def history_for(
    vault: Vault | None, name: str, home: Path, keep_without_patient: bool
) -> HistoryChoice:
    """Her encrypted history when her records are unlocked (``vault``, her ``name``); else
    the plain file in the data folder if the user asked to keep history without a patient,
    else this session's memory only."""
    if vault is not None:
        return HistoryChoice(VaultHistory(vault), f"Kept encrypted in {name}'s records.")
    if keep_without_patient:
        return HistoryChoice(
            FileHistory(home / HISTORY_FILE),
            "Kept on this computer (you turned history on; no patient unlocked).",
        )
    return HistoryChoice(MemoryHistory(), "Kept for this session only (no patient unlocked).")
