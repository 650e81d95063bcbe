"""Patients: the one place that creates, opens, names and deletes a patient's vault, with one
passphrase policy.

The command line, the Records tab and the welcome screen all come here, so the rules are the
same everywhere: a name that is not empty, a passphrase of at least ``MIN_PASSPHRASE``
characters for a new vault (an existing vault opens with whatever passphrase made it), and
the OS keyring only where a usable one exists. The window asks here whether it must ask the
user for a passphrase; it never reads ``LANTERN_VAULT_PASSPHRASE`` or a vault header itself."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from desktop.core.records import keys
from desktop.core.records.access import PASSPHRASE_ENV, wrapper_for, wrapper_to_destroy
from desktop.core.records.keys import (
    KeyringWrapper,
    KeyWrapper,
    PassphraseWrapper,
    VaultKeyError,
)
from desktop.core.records.vault import Vault, VaultError, destroy, read_header, vaults_dir

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
    if keys.usable_keyring() is not None:
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


def new_vault_needs_passphrase() -> bool:
    """Whether a new vault here needs a passphrase from the user: none is set in
    ``LANTERN_VAULT_PASSPHRASE`` and there is no usable OS keyring."""
    return not os.environ.get(PASSPHRASE_ENV) and keys.usable_keyring() is None


def unlock_needs_passphrase(home: Path, patient_id: str) -> bool:
    """Whether opening her vault needs a passphrase from the user: it is protected by one and
    none is set in ``LANTERN_VAULT_PASSPHRASE``. Raises VaultError for a missing or damaged
    vault."""
    source = read_header(vaults_dir(home) / patient_id).get("key_source")
    return source != "keyring" and not os.environ.get(PASSPHRASE_ENV)


def listed_name(home: Path, patient_id: str) -> str | None:
    """Her name for a list of patients, when it can be read without asking (a keyring
    vault); None for a passphrase vault, or one that cannot be opened now. Names are
    encrypted, so this opens the vault for a moment."""
    try:
        if read_header(vaults_dir(home) / patient_id).get("key_source") != "keyring":
            return None
        vault = Vault.open(home, patient_id, KeyringWrapper())
    except (VaultKeyError, VaultError, OSError):
        return None
    try:
        return vault.display_name
    except VaultError:
        return None
    finally:
        vault.close()


def delete_patient(home: Path, patient_id: str) -> None:
    """Destroy her vault for good (crypto-shredding: her key is forgotten first). Raises
    VaultError or OSError with one sentence."""
    destroy(home, patient_id, wrapper_to_destroy(home, patient_id))
