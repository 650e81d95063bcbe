"""The pack validator: the shipped pack passes; broken packs are rejected with reasons."""

from __future__ import annotations

from pathlib import Path

from desktop.core.knowledge.validate import check_pack, write_manifest
from desktop.core.resources import guidelines_dir
from tests.packs import section_text, write_pack

TWO = {"a": ("Alpha topic", "alpha"), "b": ("Beta topic", "beta")}


def test_shipped_pack_is_valid_and_large_enough() -> None:
    report = check_pack(guidelines_dir() / "breast-cancer")
    assert report.ok, report.errors[:10]
    assert report.sections >= 150
    assert 5 < report.words_per_sentence < 25


def test_problems_are_reported(tmp_path: Path) -> None:
    root = write_pack(tmp_path, TWO)
    sections = root / "sections"
    (sections / "c.md").write_text(section_text("c", "Dangling", "gamma", related=("nowhere",)))
    (sections / "d.md").write_text(section_text("a", "Duplicate id", "alpha"))
    (sections / "e.md").write_text(section_text("e", "Too short", "eps", body="Too short."))
    (sections / "f.md").write_text("no front matter here")
    (sections / "g.md").write_text(
        section_text("g", "No sources", "g").split("[[sources]]")[0] + "+++\n\n" + "word " * 100
    )
    errors = "\n".join(check_pack(root).errors)
    assert "related id 'nowhere' does not exist" in errors
    assert "duplicate id 'a'" in errors
    assert "body has 2 words" in errors
    assert "does not start with a +++" in errors
    assert "g.md: no sources" in errors
    assert "not listed in manifest.toml" in errors


def test_checksum_mismatch_is_reported(tmp_path: Path) -> None:
    root = write_pack(tmp_path, TWO)
    assert check_pack(root).ok
    path = root / "sections" / "a.md"
    path.write_text(path.read_text() + "\nchanged\n")
    assert any("checksum differs" in e for e in check_pack(root).errors)
    write_manifest(root)
    assert check_pack(root).ok


def test_malformed_manifest(tmp_path: Path) -> None:
    root = write_pack(tmp_path, TWO)
    (root / "manifest.toml").write_text("[pack\n")
    report = check_pack(root)
    assert not report.ok and "malformed" in report.errors[0]


def test_data_file_problems_are_reported_clearly(tmp_path: Path) -> None:
    root = write_pack(tmp_path, TWO)
    (root / "scope.toml").write_text(
        'message = "Outside."\ncovers = ["alpha"]\n'
        '[[neighbours]]\nname = "beta things"\npatterns = ["(unclosed"]\n'
        '[urgent]\nreasons = { fever = "x" }\n'
        '[[urgent.rules]]\nreason = "r"\nsymptoms = ["cough"]\ndrugs = ["nothing"]\n'
    )
    (root / "vocabulary.toml").write_text('[drugs]\nalpha = { brands = ["A"], classes = ["c"] }\n')
    (root / "fields.toml").write_text('[fields.x]\nlabel = "X"\nsentence = "{nowhere}"\n')
    write_manifest(root)
    errors = "\n".join(check_pack(root).errors)
    assert "scope.toml: neighbours 1: pattern 1: not a valid regular expression" in errors
    assert "scope.toml: urgent.reasons: no general sign 'fever'" in errors
    assert "urgent rule 'r': no drug 'nothing' in vocabulary.toml" in errors
    assert "vocabulary.toml: drugs.alpha: unknown class 'c'" in errors
    assert "fields.toml: fields.x: unknown placeholder '{nowhere}'" in errors
    (root / "fields.toml").write_text("[fields.x\n")
    errors = "\n".join(check_pack(root).errors)
    assert "fields.toml: not valid TOML" in errors
    assert "fields.toml: checksum differs from manifest.toml" in errors


def test_a_pack_without_data_files_is_valid(tmp_path: Path) -> None:
    root = write_pack(tmp_path, TWO)
    assert check_pack(root).ok
    assert not (root / "scope.toml").exists()


def test_unreadable_or_linked_data_files_are_reported(tmp_path: Path) -> None:
    root = write_pack(tmp_path, TWO)
    (root / "scope.toml").mkdir()
    outside = tmp_path / "elsewhere.toml"
    outside.write_text('[drugs]\nx = { brands = ["X"] }\n')
    (root / "vocabulary.toml").symlink_to(outside)
    errors = "\n".join(check_pack(root).errors)
    assert "scope.toml: cannot be read" in errors
    assert "vocabulary.toml: links are not allowed in a pack" in errors
