"""Keys for the records vault.

Each patient's vault has a random 256-bit data key. The data key is stored only wrapped
(AES-256-GCM) by a key-encryption key that comes either from the OS keyring (a random key
kept by Windows Credential Locker, macOS Keychain or Secret Service) or from a passphrase
through scrypt. Plaintext keyring backends are refused: they only encode, not encrypt."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

KEYRING_SERVICE = "Lantern records vault"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_REFUSED_BACKENDS = ("fail.Keyring", "PlaintextKeyring", "null.Keyring", "chainer")


class VaultKeyError(RuntimeError):
    """No usable key: wrong passphrase, missing keyring entry, or no keyring at all."""


class KeyWrapper(Protocol):
    source: str

    def wrap(self, patient_id: str, data_key: bytes, params: dict) -> bytes: ...

    def unwrap(self, patient_id: str, wrapped: bytes, params: dict) -> bytes: ...

    def forget(self, patient_id: str) -> None: ...


def _aad(patient_id: str) -> bytes:
    return f"lantern-data-key:{patient_id}".encode()


def _seal(kek: bytes, patient_id: str, data_key: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(kek).encrypt(nonce, data_key, _aad(patient_id))


def _open(kek: bytes, patient_id: str, wrapped: bytes, what: str) -> bytes:
    try:
        return AESGCM(kek).decrypt(wrapped[:12], wrapped[12:], _aad(patient_id))
    except InvalidTag as exc:
        raise VaultKeyError(what) from exc


@dataclass
class PassphraseWrapper:
    """Key-encryption key derived from a passphrase with scrypt (salt kept in the header)."""

    passphrase: str
    source: str = "passphrase"

    def _kek(self, params: dict) -> bytes:
        if not self.passphrase:
            raise VaultKeyError("a passphrase is needed to open this vault")
        salt = base64.b64decode(
            params.setdefault("salt", base64.b64encode(os.urandom(16)).decode())
        )
        kdf = Scrypt(
            salt=salt,
            length=32,
            n=int(params.setdefault("n", SCRYPT_N)),
            r=int(params.setdefault("r", SCRYPT_R)),
            p=int(params.setdefault("p", SCRYPT_P)),
        )
        return kdf.derive(self.passphrase.encode("utf-8"))

    def wrap(self, patient_id: str, data_key: bytes, params: dict) -> bytes:
        return _seal(self._kek(params), patient_id, data_key)

    def unwrap(self, patient_id: str, wrapped: bytes, params: dict) -> bytes:
        return _open(self._kek(params), patient_id, wrapped, "wrong passphrase")

    def forget(self, patient_id: str) -> None:
        return None


def usable_keyring():  # -> keyring backend or None
    """The OS keyring backend, or None when there is no safe one."""
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception:  # keyring raises assorted errors when its backends are broken
        return None
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if any(refused in name for refused in _REFUSED_BACKENDS):
        return None
    return backend


@dataclass
class KeyringWrapper:
    """Key-encryption key: 32 random bytes kept in the OS keyring, one entry per patient."""

    source: str = "keyring"

    def _backend(self):
        backend = usable_keyring()
        if backend is None:
            raise VaultKeyError(
                "no usable OS keyring on this machine; use a passphrase "
                "(LANTERN_VAULT_PASSPHRASE on the command line)"
            )
        return backend

    def wrap(self, patient_id: str, data_key: bytes, params: dict) -> bytes:
        kek = os.urandom(32)
        self._backend().set_password(KEYRING_SERVICE, patient_id, base64.b64encode(kek).decode())
        return _seal(kek, patient_id, data_key)

    def unwrap(self, patient_id: str, wrapped: bytes, params: dict) -> bytes:
        stored = self._backend().get_password(KEYRING_SERVICE, patient_id)
        if not stored:
            raise VaultKeyError("this vault's key is not in the keyring of this user account")
        return _open(
            base64.b64decode(stored),
            patient_id,
            wrapped,
            "the keyring key does not open this vault",
        )

    def forget(self, patient_id: str) -> None:
        import contextlib

        with contextlib.suppress(Exception):
            self._backend().delete_password(KEYRING_SERVICE, patient_id)
