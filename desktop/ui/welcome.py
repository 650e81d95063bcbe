"""The first-run welcome screen: what Lantern is and is not, the privacy promise, where its data
lives, setting up a records vault (OS keyring or passphrase, or later) and, optionally, a
language model. Four pages with Back and Next; shown once (``welcome_seen`` in settings.toml is
set when it is closed) and again from Help → Welcome to Lantern…. The words are in
``welcome_text``.

The vault is made by the same core call as the Records tab and the command line
(``patients.create_patient``: one passphrase policy, whose words the page shows when it refuses);
nothing about the vault or the patient goes to the settings file."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.core.answer.disclaimer import DISCLAIMER
from desktop.core.records import keys, patients
from desktop.settings import Settings, SettingsError, save_settings
from desktop.ui.welcome_text import (
    MIN_PASSPHRASE,  # noqa: F401  (the core's, named here for the tests)
    about_html,
    model_html,
    passphrase_hint,
    privacy_html,
)

TITLES = ("Welcome", "Your privacy", "Your records", "Language model (optional)")
KEYRING, PASSPHRASE, LATER = 0, 1, 2


def _text(markup: str) -> QLabel:
    label = QLabel(markup)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _page(*parts: QWidget) -> QScrollArea:
    """One page in a scroll area, so it fits small screens and large text."""
    body = QWidget()
    layout = QVBoxLayout(body)
    for part in parts:
        layout.addWidget(part)
    layout.addStretch(1)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(body)
    return area


class WelcomeDialog(QDialog):
    vault_created = Signal(str)  # the new vault's opaque patient id
    message = Signal(str)  # a status sentence for the window

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        open_models: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.created: str | None = None
        self._seen_saved = settings.welcome_seen
        self.setWindowTitle("Welcome to Lantern")
        self.setAccessibleName("Welcome to Lantern")

        self.step = QLabel()
        self.step.setAccessibleName("Step")
        self.pages = QStackedWidget()
        self.pages.addWidget(_page(_text(about_html())))
        self.pages.addWidget(_page(_text(privacy_html(settings))))
        self.pages.addWidget(_page(*self._vault_widgets()))
        self.models_button = QPushButton("&Language models…")
        self.models_button.setAccessibleName("Open the language models window")
        self.models_button.setEnabled(open_models is not None)
        if open_models is not None:
            self.models_button.clicked.connect(open_models)
        models_row = QHBoxLayout()
        models_row.addWidget(self.models_button)
        models_row.addStretch(1)
        models_box = QWidget()
        models_box.setLayout(models_row)
        self.pages.addWidget(_page(_text(model_html()), models_box))

        self.back_button = QPushButton("&Back")
        self.next_button = QPushButton("&Next")
        self.close_button = QPushButton("&Close")
        self.close_button.setAccessibleName("Close the welcome screen")
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.step, 1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self.resize(640, 520)
        self.restart()
        if parent is not None:
            parent.installEventFilter(self)

    # -- the records page -------------------------------------------------------------------
    def _vault_widgets(self) -> list[QWidget]:
        intro = _text(
            "<h2>Your records</h2>"
            "<p>Lantern can keep your medical records (pathology reports, lab results, letters) "
            "so that answers can speak to your situation. They are stored encrypted. Choose how "
            "they are unlocked; you can also do this later in the Records tab.</p>"
        )
        self.use_keyring = QRadioButton("Use the system &keyring (opens when you are logged in)")
        self.use_passphrase = QRadioButton("Use a &passphrase (typed each time you open them)")
        self.later = QRadioButton("&Later")
        self.choice = QButtonGroup(self)
        for number, button in enumerate((self.use_keyring, self.use_passphrase, self.later)):
            self.choice.addButton(button, number)
        self.keyring_note = QLabel()
        self.keyring_note.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setAccessibleName("Name for these records (stored encrypted)")
        self.name.setPlaceholderText("e.g. your first name")
        self.passphrase = QLineEdit()
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setAccessibleName("Passphrase again")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.hint = QLabel()
        self.hint.setAccessibleName("Passphrase strength")
        self.hint.setWordWrap(True)
        warning = QLabel(
            "If the passphrase is lost, nobody (not even the Lantern team) can open the "
            "records. Write it down and keep it somewhere safe."
        )
        warning.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Name (stored encrypted):", self.name)
        form.addRow("Pa&ssphrase:", self.passphrase)
        form.addRow("Passphrase &again:", self.again)
        form.addRow("", self.hint)
        form.addRow("", warning)
        self.passphrase_rows = (self.passphrase, self.again, self.hint, warning)
        fields = QWidget()
        fields.setLayout(form)
        self.setup_button = QPushButton("Set &up records")
        self.setup_button.setAccessibleName("Set up the encrypted records")
        self.setup_button.clicked.connect(self.set_up_vault)
        setup_row = QHBoxLayout()
        setup_row.addWidget(self.setup_button)
        setup_row.addStretch(1)
        setup_box = QWidget()
        setup_box.setLayout(setup_row)
        self.result = QLabel()
        self.result.setAccessibleName("Records set-up result")
        self.result.setWordWrap(True)
        self.choice.idToggled.connect(self._on_choice)
        self.passphrase.textChanged.connect(self._on_passphrase_typed)
        return [
            intro,
            self.use_keyring,
            self.keyring_note,
            self.use_passphrase,
            self.later,
            fields,
            setup_box,
            self.result,
        ]

    def _on_choice(self, _id: int, _checked: bool) -> None:
        chosen = self.choice.checkedId()
        for widget in (self.name, self.setup_button):
            widget.setEnabled(chosen in (KEYRING, PASSPHRASE) and self.created is None)
        for widget in self.passphrase_rows:
            widget.setEnabled(chosen == PASSPHRASE and self.created is None)

    def _on_passphrase_typed(self, text: str) -> None:
        self.hint.setText(passphrase_hint(text))

    def set_up_vault(self) -> bool:
        """Create the vault as chosen; False (and a one-sentence reason) if nothing was made."""
        chosen = self.choice.checkedId()
        if self.created is not None or chosen not in (KEYRING, PASSPHRASE):
            return self.created is not None or chosen == LATER
        try:
            name = patients.clean_name(self.name.text())
        except patients.PatientError:
            return self._refuse("Type a name for these records; nothing was created.")
        first = self.passphrase.text() if chosen == PASSPHRASE else None
        if chosen == PASSPHRASE:
            problem = patients.passphrase_problem(first or "")
            if problem:  # the core's words, as the Records tab says them
                return self._refuse(f"{problem[0].upper()}{problem[1:]}; nothing was created.")
            if first != self.again.text():
                return self._refuse("The two passphrases are not the same; nothing was created.")
        source = "passphrase" if chosen == PASSPHRASE else "keyring"
        try:
            vault = patients.create_patient(self.settings.home, name, first, source)
        except Exception as exc:  # keyring backends raise assorted errors; one sentence each
            reason = " ".join(str(exc).split()) or type(exc).__name__
            return self._refuse(f"The records could not be set up: {reason}.")
        self.created = vault.patient_id
        vault.close()
        self.passphrase.clear()
        self.again.clear()
        how = "the system keyring" if chosen == KEYRING else "your passphrase"
        self.result.setText(
            f"Done: records for {name} are set up, locked with {how}. To add documents, open "
            "the Records tab, choose them and press Unlock."
        )
        self._on_choice(chosen, True)
        for button in self.choice.buttons():
            button.setEnabled(False)
        self.vault_created.emit(vault.patient_id)
        return True

    def _refuse(self, reason: str) -> bool:
        self.result.setText(reason)
        return False

    # -- navigation -------------------------------------------------------------------------
    def restart(self) -> None:
        """Back to the first page with a clean records page (used when shown again)."""
        usable = keys.usable_keyring() is not None
        self.created = None
        for button in self.choice.buttons():
            button.setEnabled(True)
        self.use_keyring.setEnabled(usable)
        self.keyring_note.setText(
            "Your keyring keeps the key; you will not need to type anything."
            if usable
            else "No secure system keyring was found on this computer, so this choice is not "
            "available here. Use a passphrase instead."
        )
        self.later.setChecked(True)
        for field in (self.name, self.passphrase, self.again):
            field.clear()
        self.result.clear()
        self._on_choice(LATER, True)
        self._on_passphrase_typed("")
        self.show_page(0)

    def show_page(self, index: int) -> None:
        last = self.pages.count() - 1
        index = max(0, min(last, index))
        self.pages.setCurrentIndex(index)
        self.step.setText(f"Step {index + 1} of {last + 1}: {TITLES[index]}")
        self.back_button.setEnabled(index > 0)
        self.next_button.setVisible(index < last)
        self.close_button.setText("&Start using Lantern" if index == last else "&Close")
        (self.next_button if index < last else self.close_button).setDefault(True)
        (self.next_button if index < last else self.close_button).setFocus()

    def go_next(self) -> None:
        """Next page; on the records page, set up what was chosen first (and stay on failure)."""
        if self.pages.currentIndex() == 2 and not self.set_up_vault():
            return
        self.show_page(self.pages.currentIndex() + 1)

    def go_back(self) -> None:
        self.show_page(self.pages.currentIndex() - 1)

    def done(self, result: int) -> None:
        """Closed by any means (Close, Esc, the window's close button): remember it was seen."""
        self.passphrase.clear()
        self.again.clear()
        if not self._seen_saved:
            try:
                save_settings(self.settings.home, welcome_seen=True)
                self._seen_saved = True
            except (OSError, SettingsError) as exc:
                self.message.emit(
                    f"Lantern could not note that the welcome screen was shown ({exc}); it will "
                    "show again next time."
                )
        super().done(result)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Quitting Lantern with this screen still open counts as closing it."""
        if watched is self.parent() and event.type() == QEvent.Type.Close and self.isVisible():
            self.reject()
        return False


def open_welcome(window, dialog: WelcomeDialog | None, first_run: bool = False):
    """Show the welcome screen over ``window`` (a MainWindow), non-modal, reusing ``dialog``.
    With ``first_run``, only if it was never closed before. Returns the dialog or None."""
    if first_run and window.settings.welcome_seen:
        return None
    if dialog is None:
        dialog = WelcomeDialog(window.settings, window, window.model.open_dialog)
        dialog.vault_created.connect(window.records.refresh_patients)
        dialog.message.connect(window.statusBar().showMessage)
    elif dialog.isVisible():  # already open: bring it forward
        dialog.raise_()
        dialog.activateWindow()
        return dialog
    else:
        dialog.restart()
    dialog.show()
    return dialog


def show_about(parent: QWidget) -> QMessageBox:
    """Help → About Lantern: a small non-blocking box."""
    box = QMessageBox(parent)
    box.setWindowTitle("About Lantern")
    box.setIcon(QMessageBox.Icon.Information)
    box.setText(f"<b>Lantern {html.escape(__version__)}</b>")
    box.setInformativeText(
        "Private, offline answers to questions about breast cancer, from plain-language "
        f"guideline material. {DISCLAIMER}"
    )
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
