"""Writing a backup: one consistent snapshot of the live database, copied by SQLite's online
backup API while desks work."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db.backup.desk_file import sqlite_file
from db.backup.errors import BackupError
from db.backup.files import (
    _is_database_file,
    _is_sqlite,
    _move_into_place,
    _private_temp,
    _same_file,
)
from db.backup.reading import (
    BACKED_UP,
    _add_database_event,
    _check_integrity,
    _connect,
    _count,
    _revision,
)
from spr_desk.private_files import sync_to_disk
from spr_desk.uktime import utc_now

STEP_PAGES = 1024
"""Pages copied per step (4 MiB at SQLite's default page size). The snapshot is held throughout
either way, so the step only sets how often progress is reported: on a 256 MB database, one step,
64 or 1024 pages per step made no difference to the copy or to the desks' writes."""


@dataclass(frozen=True, slots=True)
class BackupReport:
    database: Path
    file: Path
    taken_at: datetime
    """Before the snapshot began: every change committed before this time is in the copy."""
    revision: str
    referrals: int
    size: int
    seconds: float


def backup_database(
    url: str | None,
    file: str | Path,
    *,
    replace: bool = False,
    by: str | None = None,
    clock: Callable[[], datetime] = utc_now,
    pages: int = STEP_PAGES,
    progress: Callable[[int, int, int], object] | None = None,
) -> BackupReport:
    """Copy the live database to `file` without stopping the desks.

    Args:
        url: the desk database (SQLite only).
        file: where the backup goes; refused if it exists, unless `replace`.
        by: who took it, for the audit event in the copy (default: the login name).
        clock: the time recorded as "taken at".
        pages: pages per step; the snapshot is held across steps.
        progress: `sqlite3.Connection.backup`'s callback (status, remaining, total), called
            after each step while the snapshot is held.

    Raises:
        BackupError: PostgreSQL, no database, FILE exists, or the copy fails its check.
    """
    started = time.perf_counter()
    database = sqlite_file(url, what="backup")
    target = Path(file).expanduser()
    if not _is_database_file(database):
        raise BackupError(f"there is no SPR Desk database at {database}")
    if not _is_sqlite(database):
        raise BackupError(f"{database} is not an SPR Desk database (not a SQLite database)")
    if target.is_dir():
        raise BackupError(f"{target} is a folder: give the backup's file name")
    if not target.parent.is_dir():
        raise BackupError(f"there is no folder {target.parent}")
    if _same_file(target, database):
        raise BackupError(f"{target} is the database itself")
    if target.exists() and not replace:
        raise BackupError(f"{target} already exists: add --force to replace it")

    with _private_temp(target.parent, target.name) as part:
        with closing(_connect(database)) as source:
            taken_at = clock()
            # The snapshot: everything committed before `taken_at` is in it, and it stays put
            # while the pages are copied (so the copy never restarts).
            source.execute("BEGIN")
            revision = _revision(source)
            if revision is None:
                raise BackupError(f"{database} is not an SPR Desk database (no schema revision)")
            with closing(sqlite3.connect(part, isolation_level=None)) as copy:
                source.backup(copy, pages=pages, progress=progress)
                source.execute("COMMIT")
                # One self-contained file: no -wal beside it to lose when it is copied around.
                copy.execute("PRAGMA journal_mode=DELETE").fetchall()
                _add_database_event(
                    copy,
                    at=taken_at,
                    by=by,
                    action=BACKED_UP,
                    after={"taken_at": taken_at.isoformat(), "schema": revision},
                    detail=f"backup of {database} at schema {revision}",
                )
                _check_integrity(copy, f"the copy of {database}")
                referrals = _count(copy, "referral")
        sync_to_disk(part)
        _move_into_place(part, target, replace=replace)
    return BackupReport(
        database=database,
        file=target,
        taken_at=taken_at,
        revision=revision,
        referrals=referrals,
        size=target.stat().st_size,
        seconds=time.perf_counter() - started,
    )
