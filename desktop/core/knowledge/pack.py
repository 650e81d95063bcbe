"""Guideline packs: one Markdown file per section with TOML front matter, plus a manifest.

A pack is a folder ``guidelines/<pack-id>/`` holding ``manifest.toml`` and ``sections/*.md``,
and optionally its data files (``scope.toml``, ``vocabulary.toml``, ``fields.toml``: see
:mod:`desktop.core.packdata`), read when first needed. Loading never raises on one bad
section: problems are collected so the rest of the pack still loads, and
:mod:`desktop.core.knowledge.validate` reports them."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.packdata.packs import Coverage, PackData

FRONT_MATTER = "+++"
MAX_SECTION_BYTES = 200_000


class PackError(ValueError):
    """A pack that cannot be used at all (no manifest, unreadable manifest)."""


@dataclass(frozen=True)
class Source:
    org: str
    title: str
    year: int
    url: str


@dataclass(frozen=True)
class GuidelineSection:
    pack_id: str
    id: str
    title: str
    body: str
    questions: tuple[str, ...] = ()
    key_points: tuple[str, ...] = ()
    care_team_questions: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    status: str = "standard"
    last_reviewed: str = ""
    path: str = ""
    digest: str = ""
    locator: str = ""  # where in the source, e.g. "p. 47" for an imported PDF

    @property
    def key(self) -> str:
        """Globally unique key: pack id and section id."""
        return f"{self.pack_id}/{self.id}"


@dataclass
class Pack:
    id: str
    name: str
    version: str
    date: str
    topic: str
    root: Path
    sections: list[GuidelineSection] = field(default_factory=list)
    checksums: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # its scope, vocabulary and record fields, read on first use
    data: PackData = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.data = PackData(self.root, self.id, self.topic)

    def by_id(self) -> dict[str, GuidelineSection]:
        return {s.id: s for s in self.sections}


def coverage_of(packs: Iterable[Pack]) -> Coverage:
    """What these packs declare together (scope, vocabulary, fields, the prompt's subject)."""
    return Coverage([pack.data for pack in packs])


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _strings(value: object, name: str, where: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: '{name}' must be a list of strings")
        return ()
    return tuple(v.strip() for v in value if v.strip())


def parse_section(
    text: str, pack_id: str, where: str, problems: list[str]
) -> GuidelineSection | None:
    """Parse one section file's text; on failure append a problem and return None."""
    if not text.startswith(FRONT_MATTER):
        problems.append(f"{where}: does not start with a +++ front-matter block")
        return None
    try:
        _, front, body = text.split(FRONT_MATTER, 2)
        meta = tomllib.loads(front)
    except ValueError as exc:  # unpacking or TOMLDecodeError
        problems.append(f"{where}: front matter is not valid TOML ({exc})")
        return None
    sid, title = meta.get("id"), meta.get("title")
    if not isinstance(sid, str) or not sid.strip():
        problems.append(f"{where}: missing 'id'")
        return None
    if not isinstance(title, str) or not title.strip():
        problems.append(f"{where}: missing 'title'")
        return None
    sources: list[Source] = []
    raw_sources = meta.get("sources", [])
    if not isinstance(raw_sources, list):
        raw_sources = []
        problems.append(f"{where}: 'sources' must be an array of tables")
    for i, src in enumerate(raw_sources):
        try:
            sources.append(
                Source(str(src["org"]), str(src["title"]), int(src["year"]), str(src["url"]))
            )
        except (KeyError, TypeError, ValueError):
            problems.append(f"{where}: source {i + 1} needs org, title, year and url")
    return GuidelineSection(
        pack_id=pack_id,
        id=sid.strip(),
        title=title.strip(),
        body=body.strip(),
        questions=_strings(meta.get("questions"), "questions", where, problems),
        key_points=_strings(meta.get("key_points"), "key_points", where, problems),
        care_team_questions=_strings(
            meta.get("care_team_questions"), "care_team_questions", where, problems
        ),
        related=_strings(meta.get("related"), "related", where, problems),
        tags=tuple(t.lower() for t in _strings(meta.get("tags"), "tags", where, problems)),
        sources=tuple(sources),
        status=str(meta.get("status", "standard")),
        last_reviewed=str(meta.get("last_reviewed", "")),
        path=where,
        digest=sha256_bytes(text.encode("utf-8")),
    )


def load_pack(root: Path) -> Pack:
    """Load the pack in ``root``. Raises PackError only when the manifest is unusable."""
    manifest_path = root / "manifest.toml"
    try:
        manifest = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
        info = manifest["pack"]
        pack = Pack(
            id=str(info["id"]),
            name=str(info["name"]),
            version=str(info["version"]),
            date=str(info["date"]),
            topic=str(info.get("topic", info["name"])),
            root=root,
            checksums={str(k): str(v) for k, v in manifest.get("files", {}).items()},
        )
    except FileNotFoundError as exc:
        raise PackError(f"{root.name}: no manifest.toml") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise PackError(f"{root.name}: manifest.toml is malformed ({exc})") from exc
    sections_dir = (root / "sections").resolve()
    for path in sorted(sections_dir.glob("*.md")):
        rel = f"sections/{path.name}"
        if path.is_symlink() or path.resolve().parent != sections_dir:
            pack.problems.append(f"{rel}: links outside the pack are not allowed")
            continue
        if path.stat().st_size > MAX_SECTION_BYTES:
            pack.problems.append(f"{rel}: larger than {MAX_SECTION_BYTES // 1000} kB, skipped")
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            pack.problems.append(f"{rel}: not UTF-8 text")
            continue
        section = parse_section(text, pack.id, rel, pack.problems)
        if section is not None:
            pack.sections.append(section)
    return pack


def discover_packs(guidelines_dir: Path) -> tuple[list[Pack], list[str]]:
    """All packs under ``guidelines_dir``; malformed ones are reported, not raised."""
    packs: list[Pack] = []
    problems: list[str] = []
    if not guidelines_dir.is_dir():
        return packs, [f"no guideline folder at {guidelines_dir}"]
    for child in sorted(p for p in guidelines_dir.iterdir() if p.is_dir()):
        if not (child / "manifest.toml").exists():
            continue
        try:
            packs.append(load_pack(child))
        except PackError as exc:
            problems.append(str(exc))
    return packs, problems
