"""The pack validator behind ``python -m desktop guidelines check``.

Rejects missing fields, duplicate ids, dangling related ids, empty sources, bodies outside
80-300 words, checksum mismatches and every problem in the pack's data files (scope,
vocabulary, record fields: :mod:`desktop.core.packdata`); reports reading-level figures
(words per sentence, Flesch reading ease) so writers can keep sections plain."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.knowledge.pack import GuidelineSection, Pack, load_pack, sha256_bytes
from desktop.core.packdata.packs import DATA_FILES
from desktop.core.text import split_sentences

MIN_WORDS, MAX_WORDS = 80, 300
MIN_QUESTIONS = 3
STATUSES = ("standard", "investigational", "mixed")
_VOWELS = re.compile(r"[aeiouy]+")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def syllables(word: str) -> int:
    word = word.lower().strip(".,;:!?()'\"")
    if not word:
        return 0
    count = len(_VOWELS.findall(word))
    if word.endswith("e") and not word.endswith("le") and count > 1:
        count -= 1
    return max(1, count)


@dataclass
class Report:
    pack: Pack | None
    errors: list[str] = field(default_factory=list)
    sections: int = 0
    words_per_sentence: float = 0.0
    flesch_reading_ease: float = 0.0
    hardest: list[tuple[str, float]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def manifest_checksums(root: Path) -> dict[str, str]:
    """Checksums of the pack's sections and of its data files (those it has)."""
    paths = sorted((root / "sections").glob("*.md"))
    paths += [root / name for name in DATA_FILES if (root / name).is_file()]
    return {p.relative_to(root).as_posix(): sha256_bytes(p.read_bytes()) for p in paths}


def check_pack(root: Path) -> Report:
    try:
        pack = load_pack(root)
    except ValueError as exc:
        return Report(None, [str(exc)])
    report = Report(pack, list(pack.problems))
    ids = _check_ids(pack, report.errors)
    for s in pack.sections:
        report.errors.extend(_section_errors(s, ids))
    _reading_level(pack, report)
    report.errors.extend(_checksum_errors(root, pack))
    report.errors.extend(pack.data.problems())
    return report


def _check_ids(pack: Pack, errors: list[str]) -> dict[str, str]:
    """Section id -> its file; a duplicate id or one unlike its file name is an error."""
    ids: dict[str, str] = {}
    for s in pack.sections:
        if s.id in ids:
            errors.append(f"{s.path}: duplicate id '{s.id}' (also in {ids[s.id]})")
        ids[s.id] = s.path
        if Path(s.path).stem != s.id:
            errors.append(f"{s.path}: id '{s.id}' does not match the file name")
    return ids


def _section_errors(s: GuidelineSection, ids: dict[str, str]) -> list[str]:
    n_words = len(s.body.split())
    problems = [
        (
            not MIN_WORDS <= n_words <= MAX_WORDS,
            f"body has {n_words} words (allowed {MIN_WORDS}-{MAX_WORDS})",
        ),
        (len(s.questions) < MIN_QUESTIONS, f"needs at least {MIN_QUESTIONS} questions"),
        (not s.key_points, "missing key_points"),
        (not s.care_team_questions, "missing care_team_questions"),
        (not s.sources, "no sources"),
        (s.status not in STATUSES, f"status must be one of {', '.join(STATUSES)}"),
        (not _DATE.match(s.last_reviewed), "last_reviewed must be a YYYY-MM-DD date"),
    ]
    problems += [(rid not in ids, f"related id '{rid}' does not exist") for rid in s.related]
    return [f"{s.path}: {message}" for failed, message in problems if failed]


def _reading_level(pack: Pack, report: Report) -> None:
    total_words = total_sentences = total_syllables = 0
    per_section: list[tuple[str, float]] = []
    for s in pack.sections:
        sentences = split_sentences(s.body)
        body_words = s.body.split()
        syl = sum(syllables(w) for w in body_words)
        total_words += len(body_words)
        total_sentences += len(sentences)
        total_syllables += syl
        if sentences and body_words:
            per_section.append((s.id, _flesch(len(body_words), len(sentences), syl)))
    report.sections = len(pack.sections)
    if total_sentences:
        report.words_per_sentence = total_words / total_sentences
        report.flesch_reading_ease = _flesch(total_words, total_sentences, total_syllables)
    report.hardest = sorted(per_section, key=lambda x: x[1])[:5]


def _checksum_errors(root: Path, pack: Pack) -> list[str]:
    actual = manifest_checksums(root)
    errors = []
    for rel, digest in actual.items():
        if rel not in pack.checksums:
            errors.append(f"{rel}: not listed in manifest.toml (run 'guidelines manifest')")
        elif pack.checksums[rel] != digest:
            errors.append(f"{rel}: checksum differs from manifest.toml")
    errors += [
        f"{rel}: listed in manifest.toml but missing" for rel in pack.checksums if rel not in actual
    ]
    return errors


def _flesch(words: int, sentences: int, syllable_count: int) -> float:
    return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllable_count / words)


def write_manifest(root: Path, version: str | None = None, date: str | None = None) -> Path:
    """Rewrite manifest.toml's [files] checksums (keeping [pack], updating version/date)."""
    import tomllib

    path = root / "manifest.toml"
    info = tomllib.loads(path.read_text(encoding="utf-8"))["pack"]
    if version:
        info["version"] = version
    if date:
        info["date"] = date
    lines = ["[pack]"] + [f'{k} = "{v}"' for k, v in info.items()] + ["", "[files]"]
    lines += [f'"{rel}" = "{digest}"' for rel, digest in manifest_checksums(root).items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
