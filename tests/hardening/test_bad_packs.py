"""Bad guideline packs: missing fields, duplicate ids, path traversal, a 50 MB section and
more. ``guidelines check`` names each problem and exits non-zero without a traceback, the
rest of the pack still loads, the app starts and answers from the good sections, and the
pack folder is never changed by reading it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.__main__ import main
from desktop.core.knowledge.validate import check_pack, write_manifest
from desktop.services import load_sections
from desktop.settings import load_settings
from tests.hardening.conftest import folder_state
from tests.packs import section_text, write_pack

FIFTY_MB = 50 * 1024 * 1024


def _section(sid: str) -> str:
    return section_text(sid, f"Topic {sid}", f"topic {sid}")


def _write(pack: Path, name: str, text: str | bytes) -> None:
    path = pack / "sections" / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def make_bad_pack(root: Path, kind: str, outside: Path) -> None:
    """A pack 'bad' with a good section 'fine' and one problem of the given kind."""
    pack = write_pack(root, {"fine": ("Fine topic", "fine")}, pack_id="bad")
    good = _section("x")
    if kind == "missing-id":
        _write(pack, "x.md", good.replace('id = "x"\n', ""))
    elif kind == "missing-title":
        _write(pack, "x.md", good.replace('title = "Topic x"\n', ""))
    elif kind == "missing-source-fields":
        _write(pack, "x.md", good.replace("year = 2025\n", "").replace('url = "', 'link = "'))
    elif kind == "missing-front-matter":
        _write(pack, "x.md", "Just a body without its front matter.\n")
    elif kind == "bad-toml":
        _write(pack, "x.md", good.replace('status = "standard"', "status = standard ["))
    elif kind == "wrong-types":
        _write(pack, "x.md", good.replace('tags = ["topic x"]', "tags = 5").replace(
            'questions = [', 'questions = [1, '))
    elif kind == "duplicate-id":
        _write(pack, "x.md", _section("fine"))
    elif kind == "duplicate-pack-id":
        write_pack(root, {"fine": ("Other fine topic", "other")}, pack_id="bad-copy")
        manifest = root / "bad-copy" / "manifest.toml"
        manifest.write_text(manifest.read_text().replace('id = "bad-copy"', 'id = "bad"'))
    elif kind == "symlink-outside":
        (pack / "sections" / "x.md").symlink_to(outside)
    elif kind == "traversal-in-manifest":
        manifest = pack / "manifest.toml"
        manifest.write_text(
            manifest.read_text() + f'"../../../{outside.name}" = "{"0" * 64}"\n'
        )
    elif kind == "traversal-in-id":
        _write(pack, "x.md", good.replace('id = "x"', 'id = "../../../etc/passwd"'))
    elif kind == "fifty-mb-section":
        with (pack / "sections" / "x.md").open("w", encoding="utf-8") as fh:
            fh.write(good)
            block = "Extra words about a very long section. " * 1000
            while fh.tell() < FIFTY_MB:
                fh.write(block)
    elif kind == "not-utf8":
        _write(pack, "x.md", good.encode("utf-8").replace(b"Topic x", b"Topic \xff\xfe x"))
    elif kind == "bad-manifest":
        (pack / "manifest.toml").write_text("[pack\nid = ")
    else:
        raise AssertionError(kind)
    if kind not in ("bad-manifest", "traversal-in-manifest", "duplicate-pack-id"):
        write_manifest(pack)  # checksums right: only the planted problem is left


EXPECTED = {
    "missing-id": "missing 'id'",
    "missing-title": "missing 'title'",
    "missing-source-fields": "source 1 needs org, title, year and url",
    "missing-front-matter": "does not start with a +++ front-matter block",
    "bad-toml": "front matter is not valid TOML",
    "wrong-types": "must be a list of strings",
    "duplicate-id": "duplicate id 'fine'",
    "duplicate-pack-id": "duplicate section id 'fine' skipped",
    "symlink-outside": "links outside the pack are not allowed",
    "traversal-in-manifest": "listed in manifest.toml but missing",
    "traversal-in-id": "does not match the file name",
    "fifty-mb-section": "larger than 200 kB, skipped",
    "not-utf8": "not UTF-8 text",
    "bad-manifest": "manifest.toml is malformed",
}
# what 'guidelines check' prints, where it differs from the loader's problem
CHECK_SAYS = {**EXPECTED, "duplicate-pack-id": "pack id 'bad' is also used by the pack in bad"}
KINDS = sorted(EXPECTED)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside every pack that no traversal may read."""
    secret = tmp_path / "secret.md"
    secret.write_text(_section("secret").replace("Topic secret", "OUTSIDE-SECRET"))
    return secret


@pytest.mark.parametrize("kind", KINDS)
def test_bad_pack(kind: str, tmp_path: Path, outside: Path, monkeypatch, capsys) -> None:
    guidelines = tmp_path / "guidelines"
    make_bad_pack(guidelines, kind, outside)
    before = folder_state(guidelines)
    monkeypatch.setenv("LANTERN_GUIDELINES_DIR", str(guidelines))
    # the loader: problems collected, the good section still there, nothing from outside
    _packs, sections, problems = load_sections(load_settings())
    if kind in ("duplicate-id", "traversal-in-id", "traversal-in-manifest"):  # the validator
        problems += check_pack(guidelines / "bad").errors
    assert any(EXPECTED[kind] in p for p in problems), problems
    if kind != "bad-manifest":
        assert any(s.id == "fine" and s.pack_id == "bad" for s in sections)
    assert not any("OUTSIDE-SECRET" in s.title for s in sections)
    # the CLI check: each problem listed, non-zero exit, no traceback
    code = main(["guidelines", "check"])
    out, err = capsys.readouterr()
    assert code == 1 and err == "" and "Traceback" not in out
    assert CHECK_SAYS[kind] in out, out
    assert folder_state(guidelines) == before


def test_the_app_starts_and_answers_past_every_bad_pack(
    qtbot, tmp_path: Path, outside: Path, mini_guidelines: Path, monkeypatch
) -> None:
    """All the bad packs side by side with a good one: the window starts, says there are
    pack problems, and answers from the good pack."""
    from desktop.services.source import standard
    from desktop.ui.main_window import MainWindow

    flat = tmp_path / "flat"  # one folder holding every pack
    flat.mkdir()
    for kind in KINDS:
        make_bad_pack(tmp_path / kind, kind, outside)
        for pack in (tmp_path / kind).iterdir():
            pack.rename(flat / f"{kind}-{pack.name}")
    for pack in mini_guidelines.iterdir():
        shutil.copytree(pack, flat / pack.name)
    monkeypatch.setenv("LANTERN_GUIDELINES_DIR", str(flat))
    before = folder_state(flat)
    settings = load_settings()
    win = MainWindow(settings, standard(settings))
    qtbot.addWidget(win)
    win.show()
    try:
        with qtbot.waitSignal(win.services_ready, timeout=120000):
            win.start()
        assert "pack problem(s)" in win.statusBar().currentMessage()
        with qtbot.waitSignal(win.answer_ready, timeout=30000) as blocker:
            win.ask("What is lymphedema?")
        assert any("Lymphedema" in c.title for c in blocker.args[0].citations)
    finally:
        win.shutdown()
    assert folder_state(flat) == before
