"""Patients: the one place that creates and opens a patient's vault, with one passphrase policy.

The command line, the Records tab and the welcome screen all come here, so the rules are the
same everywhere: a name that is not empty, a passphrase of at least ``MIN_PASSPHRASE``
characters for a new vault (an existing vault opens with whatever passphrase made it), and
the OS keyring only where a usable one exists."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from desktop.core.records.access import PASSPHRASE_ENV, wrapper_for
from desktop.core.records.keys import (
    KeyringWrapper,
    KeyWrapper,
    PassphraseWrapper,
    VaultKeyError,
    usable_keyring,
)
from desktop.core.records.vault import Vault

MIN_PASSPHRASE = 8
KeySource = Literal["keyring", "passphrase"]


class PatientError(ValueError):
    """A patient that cannot be created as asked; the message says why in one sentence."""


def passphrase_problem(passphrase: str) -> str | None:
    """Why ``passphrase`` may not protect a new vault, or None when it may."""
    if len(passphrase) < MIN_PASSPHRASE:
        return f"a passphrase needs at least {MIN_PASSPHRASE} characters"
    return None


def clean_name(name: str) -> str:
    """The display name as stored: white space folded; PatientError when nothing is left."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise PatientError("the patient's name is empty")
    return cleaned


def new_vault_key(passphrase: str | None = None, source: KeySource | None = None) -> KeyWrapper:
    """The key wrapper for a new vault: a passphrase (checked against the policy) when one is
    given (or ``LANTERN_VAULT_PASSPHRASE`` is set) or ``source`` asks for one, else the OS
    keyring when a usable one exists.

    Raises PatientError for a passphrase the policy refuses, VaultKeyError when there is
    neither a passphrase nor a usable keyring."""
    if source == "keyring":
        return KeyringWrapper()
    if passphrase is None:
        passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase:
        problem = passphrase_problem(passphrase)
        if problem:
            raise PatientError(problem)
        return PassphraseWrapper(passphrase)
    if source == "passphrase":
        raise PatientError("a passphrase is needed to protect these records")
    if usable_keyring() is not None:
        return KeyringWrapper()
    raise VaultKeyError(
        f"no usable OS keyring here; set {PASSPHRASE_ENV} to protect the vault with a passphrase"
    )


def create_patient(
    home: Path, name: str, passphrase: str | None = None, source: KeySource | None = None
) -> Vault:
    """A new patient's vault, with her name stored encrypted in it. See :func:`new_vault_key`."""
    return Vault.create(home, clean_name(name), new_vault_key(passphrase, source))


def open_patient(home: Path, patient_id: str, passphrase: str | None = None) -> Vault:
    """Her vault, unlocked by the keyring or by ``passphrase`` (``LANTERN_VAULT_PASSPHRASE``
    when None). Raises VaultKeyError or VaultError with one sentence."""
    return Vault.open(home, patient_id, wrapper_for(home, patient_id, passphrase))
