"""The visit-preparation list: questions to ask the care team, gathered across answers.

Qt-free. The window keeps one ``VisitList``; the user edits, reorders and removes its items.
With a patient unlocked it is kept encrypted in her vault under ``VAULT_BLOB`` (``stored_list``,
``store_list``, ``list_after_unlock``); without one, for this session only. ``render_html``
gives simple printable HTML that the UI prints or writes to PDF."""

from __future__ import annotations

import html
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.core.records.vault import Vault

TITLE = "Questions for my care team"
PROFILE_HEADING = "About me (from my records)"
FORMAT_VERSION = 1
VAULT_BLOB = "visit/list"  # where her list is kept in her vault

_MONTHS = (
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


def visit_date_text(day: date) -> str:
    """An unambiguous, locale-independent date for the printout, e.g. ``3 March 2025``."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def clean_text(text: str) -> str:
    """Trim and collapse runs of whitespace (a question is one line)."""
    return " ".join(text.split())


def question_key(text: str) -> str:
    """The duplicate-detection key: case-, whitespace- and punctuation-insensitive."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in folded)
    return " ".join(kept.split())


@dataclass
class VisitItem:
    """One question on the list, with the question whose answer suggested it."""

    text: str
    origin: str = ""
    added: str = ""  # ISO date (YYYY-MM-DD) the item was added

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "origin": self.origin, "added": self.added}


@dataclass
class VisitList:
    """An ordered list of questions to take to an appointment."""

    items: list[VisitItem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.items)

    def texts(self) -> list[str]:
        return [item.text for item in self.items]

    def add(self, questions: Iterable[str], origin: str, *, today: date | None = None) -> int:
        """Append the questions not already on the list; returns how many were added.

        Empty questions and duplicates (ignoring case, whitespace and punctuation, both
        against the list and within ``questions``) are skipped."""
        added_on = (today or date.today()).isoformat()
        seen = {question_key(item.text) for item in self.items}
        count = 0
        for question in questions:
            text = clean_text(question)
            key = question_key(text)
            if not key or key in seen:
                continue
            seen.add(key)
            self.items.append(VisitItem(text=text, origin=clean_text(origin), added=added_on))
            count += 1
        return count

    def remove(self, index: int) -> VisitItem:
        """Remove and return the item at ``index`` (IndexError when out of range)."""
        self._check(index)
        return self.items.pop(index)

    def move(self, source: int, target: int) -> None:
        """Move the item at ``source`` so that it ends up at index ``target``."""
        self._check(source)
        self._check(target)
        self.items.insert(target, self.items.pop(source))

    def edit(self, index: int, text: str) -> None:
        """Replace the text of the item at ``index``; empty text raises ValueError."""
        self._check(index)
        cleaned = clean_text(text)
        if not cleaned:
            raise ValueError("a question cannot be empty")
        self.items[index].text = cleaned

    def clear(self) -> None:
        self.items.clear()

    def copy(self) -> VisitList:
        return VisitList([VisitItem(i.text, i.origin, i.added) for i in self.items])

    def _check(self, index: int) -> None:
        if not 0 <= index < len(self.items):
            raise IndexError(f"visit list index {index} out of range (0..{len(self.items) - 1})")

    # -- storage -----------------------------------------------------------------------------

    def to_json(self) -> bytes:
        payload = {"version": FORMAT_VERSION, "items": [item.to_dict() for item in self.items]}
        return json.dumps(payload, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | str) -> VisitList:
        """Read what ``to_json`` wrote; unknown keys are ignored.

        Raises ValueError (whose message never quotes the data) when the blob is malformed."""
        try:
            payload: Any = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"visit list data is not valid JSON ({type(exc).__name__})") from None
        if not isinstance(payload, dict):
            raise ValueError("visit list data must be a JSON object")
        raw_items = payload.get("items", [])
        if not isinstance(raw_items, list):
            raise ValueError("visit list 'items' must be a list")
        items: list[VisitItem] = []
        for n, raw in enumerate(raw_items):
            if not isinstance(raw, dict):
                raise ValueError(f"visit list item {n} must be an object")
            text = raw.get("text")
            if not isinstance(text, str) or not clean_text(text):
                raise ValueError(f"visit list item {n} needs a non-empty 'text' string")
            origin = raw.get("origin", "")
            added = raw.get("added", "")
            if not isinstance(origin, str) or not isinstance(added, str):
                raise ValueError(f"visit list item {n}: 'origin' and 'added' must be strings")
            items.append(VisitItem(text=clean_text(text), origin=origin, added=added))
        return cls(items)

    # -- printing ----------------------------------------------------------------------------

    def render_html(self, title_date: str, profile_summary: list[str] | None) -> str:
        """Simple printable HTML: heading, date, optional profile summary, numbered questions."""
        esc = html.escape
        parts = [
            "<!DOCTYPE html>",
            "<html><head><meta charset='utf-8'>",
            f"<title>{esc(TITLE)}</title></head><body>",
            f"<h1>{esc(TITLE)}</h1>",
            f"<p>Date: {esc(title_date)}</p>",
        ]
        lines = [clean_text(line) for line in profile_summary or []]
        lines = [line for line in lines if line]
        if lines:
            parts.append(f"<h2>{esc(PROFILE_HEADING)}</h2>")
            parts.append("<ul>" + "".join(f"<li>{esc(line)}</li>" for line in lines) + "</ul>")
        parts.append("<h2>My questions</h2>")
        if self.items:
            parts.append(
                "<ol>" + "".join(f"<li>{esc(item.text)}</li>" for item in self.items) + "</ol>"
            )
        else:
            parts.append("<p>No questions yet.</p>")
        parts.append("</body></html>")
        return "\n".join(parts)


# -- kept in her vault ---------------------------------------------------------------------


def stored_list(vault: Vault) -> VisitList | None:
    """Her stored list, or None when she has none yet. Raises ValueError (one sentence,
    never quoting the data) for a damaged one."""
    raw = vault.get(VAULT_BLOB)
    return VisitList.from_json(raw) if raw else None


def store_list(vault: Vault, data: bytes) -> None:
    """Keep ``data`` (what ``VisitList.to_json`` returned) as her list."""
    vault.put(VAULT_BLOB, data)


def list_after_unlock(stored: VisitList | None, gathered: VisitList) -> tuple[VisitList, bool]:
    """The list to show once her records are unlocked, and whether it must be stored: her
    own list; or, when she has none yet, the questions gathered before unlocking, which
    become hers."""
    if stored is not None:
        return stored, False
    return gathered.copy(), bool(gathered.items)
