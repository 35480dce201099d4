"""Restoring a backup: checked and migrated in a private copy, then copied into the live database
in one write transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

from db.backup.desk_file import shown, sqlite_file
from db.backup.errors import BackupError
from db.backup.files import (
    SQLITE_MAGIC,
    _has_log,
    _is_database_file,
    _is_sqlite,
    _private_temp,
    _same_file,
    _set_aside,
)
from db.backup.reading import (
    RESTORED,
    _add_database_event,
    _backup_marker,
    _check_integrity,
    _connect,
    _count,
    _has_any_table,
    _has_table,
    _known_revisions,
    _last_work,
    _revision,
    _size_in_header,
)
from db.backup.schema_check import _refusal, schema_at, schema_differences, schema_of
from db.engine import BUSY_TIMEOUT_MS, make_engine
from db.migrate import HEAD_REVISION, upgrade_to_head
from spr_desk.uktime import utc_now


@dataclass(frozen=True, slots=True)
class RestoredUser:
    """A user of the restored database, listed so an account added by editing the file is seen."""

    username: str
    role: str
    active: bool
    audited: bool
    """Its "user added" event is in the restored audit trail (the demo's users have none)."""


@dataclass(frozen=True, slots=True)
class RestoreReport:
    database: Path
    file: Path
    taken_at: datetime | None
    """When the backup was taken (None for a database file not made by `spr-desk backup`)."""
    backup_revision: str
    revision: str
    """The schema the restored database is at now (the head)."""
    last_work: datetime | None
    """The newest work in the backup: anything done after it is not in the restored database."""
    replaced_newer: datetime | None
    """The newest work of the database that was replaced, when it was newer (`force`)."""
    set_aside: Path | None
    """Where an unreadable database was moved, whole, before the restore (`force`)."""
    referrals: int
    users: tuple[RestoredUser, ...] = ()
    """Every user (and role) of the restored database, as its output and audit event list them."""


@dataclass(frozen=True, slots=True)
class _Contents:
    revision: str
    last_work: datetime | None
    taken_at: datetime | None
    referrals: int


def restore_database(
    url: str | None,
    file: str | Path,
    *,
    force: bool = False,
    by: str | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> RestoreReport:
    """Replace the live database with the backup in `file`, brought to the current schema.

    Nothing changes unless every check passes; the backup file itself is never written to.

    Raises:
        BackupError: PostgreSQL; `file` missing, not an SPR Desk database, damaged, truncated or
            from a newer SPR Desk; or the current database holds newer work (unless `force`).
    """
    database = sqlite_file(url, what="restore")
    source = Path(file).expanduser()
    if not source.is_file():
        raise BackupError(f"there is no backup file {source}")
    if _same_file(source, database):
        raise BackupError(f"{source} is the database itself")
    if _has_log(source):
        raise BackupError(
            f"{source} has a write-ahead log beside it: it is a database in use, not a backup "
            "(take one with spr-desk backup)"
        )
    database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)

    with _private_temp(database.parent, database.name) as staged:
        with source.open("rb") as reading, staged.open("wb") as writing:
            while block := reading.read(1 << 20):
                writing.write(block)
        backup = _check_backup(staged, source)
        replaced_newer, unreadable = _check_not_newer(database, backup, source, force=force)
        if not unreadable:
            _match_page_size(staged, database)

        # Migrate the private copy, so the live database changes once and only to a database
        # this version can open; a migration that fails leaves the live database as it was.
        engine = make_engine(f"sqlite:///{staged}")
        try:
            upgrade_to_head(engine)
        finally:
            engine.dispose()
        with closing(sqlite3.connect(staged, isolation_level=None)) as copy:
            copy.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            restored_users = _users(copy)
            detail = f"from {source}, taken {shown(backup.taken_at)}, schema {backup.revision}"
            detail += f"; users: {_users_in_words(restored_users)}"
            if replaced_newer is not None:
                detail += f"; replaced work up to {shown(replaced_newer)} (--force)"
            set_aside = _set_aside(database, clock()) if unreadable else None
            if set_aside is not None:
                detail += f"; the unreadable database was kept as {set_aside.name} (--force)"
            _add_database_event(
                copy,
                at=clock(),
                by=by,
                action=RESTORED,
                after={
                    "taken_at": backup.taken_at.isoformat() if backup.taken_at else None,
                    "schema": backup.revision,
                    "users": [
                        {"username": user.username, "role": user.role, "active": user.active}
                        for user in restored_users
                    ],
                },
                detail=detail,
            )
            _copy_into_live(copy, database)
    return RestoreReport(
        database=database,
        file=source,
        taken_at=backup.taken_at,
        backup_revision=backup.revision,
        revision=HEAD_REVISION,
        last_work=backup.last_work,
        replaced_newer=replaced_newer,
        set_aside=set_aside,
        referrals=backup.referrals,
        users=restored_users,
    )


def _users(connection: sqlite3.Connection) -> tuple[RestoredUser, ...]:
    """Every user of a database at the head schema, with whether its audit trail added it."""
    added = {
        row[0]
        for row in connection.execute(
            "SELECT entity_id FROM audit_event WHERE entity = 'user' AND action = 'user added'"
        )
    }
    rows = connection.execute("SELECT username, role, active FROM desk_user ORDER BY username")
    return tuple(
        RestoredUser(username, role, bool(active), username in added)
        for username, role, active in rows
    )


def _users_in_words(found: tuple[RestoredUser, ...]) -> str:
    if not found:
        return "none"
    return ", ".join(f"{user.username} ({user.role})" for user in found)


def _check_backup(staged: Path, source: Path) -> _Contents:
    """The private copy is a whole, undamaged SPR Desk database of a schema this version knows."""
    with staged.open("rb") as handle:
        header = handle.read(100)
    if not header.startswith(SQLITE_MAGIC):
        raise BackupError(f"{source} is not an SPR Desk backup (not a SQLite database)")
    size = staged.stat().st_size
    expected = _size_in_header(header)
    if expected is not None and size < expected:
        raise BackupError(
            f"{source} is truncated: {size:,} bytes of {expected:,}; nothing was restored"
        )
    try:
        with closing(_connect(staged)) as copy:
            _check_integrity(copy, str(source))
            revision = _revision(copy)
            if revision is None or not _has_table(copy, "referral"):
                raise BackupError(f"{source} is not an SPR Desk database (no desk tables)")
            if revision not in _known_revisions():
                raise BackupError(
                    f"{source} is at schema {revision}, which this SPR Desk does not know (it "
                    f"knows up to {HEAD_REVISION}): restore it with a newer spr-desk"
                )
            differences = schema_differences(schema_of(copy), schema_at(revision))
            if differences:
                raise BackupError(_refusal(source, revision, differences))
            marker = _backup_marker(copy)
            return _Contents(
                revision=revision,
                last_work=_last_work(copy),
                taken_at=marker,
                referrals=_count(copy, "referral"),
            )
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is not a usable SQLite database: {error}") from None


def _check_not_newer(
    database: Path, backup: _Contents, source: Path, *, force: bool
) -> tuple[datetime | None, bool]:
    """The newest work of the current database when it is newer than the backup's, and
    whether the current database cannot be read at all.

    Raises:
        BackupError: newer work, or an unreadable database, without `force`.
    """
    if not _is_database_file(database):
        return None, False
    try:
        if not _is_sqlite(database):
            raise sqlite3.DatabaseError("not a SQLite database")
        with closing(_connect(database)) as live:
            if _revision(live) is None and _has_any_table(live):
                raise sqlite3.DatabaseError("it is not an SPR Desk database")
            current = _last_work(live)
    except sqlite3.DatabaseError as error:
        if force:
            return None, True
        raise BackupError(
            f"the current database {database} cannot be read ({error}): add --force to set it "
            "aside and restore the backup"
        ) from None
    if current is None or (backup.last_work is not None and current <= backup.last_work):
        return None, False
    if force:
        return current, False
    taken = f", taken {shown(backup.taken_at)}" if backup.taken_at else ""
    raise BackupError(
        f"the current database holds work up to {shown(current)}, newer than the backup "
        f"{source} (work up to {shown(backup.last_work)}{taken}): restoring would lose it; "
        "add --force to restore anyway"
    )


def _copy_into_live(copy: sqlite3.Connection, database: Path) -> None:
    """Copy every page into the live database in one write transaction.

    `make_engine` opens the live file as a desk does: created owner-only if it is new, WAL mode,
    the busy timeout; an existing file keeps its inode and its mode.
    """
    engine = make_engine(f"sqlite:///{database}")
    try:
        raw = engine.raw_connection()
        try:
            # The SQLite engine's driver connection is sqlite3's (typed Any | None by SQLAlchemy).
            live = cast(sqlite3.Connection, raw.driver_connection)
            copy.backup(live, pages=-1)
            # Fold the log into the file, so the restored database is whole on its own.
            live.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            raw.close()
        upgrade_to_head(engine)  # a no-op: the copy was migrated; proves the result reads
    finally:
        engine.dispose()


def _match_page_size(staged: Path, database: Path) -> None:
    """The backup API cannot write into a WAL database of another page size: rebuild the
    private copy at the live database's page size when they differ (they never do by default)."""
    if not _is_database_file(database):
        return
    with closing(_connect(database)) as live:
        wanted = live.execute("PRAGMA page_size").fetchone()[0]
    with closing(_connect(staged)) as copy:
        if copy.execute("PRAGMA page_size").fetchone()[0] == wanted:
            return
        copy.execute("PRAGMA journal_mode=DELETE").fetchall()
        copy.execute(f"PRAGMA page_size={int(wanted)}")
        copy.execute("VACUUM")
