"""Vault database migrations: a numbered registry, applied in order when a vault is opened.

Each migration is a function ``mNNN_what(db)`` registered with :func:`migration`; its number
is its place in the registry (``m001`` first), so a new one is added at the end and never
changes or moves an older one. A vault's database keeps the number of the last migration it
had in SQLite's ``user_version``: a vault made before migrations were numbered (format 1,
``user_version`` 0) goes through all of them, a vault made now has them all already, and a
vault from a newer Lantern (a number this one does not know) is refused instead of guessed
at. Each migration runs in its own transaction together with the new number, so a crash
leaves a vault at one number or the next, never between.

Migrations see the database only: rows are encrypted, so a migration may change tables and
ids but not read or rewrite what a blob says (that needs the key, after unlocking)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: list[Migration] = []
_NAME = re.compile(r"^m(\d{3})_\w+$")


class VaultFormatError(RuntimeError):
    """A vault this version of Lantern cannot read (made by a newer one)."""


def migration(fn: Migration) -> Migration:
    """Register ``fn`` as the next migration; its name must carry the next number."""
    found = _NAME.match(fn.__name__)
    if found is None or int(found.group(1)) != len(MIGRATIONS) + 1:
        raise ValueError(f"migration {fn.__name__} must be named m{len(MIGRATIONS) + 1:03d}_…")
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_blobs(db: sqlite3.Connection) -> None:
    """Format 1: one table of encrypted blobs, each bound to its id."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS blobs (id TEXT PRIMARY KEY, "
        "nonce BLOB NOT NULL, data BLOB NOT NULL)"
    )


def version(db: sqlite3.Connection) -> int:
    """The number of the last migration this database has had."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, migrations: list[Migration] | None = None) -> list[str]:
    """Apply the migrations ``db`` has not had yet, in order; the names of those applied.

    Raises VaultFormatError for a database from a newer Lantern."""
    steps = MIGRATIONS if migrations is None else migrations
    applied: list[str] = []
    while _pending(version(db), steps):
        db.execute("BEGIN IMMEDIATE")  # another process may be migrating the same vault
        try:
            current = version(db)
            if _pending(current, steps):
                step = steps[current]
                step(db)
                db.execute(f"PRAGMA user_version = {current + 1:d}")
                applied.append(step.__name__)
        except BaseException:
            db.rollback()
            raise
        db.commit()
    return applied


def _pending(current: int, steps: list[Migration]) -> bool:
    if current > len(steps):
        raise VaultFormatError(
            f"this vault was made by a newer version of Lantern (format {current}); "
            "update Lantern to open it"
        )
    return current < len(steps)
