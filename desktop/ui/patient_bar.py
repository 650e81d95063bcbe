"""The Records tab's patient bar: the patient switcher, Unlock/Lock, New patient… and Delete
patient…, with the dialogs that ask for a name, a new passphrase or confirm a deletion, and
the patient jobs the Records tab runs on its queue (open, create, delete).

Names are encrypted: the list shows a name only when ``patients.listed_name`` can read it
without asking (a keyring vault, or the patient unlocked now), else an opaque id."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QLabel, QPushButton, QWidget

from desktop.ui.jobs import describe


class PatientBar(QWidget):
    chosen = Signal()  # another patient was chosen in the list
    unlock_clicked = Signal()
    new_patient = Signal(str)  # the name typed for a new patient
    delete_confirmed = Signal(str)  # the patient id, typed back to confirm

    def __init__(self, home: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.home = home
        self.patient = QComboBox()
        self.patient.setAccessibleName("Patient")
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setAccessibleName("Unlock or lock the patient's records")
        self.new_button = QPushButton("New patient…")
        self.delete_button = QPushButton("Delete patient…")
        self.delete_button.setAccessibleName("Delete this patient and all her records")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Patient:"))
        row.addWidget(self.patient, 1)
        for button in (self.unlock_button, self.new_button, self.delete_button):
            row.addWidget(button)
        self.patient.currentIndexChanged.connect(lambda _index: self.chosen.emit())
        self.unlock_button.clicked.connect(self.unlock_clicked)
        self.new_button.clicked.connect(self.ask_new_name)
        self.delete_button.clicked.connect(self.confirm_delete)

    def current(self) -> str | None:
        return self.patient.currentData()

    def refresh(self, open_id: str | None = None, open_name: str = "") -> None:
        """List the vaults again, keeping the choice; ``open_id`` is the patient unlocked now,
        shown by ``open_name``."""
        from desktop.core.records.patients import listed_name
        from desktop.core.records.vault import patient_ids

        current = self.current()
        self.patient.blockSignals(True)
        self.patient.clear()
        for pid in patient_ids(self.home):
            name = open_name if pid == open_id else listed_name(self.home, pid)
            self.patient.addItem(name or f"Patient {pid[:6]}… (locked)", pid)
        self.select(current)
        self.patient.blockSignals(False)

    def select(self, patient_id: str | None) -> None:
        index = self.patient.findData(patient_id) if patient_id is not None else -1
        if index >= 0:
            self.patient.setCurrentIndex(index)

    def update_controls(self, *, unlocked: bool, busy: bool, ready: bool) -> None:
        """``ready``: the embedding model is loaded (records search needs it)."""
        has_patient = self.patient.count() > 0
        self.unlock_button.setText("Lock" if unlocked else "Unlock")
        self.unlock_button.setEnabled(has_patient and not busy and ready)
        self.new_button.setEnabled(not busy and ready)
        self.delete_button.setEnabled(has_patient and not busy)
        self.patient.setEnabled(not busy)

    def ask_new_name(self) -> None:
        name, ok = QInputDialog.getText(self, "New patient", "Name (stored encrypted):")
        if ok and name.strip():
            self.new_patient.emit(name.strip())

    def confirm_delete(self) -> None:
        pid = self.current()
        if not pid:
            return
        typed, ok = QInputDialog.getText(
            self,
            "Delete patient",
            "This destroys the key and every record of this patient, for good.\n"
            f"Type {pid} to confirm:",
        )
        if ok and typed.strip() == pid:
            self.delete_confirmed.emit(pid)


def new_passphrase(ask: Callable[[str], str | None]) -> str | None:
    """The passphrase for a new patient's vault, asked twice with ``ask`` when the core says
    one is needed (no usable keyring, none in LANTERN_VAULT_PASSPHRASE): "" when none is
    needed, None when the user gave up. ValueError (one clause) for one the core's policy
    refuses, or two that differ; nothing is made then."""
    from desktop.core.records import patients

    if not patients.new_vault_needs_passphrase():
        return ""
    first = ask("No OS keyring here. Choose a passphrase:")
    if not first:
        return None
    problem = patients.passphrase_problem(first)
    if problem:
        raise ValueError(f"{problem}; nothing was created")
    if ask("Type the passphrase again:") != first:
        raise ValueError("the two passphrases differ; nothing was created")
    return first


def creation_refused(exc: Exception) -> str:
    """Why a new patient was not made, in the core's words when its policy refused."""
    from desktop.core.records.patients import PatientError

    if isinstance(exc, PatientError):
        return f"{exc}; nothing was created"
    return f"could not create the patient: {describe(exc)}"


# -- run on the records queue; the records modules are imported there, off the path to the
#    first paint ---------------------------------------------------------------------------
def open_session(home: Path, patient_id: str, embed, identity: str, passphrase, lock_after):
    from desktop.core.records.session import PatientSession

    return PatientSession.unlock(home, patient_id, embed, identity, passphrase, lock_after)


def create_session(home: Path, name: str, embed, identity: str, passphrase, lock_after):
    from desktop.core.records.session import PatientSession

    return PatientSession.create(home, name, embed, identity, passphrase, lock_after)


def delete_vault(home: Path, patient_id: str) -> None:
    from desktop.core.records.patients import delete_patient

    delete_patient(home, patient_id)


def lock_unused(session) -> None:
    """A session opened for nobody (the window closed first): lock it again."""
    session.lock()
