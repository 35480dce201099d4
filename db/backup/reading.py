"""Reading a SQLite desk database with the sqlite3 module: its revision, its last work, the
backup's own audit event, its integrity."""

from __future__ import annotations

import getpass
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from db.backup.errors import BackupError
from db.engine import BUSY_TIMEOUT_MS
from db.migrate import MIGRATIONS

BACKED_UP = "backed up"
RESTORED = "restored"
DATABASE = "database"
"""The audit entity of the backup and restore events (left out of "last work")."""
ACTIVITY = (
    (
        "audit_event",
        "at",
        f"NOT (entity = '{DATABASE}' AND action IN ('{BACKED_UP}', '{RESTORED}'))",
    ),
    ("referral", "updated_at", ""),
    ("call_draft", "updated_at", ""),
)
"""Where work leaves a time: (table, column, condition). Every change writes an audit event;
referrals and drafts are asked too so a database with a gap in its trail is not misread."""


def _connect(path: Path) -> sqlite3.Connection:
    """An autocommit connection to an existing file (never creates one), with the desk's busy
    timeout."""
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=rw",
        uri=True,
        isolation_level=None,
        timeout=BUSY_TIMEOUT_MS / 1000,
    )


def _has_table(connection: sqlite3.Connection, table: str) -> bool:
    found = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    return found is not None


def _has_any_table(connection: sqlite3.Connection) -> bool:
    found = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
    ).fetchone()
    return found is not None


def _columns(connection: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}


def _revision(connection: sqlite3.Connection) -> str | None:
    if not _has_table(connection, "alembic_version"):
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def _count(connection: sqlite3.Connection, table: str) -> int:
    if not _has_table(connection, table):
        return 0
    count: int = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    return count


def _parse_time(text: object) -> datetime | None:
    """SQLAlchemy stores aware UTC times on SQLite as text without the offset."""
    if not isinstance(text, str) or not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _last_work(connection: sqlite3.Connection) -> datetime | None:
    """The newest time any desk recorded work, or None for a database with none."""
    newest: datetime | None = None
    for table, column, condition in ACTIVITY:
        if not _has_table(connection, table) or column not in _columns(connection, table):
            continue
        where = f" WHERE {condition}" if condition else ""
        value = _parse_time(
            connection.execute(f'SELECT max("{column}") FROM "{table}"{where}').fetchone()[0]
        )
        if value is not None and (newest is None or value > newest):
            newest = value
    return newest


def _backup_marker(connection: sqlite3.Connection) -> datetime | None:
    """When the backup was taken: its own event, which is the newest event in a backup file."""
    if not _has_table(connection, "audit_event"):
        return None
    row = connection.execute(
        "SELECT entity, action, at FROM audit_event ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None or (row[0], row[1]) != (DATABASE, BACKED_UP):
        return None
    return _parse_time(row[2])


def _add_database_event(
    connection: sqlite3.Connection,
    *,
    at: datetime,
    by: str | None,
    action: str,
    after: dict[str, object],
    detail: str,
) -> None:
    """One audit event about the whole database, in the columns `audit_event` has had since
    the first revision, its time stored as SQLAlchemy stores one (UTC text, no offset)."""
    stamp = at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    connection.execute(
        "INSERT INTO audit_event (at, actor, action, referral_id, entity, entity_id, before, "
        "after, detail) VALUES (?, ?, ?, NULL, ?, '', NULL, ?, ?)",
        (stamp, (by or getpass.getuser())[:80], action, DATABASE, json.dumps(after), detail),
    )


def _check_integrity(connection: sqlite3.Connection, what: str) -> None:
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise BackupError(f"{what} fails SQLite's integrity check: {problems[0]}{more}")


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def _size_in_header(header: bytes) -> int | None:
    """The database's size as its header states it, when the header vouches for it."""
    if len(header) < 100:
        return None
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is valid only when written by the same change as the change counter.
    if pages == 0 or header[24:28] != header[92:96]:
        return None
    return page_size * pages
