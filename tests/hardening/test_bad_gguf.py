"""Bad GGUF files at both model paths: the embedding model (``LANTERN_EMBEDDING_MODEL``) and
the language model (``--model`` / ``LANTERN_MODEL``). Truncated, bad magic, an unknown
architecture and absurd tensor sizes each end in one clear line (CLI) or a message (window),
with the data folder unchanged and the next command working."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from desktop.__main__ import main
from models.make_tiny_gguf import bad_header_copy, truncated_copy, write_model
from tests.hardening.conftest import folder_state, one_line

KINDS = ("truncated", "bad-magic", "unknown-architecture", "absurd-tensor")
EXPECTED = {
    "truncated": "incomplete",
    "bad-magic": "is not a GGUF model file",
    "unknown-architecture": "model architecture 'fooo",
    "absurd-tensor": "impossible dimensions",
}


def _patched(source: Path, target: Path, find: bytes, replace: bytes, skip: int) -> Path:
    raw = bytearray(source.read_bytes())
    at = raw.index(find) + skip
    raw[at : at + len(replace)] = replace
    target.write_bytes(bytes(raw))
    return target


def broken_copy(source: Path, folder: Path, kind: str) -> Path:
    """A copy of ``source`` broken one way (the architecture name is overwritten in place)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{kind}.gguf"
    if kind == "truncated":
        return truncated_copy(source, target)
    if kind == "bad-magic":
        return bad_header_copy(source, target)
    raw = source.read_bytes()
    if kind == "unknown-architecture":
        key = b"general.architecture"
        at = raw.index(key) + len(key)
        _, length = struct.unpack_from("<IQ", raw, at)
        return _patched(source, target, key, b"fooo" + b"o" * (length - 4), len(key) + 12)
    first = raw.index(b"token_embd.weight")  # name, then n_dims (u32), then dims (u64 each)
    return _patched(source, target, raw[first : first + 17], struct.pack("<Q", 2**45), 17 + 4)


@pytest.fixture(scope="module")
def chat_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model(tmp_path_factory.mktemp("gguf") / "tiny.gguf")


@pytest.fixture(scope="module")
def embedding_model() -> Path:
    from desktop.core.models.embed import embedding_spec

    return embedding_spec().path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("kind", KINDS)
def test_embedding_model_path(
    kind: str, embedding_model: Path, tmp_path: Path, lantern_home: Path, monkeypatch, capsys
) -> None:
    bad = broken_copy(embedding_model, tmp_path / "models", kind)
    lantern_home.mkdir(parents=True, exist_ok=True)
    (lantern_home / "settings.toml").write_text('top_sections = 2\n')
    before = folder_state(lantern_home)
    monkeypatch.setenv("LANTERN_EMBEDDING_MODEL", str(bad))
    code, out, err = _run(capsys, "ask", "What is DCIS?")
    assert code == 1 and out == ""
    line = one_line(err)
    assert "embedding model" in line and EXPECTED[kind] in line, line
    assert folder_state(lantern_home) == before
    monkeypatch.delenv("LANTERN_EMBEDDING_MODEL")
    assert _run(capsys, "guidelines", "list")[0] == 0  # the next command works


@pytest.fixture(scope="module")
def answering_home(tmp_path_factory: pytest.TempPathFactory, mini_guidelines: Path) -> Path:
    """A data folder whose mini-pack index is built (by one in-process ask)."""
    import os

    home = tmp_path_factory.mktemp("gguf-home")
    saved = dict(os.environ)
    os.environ.update({"LANTERN_HOME": str(home), "LANTERN_GUIDELINES_DIR": str(mini_guidelines)})
    try:
        assert main(["ask", "--mode", "extractive", "What is lymphedema?"]) == 0
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return home


@pytest.mark.parametrize("kind", KINDS)
def test_language_model_path(
    kind: str, chat_model: Path, answering_home: Path, mini_guidelines: Path, tmp_path: Path,
    monkeypatch, capsys
) -> None:
    bad = broken_copy(chat_model, tmp_path / "models", kind)
    monkeypatch.setenv("LANTERN_HOME", str(answering_home))
    monkeypatch.setenv("LANTERN_GUIDELINES_DIR", str(mini_guidelines))
    capsys.readouterr()
    before = folder_state(answering_home)
    question = "What is lymphedema?"
    code, out, err = _run(capsys, "ask", "--mode", "llm", "--model", str(bad), question)
    assert code == 1 and out == ""
    assert EXPECTED[kind] in one_line(err)
    code, out, err = _run(capsys, "models", "import", str(bad))
    assert code == 1 and EXPECTED[kind] in one_line(err)
    assert folder_state(answering_home) == before
    code, out, _ = _run(capsys, "ask", "What is lymphedema?")  # auto mode: no model, quoted
    assert code == 0 and "Sources" in out


# -- the window -------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_window_embedding_model(qtbot, kind: str, embedding_model: Path, tmp_path: Path,
                                monkeypatch) -> None:
    from desktop.services.source import standard
    from desktop.settings import load_settings
    from desktop.ui.main_window import MainWindow

    monkeypatch.setenv("LANTERN_EMBEDDING_MODEL", str(broken_copy(embedding_model, tmp_path, kind)))
    settings = load_settings()
    win = MainWindow(settings, standard(settings))
    qtbot.addWidget(win)
    win.show()
    try:
        with qtbot.waitSignal(win.failed, timeout=30000) as blocker:
            win.start()
        assert EXPECTED[kind] in blocker.args[0]
        assert "could not start its answer engine" in win.answer_view.toPlainText()
        assert not win.ask_pane.ask_button.isEnabled()
    finally:
        win.shutdown()


@pytest.mark.parametrize("kind", KINDS)
def test_window_language_model(qtbot, kind: str, mini_services, chat_model: Path, tmp_path: Path,
                               monkeypatch) -> None:
    from desktop.services.source import ready
    from desktop.settings import load_settings
    from desktop.ui.main_window import MainWindow

    monkeypatch.setenv("LANTERN_MODEL", str(broken_copy(chat_model, tmp_path, kind)))
    settings = load_settings()  # the model is opened as these settings say
    win = MainWindow(settings, ready(settings, mini_services))
    qtbot.addWidget(win)
    try:
        with qtbot.waitSignal(win.model.changed, timeout=30000) as changed:
            win.start()
        assert EXPECTED[kind] in changed.args[0]
        assert "quoted from the guidelines" in changed.args[0]
        with qtbot.waitSignal(win.answer_ready, timeout=30000) as blocker:
            win.ask("What is lymphedema?")
        assert blocker.args[0].mode == "extractive"
    finally:
        win.shutdown()
