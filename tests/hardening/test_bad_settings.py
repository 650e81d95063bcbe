"""Bad settings: invalid TOML and values of the wrong type, in settings.toml and in LANTERN_*
variables. Every command, and the window's start, ends with one line naming the file (or
the environment) and the setting; settings.toml is never rewritten; once fixed, the next
command works."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from desktop.__main__ import main
from tests.conftest import run_cli
from tests.hardening.conftest import one_line

BAD_FILES: dict[str, tuple[bytes, str]] = {
    "unclosed-array": (b"top_sections = [", "is not valid TOML"),
    "binary-garbage": (b"\x00\xff\xfe\x89PNG\r\n\x1a\n", "is not valid TOML"),
    "not-utf8": (b'model = "caf\xe9"\n', "is not valid TOML"),
    "duplicate-key": (b"top_sections = 3\ntop_sections = 4\n", "is not valid TOML"),
    "bare-word": (b"answer_mode = extractive\n", "is not valid TOML"),
    "string-for-int": (b'top_sections = "three"\n', "'top_sections' has an unusable value"),
    "zero": (b"top_sections = 0\n", "'top_sections' has an unusable value"),
    "negative": (b"lock_after_minutes = -5\n", "'lock_after_minutes' has an unusable value"),
    "bool-for-int": (b"font_size = true\n", "'font_size' has an unusable value"),
    "fraction-for-int": (b"font_size = 11.5\n", "'font_size' has an unusable value"),
    "array-for-int": (b"max_answer_sentences = [1, 2]\n", "unusable value"),
    "word-for-bool": (b'keep_history_without_patient = "maybe"\n', "unusable value"),
    "int-for-string": (b"answer_mode = 5\n", "'answer_mode' has an unusable value"),
    "int-for-path": (b"embedding_model = 3\n", "'embedding_model' has an unusable value"),
    "unknown-mode": (b'answer_mode = "fast"\n', "answer_mode must be one of"),
    "unknown-key": (b'colour = "blue"\n', "unknown setting 'colour'"),
    "a-table": (b"[answer]\nmode = 'llm'\n", "unknown setting 'answer'"),
    "home-in-file": (b'home = "/tmp"\n', "unknown setting 'home'"),
}
BAD_ENV = {
    "LANTERN_TOP_SECTIONS": ("abc", "'top_sections' has an unusable value"),
    "LANTERN_FONT_SIZE": ("-3", "'font_size' has an unusable value"),
    "LANTERN_KEEP_HISTORY_WITHOUT_PATIENT": ("perhaps", "unusable value"),
    "LANTERN_ANSWER_MODE": ("loud", "answer_mode must be one of"),
}
COMMANDS = {"cli": ["guidelines", "list"], "window": ["--exit-when-shown"]}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_settings_file(name: str, command: str, lantern_home: Path, capsys) -> None:
    """A command stops with one line; the window opens with default settings and says why
    (on stderr too, and in the window: see test_window_shows_a_settings_problem)."""
    content, fragment = BAD_FILES[name]
    lantern_home.mkdir(parents=True, exist_ok=True)
    path = lantern_home / "settings.toml"
    path.write_bytes(content)
    if command == "window":  # its own process: a QApplication quit ends it for good
        result = run_cli(*COMMANDS[command], home=lantern_home)
        code, out = result.returncode, result.stdout
        err = "\n".join(x for x in result.stderr.splitlines() if not x.startswith("This plugin"))
        assert code == 0 and "window-shown" in out, result.stderr
        assert "the window opens with default settings" in err
    else:
        code = main(COMMANDS[command])
        out, err = capsys.readouterr()
        assert code == 1 and out == ""
    line = one_line(err)
    assert fragment in line, line
    # names the file (the answer_mode check runs after merging and names only the setting)
    assert str(path) in line or name == "unknown-mode", line
    assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(content).digest()
    left = {p.name for p in lantern_home.iterdir()} - {"window.ini"}  # the window's size
    assert left == {"settings.toml"}
    path.write_text("top_sections = 2\n")  # fixed: the next command works
    assert main(["guidelines", "list"]) == 0


@pytest.mark.parametrize("variable", sorted(BAD_ENV))
def test_bad_environment_variable(variable: str, monkeypatch, capsys) -> None:
    value, fragment = BAD_ENV[variable]
    monkeypatch.setenv(variable, value)
    assert main(["guidelines", "list"]) == 1
    line = one_line(capsys.readouterr().err)
    assert fragment in line and ("environment" in line or "answer_mode" in line), line
    monkeypatch.delenv(variable)
    assert main(["guidelines", "list"]) == 0


def test_window_shows_a_settings_problem(qtbot, lantern_home: Path) -> None:
    """The window names the problem and the file, and says it runs with the defaults."""
    from desktop.services.source import standard
    from desktop.settings import Settings
    from desktop.ui.main_window import MainWindow

    settings = Settings(home=lantern_home)
    window = MainWindow(settings, standard(settings))
    qtbot.addWidget(window)
    window.show_settings_problem("settings.toml is not valid TOML: Expected '=' (line 1)")
    shown = window.answer_view.toPlainText()
    assert "could not use your settings" in shown and "not valid TOML" in shown
    assert "default settings" in shown and str(lantern_home / "settings.toml") in shown
    window.shutdown()
