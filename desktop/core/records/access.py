"""Choosing how to unlock vaults: the OS keyring, or a passphrase (``LANTERN_VAULT_PASSPHRASE``
on the command line, asked for in the window)."""

from __future__ import annotations

import os
from pathlib import Path

from desktop.core.records.keys import (
    KeyringWrapper,
    KeyWrapper,
    PassphraseWrapper,
    VaultKeyError,
    usable_keyring,
)
from desktop.core.records.vault import read_header, vaults_dir

PASSPHRASE_ENV = "LANTERN_VAULT_PASSPHRASE"


def wrapper_for_new_vault(passphrase: str | None = None) -> KeyWrapper:
    passphrase = passphrase if passphrase is not None else os.environ.get(PASSPHRASE_ENV)
    if passphrase:
        return PassphraseWrapper(passphrase)
    if usable_keyring() is not None:
        return KeyringWrapper()
    raise VaultKeyError(
        f"no usable OS keyring here; set {PASSPHRASE_ENV} to protect the vault with a passphrase"
    )


def wrapper_for(home: Path, patient_id: str, passphrase: str | None = None) -> KeyWrapper:
    source = read_header(vaults_dir(home) / patient_id).get("key_source")
    if source == "keyring":
        return KeyringWrapper()
    passphrase = passphrase if passphrase is not None else os.environ.get(PASSPHRASE_ENV)
    if not passphrase:
        raise VaultKeyError(f"this vault is protected by a passphrase; set {PASSPHRASE_ENV}")
    return PassphraseWrapper(passphrase)


def wrapper_to_destroy(home: Path, patient_id: str) -> KeyWrapper:
    """What forgets a vault's key: the keyring entry, or nothing for a passphrase vault."""
    source = read_header(vaults_dir(home) / patient_id).get("key_source")
    return KeyringWrapper() if source == "keyring" else PassphraseWrapper("")
