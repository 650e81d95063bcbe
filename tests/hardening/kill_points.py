"""Kill points for the crash-leftover tests: ``python -m tests.hardening.kill_points <point>
<home>`` does one storing step through the app's code in ``home`` and SIGKILLs itself at an
exact moment (the function it would call next is replaced by the kill), so the test sees
the very state a crash at that moment leaves. Exits 3 if the point was never reached."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

PASSPHRASE = "kill point passphrase"
PATIENT = "Kill Point Patient"


def _die(*_args: object, **_kwargs: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def settings_before_rename(home: Path) -> None:
    """``settings.toml`` saved, killed between writing the temp file and renaming it."""
    import desktop.core.files as files
    from desktop.settings import save_settings

    files.os.replace = _die  # type: ignore[assignment]
    save_settings(home, font_size=20)


def import_before_rename(home: Path) -> None:
    """An imported guideline's entry written, killed before its rename."""
    import desktop.core.files as files

    files.os.replace = _die  # type: ignore[assignment]
    files.write_atomic(home / "imports" / f"{'ab' * 32}.json", b"{}")


def _create_killed_at(attribute: str) -> Callable[[Path], None]:
    def run(home: Path) -> None:
        import desktop.core.records.vault as vault_module
        from desktop.core.records.keys import PassphraseWrapper

        if attribute == "put":
            vault_module.Vault.put = _die  # type: ignore[method-assign]
        elif attribute == "write_atomic":
            vault_module.write_atomic = _die  # type: ignore[assignment]
        else:
            vault_module.os.rename = _die  # type: ignore[assignment]
        vault_module.Vault.create(home, PATIENT, PassphraseWrapper(PASSPHRASE))

    return run


def destroy_before_header_rename(home: Path) -> None:
    """``destroy`` of a passphrase vault killed while it overwrites the header: the header is
    still whole, its temp file lies beside it."""
    import desktop.core.files as files
    from desktop.core.records.keys import PassphraseWrapper
    from desktop.core.records.vault import Vault, destroy, patient_ids

    wrapper = PassphraseWrapper(PASSPHRASE)
    (patient_id,) = patient_ids(home)
    Vault.open(home, patient_id, wrapper).close()
    files.os.replace = _die  # type: ignore[assignment]
    destroy(home, patient_id, wrapper)


def destroy_before_delete(home: Path) -> None:
    """``destroy`` killed after shredding the header, before it renamed the folder away."""
    import desktop.core.records.vault as vault_module
    from desktop.core.records.keys import PassphraseWrapper

    (patient_id,) = vault_module.patient_ids(home)
    vault_module.os.rename = _die  # type: ignore[assignment]
    vault_module.destroy(home, patient_id, PassphraseWrapper(PASSPHRASE))


def destroy_while_deleting(home: Path) -> None:
    """``destroy`` killed while it deletes the renamed folder."""
    import desktop.core.records.vault as vault_module
    from desktop.core.records.keys import PassphraseWrapper

    (patient_id,) = vault_module.patient_ids(home)
    vault_module.shutil.rmtree = _die  # type: ignore[assignment]
    vault_module.destroy(home, patient_id, PassphraseWrapper(PASSPHRASE))


POINTS: dict[str, Callable[[Path], None]] = {
    "settings_before_rename": settings_before_rename,
    "import_before_rename": import_before_rename,
    "create_before_name": _create_killed_at("put"),
    "create_before_header": _create_killed_at("write_atomic"),
    "create_before_rename": _create_killed_at("rename"),
    "destroy_before_header_rename": destroy_before_header_rename,
    "destroy_before_delete": destroy_before_delete,
    "destroy_while_deleting": destroy_while_deleting,
}


def main(argv: list[str]) -> int:
    point, home = argv
    POINTS[point](Path(home))
    return 3


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
