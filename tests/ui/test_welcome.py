"""The first-run welcome screen: shown once on the first start (through ``launch``), reachable
from Help, the records vault set up with a passphrase or the keyring (or not at all), and the
``welcome_seen`` flag kept in settings.toml. No services are started: nothing here needs the
embedding model or the index."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from desktop.core.records.keys import KeyringWrapper, PassphraseWrapper, VaultKeyError
from desktop.core.records.patients import passphrase_problem
from desktop.core.records.vault import Vault, patient_ids
from desktop.settings import Settings, SettingsError, load_settings, save_settings
from desktop.ui import main_window
from desktop.ui.main_window import MainWindow
from desktop.ui.welcome import MIN_PASSPHRASE, WelcomeDialog, passphrase_hint

PASSPHRASE = "lantern welcome test passphrase"


class MemoryKeyring:
    """A stand-in OS keyring kept in memory (its name is not one the vault refuses)."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, user: str, secret: str) -> None:
        self.entries[service, user] = secret

    def get_password(self, service: str, user: str) -> str | None:
        return self.entries.get((service, user))

    def delete_password(self, service: str, user: str) -> None:
        self.entries.pop((service, user), None)


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever keyring this machine has, the tests decide whether there is one."""
    monkeypatch.setattr("desktop.core.records.keys.usable_keyring", lambda: None)


@pytest.fixture
def window(make_window):
    win = make_window()  # not started: nothing here needs the services
    win.show()
    return win


def _words(dialog: WelcomeDialog) -> str:
    return " ".join(label.text() for label in dialog.findChildren(QLabel))


def _to_records_page(qtbot, dialog: WelcomeDialog) -> None:
    for _ in range(2):  # Enter presses the default button, Next
        qtbot.keyClick(dialog.next_button, Qt.Key.Key_Return)
    assert dialog.pages.currentIndex() == 2


def test_launch_shows_it_on_the_first_start_only(qtbot, monkeypatch, lantern_home: Path) -> None:
    shown: list[int] = []

    def fake_exec(_app=None) -> int:  # the event loop would block: look, then "quit"
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, WelcomeDialog)]
        shown.append(sum(d.isVisible() for d in dialogs))
        for dialog in dialogs:
            dialog.close()
        return 0

    monkeypatch.setattr(MainWindow, "start", lambda self: None)  # no services needed
    monkeypatch.setattr(QApplication, "exec", fake_exec)
    assert main_window.launch(load_settings()) == 0
    assert load_settings().welcome_seen
    assert main_window.launch(load_settings()) == 0
    assert shown == [1, 0]


def test_first_run_then_not_again_and_the_flag_persists(
    qtbot, window, lantern_home, make_window
) -> None:
    dialog = window.show_welcome(first_run=True)
    assert dialog is not None and dialog.isVisible()
    assert dialog.parent() is window and not dialog.isModal()
    assert "not medical advice" in _words(dialog)
    dialog.activateWindow()  # as a window manager does with a new dialog
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    qtbot.keyClick(dialog.next_button, Qt.Key.Key_Escape)  # closing by any means counts
    assert not dialog.isVisible()
    assert "welcome_seen = true" in (lantern_home / "settings.toml").read_text()
    assert load_settings().welcome_seen
    second = make_window()
    assert second.show_welcome(first_run=True) is None


def test_quitting_with_it_open_counts_as_seen(qtbot, window) -> None:
    dialog = window.show_welcome(first_run=True)
    window.close()  # the window's close event: layout saved, jobs stopped
    assert not dialog.isVisible()
    assert load_settings().welcome_seen


def test_reachable_from_the_help_menu(qtbot, window) -> None:
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    texts = [a.text() for a in menus["Help"].actions()]
    assert texts == ["Welcome to Lantern…", "About Lantern"]
    window.welcome_action.trigger()
    dialog = window._welcome
    assert dialog.isVisible() and dialog.pages.currentIndex() == 0
    dialog.go_next()
    dialog.close()
    window.welcome_action.trigger()  # shown again from the start
    assert window._welcome is dialog and dialog.isVisible() and dialog.pages.currentIndex() == 0
    dialog.close()
    window.about_action.trigger()
    (box,) = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert "Lantern" in box.text()
    box.close()


def test_says_where_data_lives_and_what_is_encrypted(window, lantern_home: Path) -> None:
    dialog = window.show_welcome()
    words = _words(dialog)
    assert str(lantern_home) in words
    for phrase in (
        "Nothing leaves this computer",
        "AES-256-GCM",
        "keyring",
        "passphrase",
        "public material",
        "works without one",
    ):
        assert phrase in words, phrase
    assert "No secure system keyring was found" in words
    assert not dialog.use_keyring.isEnabled()
    dialog.close()


def test_fits_800_by_600_and_every_control_is_named(window) -> None:
    from PySide6.QtWidgets import QAbstractButton, QLineEdit

    dialog = window.show_welcome()
    for hint in (dialog.sizeHint(), dialog.minimumSizeHint()):
        assert hint.width() <= 800 and hint.height() <= 600, hint
    assert dialog.width() <= 800 and dialog.height() <= 600
    for widget in dialog.findChildren(QAbstractButton) + dialog.findChildren(QLineEdit):
        named = widget.accessibleName() or (
            isinstance(widget, QAbstractButton) and widget.text().strip()
        )
        assert named, type(widget).__name__
    dialog.close()


def test_passphrase_vault_reopens_with_that_passphrase(qtbot, window, lantern_home) -> None:
    dialog = window.show_welcome()
    _to_records_page(qtbot, dialog)
    qtbot.mouseClick(dialog.use_passphrase, Qt.MouseButton.LeftButton)
    assert dialog.passphrase.isEnabled() and dialog.name.isEnabled()
    qtbot.keyClicks(dialog.name, "Ana Welcome")
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    assert dialog.hint.text() == "Strong."
    qtbot.keyClicks(dialog.again, PASSPHRASE)
    with qtbot.waitSignal(dialog.vault_created, timeout=5000) as blocker:
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    (pid,) = blocker.args
    assert dialog.pages.currentIndex() == 3
    assert patient_ids(lantern_home) == [pid]
    vault = Vault.open(lantern_home, pid, PassphraseWrapper(PASSPHRASE))
    assert vault.display_name == "Ana Welcome"
    vault.close()
    with pytest.raises(VaultKeyError):
        Vault.open(lantern_home, pid, PassphraseWrapper(PASSPHRASE + "x"))
    assert window.records.bar.patient.findData(pid) >= 0  # the Records tab lists her at once
    assert not dialog.passphrase.text() and not dialog.again.text()
    dialog.go_back()  # going back does not make a second vault
    dialog.go_next()
    dialog.accept()
    assert patient_ids(lantern_home) == [pid]
    for name in ("settings.toml", "window.ini"):
        path = lantern_home / name
        assert not path.exists() or "Ana Welcome" not in path.read_text()


def test_mismatched_or_short_passphrases_create_nothing(qtbot, window, lantern_home) -> None:
    dialog = window.show_welcome()
    _to_records_page(qtbot, dialog)
    dialog.use_passphrase.setChecked(True)
    dialog.name.setText("Bea")
    dialog.passphrase.setText(PASSPHRASE)
    dialog.again.setText(PASSPHRASE + "!")
    qtbot.keyClick(dialog.next_button, Qt.Key.Key_Return)
    assert dialog.pages.currentIndex() == 2  # stays, with the reason
    assert dialog.result.text() == "The two passphrases are not the same; nothing was created."
    dialog.passphrase.setText("abc")
    dialog.again.setText("abc")
    assert dialog.hint.text().startswith("Too short")
    assert not dialog.set_up_vault()
    assert f"at least {MIN_PASSPHRASE} characters" in dialog.result.text()
    # the core's one policy, in its words (New patient… in the Records tab says the same)
    assert passphrase_problem("abc") in dialog.result.text().lower()
    assert MIN_PASSPHRASE == 8 and passphrase_problem("abcdefgh") is None
    dialog.name.clear()
    dialog.passphrase.setText(PASSPHRASE)
    dialog.again.setText(PASSPHRASE)
    assert not dialog.set_up_vault()
    assert dialog.result.text().startswith("Type a name")
    assert patient_ids(lantern_home) == []
    assert not (lantern_home / "vaults").exists() or not any((lantern_home / "vaults").iterdir())
    dialog.close()


def test_later_creates_nothing(qtbot, window, lantern_home: Path) -> None:
    dialog = window.show_welcome(first_run=True)
    _to_records_page(qtbot, dialog)
    assert dialog.later.isChecked() and not dialog.name.isEnabled()
    qtbot.keyClick(dialog.next_button, Qt.Key.Key_Return)
    assert dialog.pages.currentIndex() == 3 and not dialog.next_button.isVisible()
    qtbot.keyClick(dialog.close_button, Qt.Key.Key_Return)  # "Start using Lantern"
    assert not dialog.isVisible()
    assert patient_ids(lantern_home) == []
    assert load_settings().welcome_seen


def test_keyring_vault_when_a_keyring_exists(qtbot, window, lantern_home, monkeypatch) -> None:
    keyring = MemoryKeyring()
    monkeypatch.setattr("desktop.core.records.keys.usable_keyring", lambda: keyring)
    dialog = window.show_welcome()
    assert dialog.use_keyring.isEnabled()
    _to_records_page(qtbot, dialog)
    dialog.use_keyring.setChecked(True)
    assert not dialog.passphrase.isEnabled()
    dialog.name.setText("Cara")
    assert dialog.set_up_vault()
    (pid,) = patient_ids(lantern_home)
    vault = Vault.open(lantern_home, pid, KeyringWrapper())
    assert vault.display_name == "Cara"
    vault.close()
    assert "system keyring" in dialog.result.text()
    dialog.close()


def test_a_failing_keyring_is_one_sentence_and_creates_nothing(
    qtbot, window, lantern_home, monkeypatch
) -> None:
    class LockedKeyring(MemoryKeyring):
        def set_password(self, service: str, user: str, secret: str) -> None:
            raise RuntimeError("the keyring is locked\nby the desktop session")

    monkeypatch.setattr("desktop.core.records.keys.usable_keyring", lambda: LockedKeyring())
    dialog = window.show_welcome()
    _to_records_page(qtbot, dialog)
    dialog.use_keyring.setChecked(True)
    dialog.name.setText("Dee")
    qtbot.keyClick(dialog.next_button, Qt.Key.Key_Return)
    assert dialog.pages.currentIndex() == 2
    assert dialog.result.text() == (
        "The records could not be set up: the keyring is locked by the desktop session."
    )
    assert patient_ids(lantern_home) == []
    dialog.close()


def test_a_models_button_opens_the_models_dialog(qtbot, window) -> None:
    from desktop.ui.models_dialog import ModelsDialog

    dialog = window.show_welcome()
    dialog.show_page(3)
    qtbot.mouseClick(dialog.models_button, Qt.MouseButton.LeftButton)
    opened = [d for d in window.findChildren(ModelsDialog) if d.isVisible()]
    assert len(opened) == 1
    opened[0].close()
    dialog.close()


def test_settings_file_keeps_other_lines_and_a_failed_save_is_said(
    qtbot, window, lantern_home: Path, monkeypatch
) -> None:
    path = lantern_home / "settings.toml"
    lantern_home.mkdir(parents=True, exist_ok=True)
    path.write_text("# my settings\nfont_size = 14\nWELCOME_SEEN = false\n", encoding="utf-8")
    save_settings(lantern_home, welcome_seen=True)
    assert path.read_text() == "# my settings\nfont_size = 14\nwelcome_seen = true\n"
    settings = load_settings()
    assert settings.welcome_seen and settings.font_size == 14
    for bad in ({"nonsense": True}, {"welcome_seen": "yes"}, {"home": "x"}):
        with pytest.raises(SettingsError):
            save_settings(lantern_home, **bad)
    assert path.read_text().endswith("welcome_seen = true\n")  # untouched by the refusals

    def refuse(*_args, **_kwargs):
        raise OSError("read-only file system")

    monkeypatch.setattr("desktop.ui.welcome.save_settings", refuse)
    dialog = WelcomeDialog(Settings(home=lantern_home), window)
    dialog.show()
    with qtbot.waitSignal(dialog.message, timeout=1000) as blocker:
        dialog.close()
    assert not dialog.isVisible()  # it still closes, and says why it will show again
    assert "read-only file system" in blocker.args[0] and "show again" in blocker.args[0]


def test_passphrase_hints() -> None:
    assert "At least" in passphrase_hint("")
    assert passphrase_hint("abc").startswith("Too short")
    assert passphrase_hint("abcdefgh").startswith("Fair")
    assert passphrase_hint("Abcdefgh1234").startswith("Good")
    assert passphrase_hint("four words in here") == "Strong."


def test_a_configured_clinic_server_is_named_instead_of_the_no_network_promise(
    lantern_home: Path,
) -> None:
    from desktop.ui.welcome_text import privacy_html

    assert "Nothing leaves this computer" in privacy_html(Settings(home=lantern_home))
    text = privacy_html(Settings(home=lantern_home, llm_server_url="http://10.0.0.5:8080"))
    assert "http://10.0.0.5:8080" in text and "Nothing leaves" not in text
    text = privacy_html(Settings(home=lantern_home, chroma_server_url="http://10.0.0.6:8000"))
    assert "http://10.0.0.6:8000" in text and "Nothing leaves" not in text
