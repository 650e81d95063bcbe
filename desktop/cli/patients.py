"""``lantern patients``: list, create and delete patients, each an encrypted vault.

Vaults are created and opened only through ``desktop.core.records.patients`` (one passphrase
policy: ``LANTERN_VAULT_PASSPHRASE`` of at least 8 characters, else the OS keyring)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.cli.errors import UserError, user_errors
from desktop.settings import Settings


def run(settings: Settings, args: argparse.Namespace) -> int:
    from desktop.core.records.keys import VaultKeyError
    from desktop.core.records.patients import PatientError
    from desktop.core.records.vault import VaultError

    command = args.patients_command
    with user_errors(VaultKeyError, VaultError, PatientError):
        if command == "create":
            return _create(settings.home, args.name)
        if command == "list":
            return _list(settings.home)
        if command == "delete":
            return _delete(settings.home, args.id, args.yes)
    raise UserError(f"unknown patients command {command}")


def _create(home: Path, name: str) -> int:
    from desktop.core.records.patients import create_patient

    vault = create_patient(home, name)
    print(f"{vault.patient_id}\tcreated (key: {vault_source(home, vault.patient_id)})")
    vault.close()
    return 0


def _list(home: Path) -> int:
    from desktop.core.records.keys import VaultKeyError
    from desktop.core.records.patients import open_patient
    from desktop.core.records.vault import VaultError, patient_ids

    ids = patient_ids(home)
    if not ids:
        print("no patients yet: lantern patients create NAME")
    for pid in ids:
        try:
            vault = open_patient(home, pid)
            name = vault.display_name
            vault.close()
        except (VaultKeyError, VaultError) as exc:
            name = f"(locked: {exc})"
        print(f"{pid}\t{name}")
    return 0


def _delete(home: Path, patient_id: str, yes: bool) -> int:
    from desktop.core.records.access import wrapper_to_destroy
    from desktop.core.records.vault import destroy, patient_ids

    if patient_id not in patient_ids(home):
        raise UserError(f"no patient '{patient_id}' (see 'lantern patients list')")
    if not yes:
        if not sys.stdin.isatty():
            raise UserError("deleting destroys the records for good; add --yes to confirm")
        typed = input(f"Type {patient_id} to destroy this patient's records for good: ")
        if typed.strip() != patient_id:
            print("not deleted")
            return 1
    destroy(home, patient_id, wrapper_to_destroy(home, patient_id))
    print(f"{patient_id}\tdestroyed")
    return 0


def vault_source(home: Path, patient_id: str) -> str:
    """How a patient's vault key is kept: "keyring" or "passphrase"."""
    from desktop.core.records.vault import read_header, vaults_dir

    return str(read_header(vaults_dir(home) / patient_id).get("key_source"))
