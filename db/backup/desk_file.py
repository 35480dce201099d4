"""The desk database's SQLite file, and the time as messages show it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from db.backup.errors import BackupError
from db.engine import resolve_url
from spr_desk.uktime import as_local

POSTGRES_ADVICE = (
    "{what} is for a SQLite desk; this database is PostgreSQL: use pg_dump -Fc to back it up and "
    "pg_restore --clean --if-exists to restore it (README, 'Backup and restore')"
)


def sqlite_file(url: str | None, *, what: str = "backup") -> Path:
    """The desk database's file, or a one-line refusal for PostgreSQL.

    Raises:
        BackupError: the URL is not a SQLite file.
    """
    resolved = make_url(resolve_url(url))
    if resolved.get_backend_name() != "sqlite":
        raise BackupError(POSTGRES_ADVICE.format(what=what))
    if resolved.database in (None, "", ":memory:"):
        raise BackupError("SPR Desk needs a database file, not an in-memory SQLite database")
    return Path(resolved.database).expanduser()


def shown(moment: datetime | None) -> str:
    """A time as the desk reads it, to the second and with GMT/BST, for messages."""
    if moment is None:
        return "none"
    return as_local(moment).strftime("%Y-%m-%d %H:%M:%S %Z")
