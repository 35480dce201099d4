"""Opening a database for a command or a desk: the engine, then the checks that it is a desk
database this version can work on, then the migrations it lacks."""

from __future__ import annotations

import getpass
import logging
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from db.engine import make_engine, make_read_only_engine, resolve_url
from db.migrate import (
    HEAD_REVISION,
    has_audit_triggers_at,
    is_known,
    missing_audit_triggers,
    repair_audit_triggers,
    upgrade_to_head,
)
from spr_desk.faults import DeskFault, FaultKind, fault_kind

log = logging.getLogger(__name__)

Purpose = Literal["desk", "read", "upgrade"]
"""desk: a desk or a command that writes (migrated to head, refused when unsafe); read: a
command that only reads (export, handover, user list), opened read-only where the file is;
upgrade: `spr-desk db upgrade` (also puts back missing audit triggers)."""


SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True, slots=True)
class _Found:
    """What a database holds before the desk touches it."""

    revision: str | None
    """`alembic_version`'s revision, or None when there is no such table (or no row)."""
    has_tables: bool
    """Any table besides `alembic_version` (a new, empty database has none)."""
    missing_triggers: tuple[str, ...] = ()
    """Audit triggers its revision should have and it lacks."""


def open_engine(
    url: str | None, *, purpose: Purpose = "desk", notes: list[str] | None = None
) -> Engine:
    """An engine ready for `purpose`. Raises `spr_desk.faults.DeskFault` for a database the desk
    must not touch (not a desk database, too new, audit trail unprotected), before anything in it
    is changed (a SQLite file is looked at through a read-only connection first).

    `notes`, when given, receives a sentence for each thing the opening did to the database
    (migrated, audit triggers put back), for `spr-desk db upgrade` to say."""
    resolved = make_url(resolve_url(url))
    found: _Found | None
    if resolved.get_backend_name() == "sqlite" and resolved.database not in (None, "", ":memory:"):
        path = Path(resolved.database).expanduser()
        found = _look_at_sqlite_file(path)
        if found is not None:
            _refuse_unsafe(found, purpose)
            if purpose == "read" and not _writable(path):
                return _read_only(path, found)
        engine = make_engine(url)
    else:
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                found = _look_at(connection)
            _refuse_unsafe(found, purpose)
        except BaseException:
            engine.dispose()
            raise
    try:
        revision = found.revision if found is not None else None
        _bring_up_to_date(engine, purpose, revision, notes if notes is not None else [])
    except BaseException:
        engine.dispose()
        raise
    return engine


def _bring_up_to_date(
    engine: Engine, purpose: Purpose, revision: str | None, notes: list[str]
) -> None:
    # The revision was read a moment ago: at head, a desk starting asks nothing more.
    if revision != HEAD_REVISION and upgrade_to_head(engine):
        notes.append(f"Upgraded to schema {HEAD_REVISION}.")
    if purpose != "upgrade":
        return
    repaired = repair_audit_triggers(engine, by=getpass.getuser())
    if repaired:
        log.warning("audit triggers were missing and were put back: %s", ", ".join(repaired))
        notes.append(
            f"The audit trail's triggers were missing and have been put back "
            f"({', '.join(repaired)}); this is recorded in the audit trail: tell a supervisor."
        )


def _refuse_unsafe(found: _Found, purpose: Purpose) -> None:
    if found.revision is None:
        if found.has_tables:
            raise DeskFault(FaultKind.NOT_A_DESK_DATABASE, "tables but no schema revision")
        return
    if not is_known(found.revision):
        raise DeskFault(FaultKind.SCHEMA_TOO_NEW, found.revision)
    if found.missing_triggers and purpose != "upgrade":
        raise DeskFault(FaultKind.AUDIT_UNPROTECTED, ", ".join(found.missing_triggers))


def _look_at(connection: Connection) -> _Found:
    """Tables, revision and audit triggers, read only (any backend)."""
    tables = set(inspect(connection).get_table_names())
    revision = None
    if "alembic_version" in tables:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    missing: tuple[str, ...] = ()
    if revision is not None and is_known(revision) and has_audit_triggers_at(revision):
        missing = tuple(missing_audit_triggers(connection))
    return _Found(revision, bool(tables - {"alembic_version"}), missing)


def _look_at_sqlite_file(path: Path) -> _Found | None:
    """The file as it is, through a plain read-only connection that changes nothing (not even
    the journal mode); None when there is no database yet (no file, or an empty one).

    Raises:
        DeskFault: NOT_A_DESK_DATABASE for a file that is not a SQLite database or cannot be
            read as one.
    """
    try:
        if path.stat().st_size == 0:
            return None
        with path.open("rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return None
    if not header.startswith(SQLITE_MAGIC):
        raise DeskFault(FaultKind.NOT_A_DESK_DATABASE, "not a SQLite database")
    engine = make_read_only_engine(path, immutable=_nobody_has_it_open(path, header))
    try:
        with engine.connect() as connection:
            return _look_at(connection)
    except DBAPIError as error:
        if not isinstance(error.orig, sqlite3.DatabaseError) or fault_kind(error) in (
            FaultKind.BUSY,
            FaultKind.UNREACHABLE,
        ):
            raise
        raise DeskFault(FaultKind.NOT_A_DESK_DATABASE, "cannot be read as SQLite") from error
    finally:
        engine.dispose()


def _nobody_has_it_open(path: Path, header: bytes) -> bool:
    """A WAL database with no -wal beside it is open nowhere (SQLite creates the log on opening
    and removes it on the last close), so it can be read as immutable: SQLite then leaves no
    -wal or -shm beside a file it was only asked to look at. A rollback-journal file is read
    the ordinary way (a hot -journal must be seen), which creates nothing either."""
    wal_mode = len(header) > 19 and header[18] == 2 and header[19] == 2
    return wal_mode and not Path(f"{path}-wal").exists()


def _writable(path: Path) -> bool:
    """The process may write the file and its folder (where SQLite keeps -wal and -shm), and the
    owner has not marked the file read-only (even where root could write it anyway)."""
    try:
        owner_may_write = bool(path.stat().st_mode & stat.S_IWUSR)
    except OSError:
        return False
    return owner_may_write and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _read_only(path: Path, found: _Found) -> Engine:
    """A read-only engine for a file at the head revision: a read-only file cannot be migrated."""
    if found.revision != HEAD_REVISION:
        raise DeskFault(
            FaultKind.READ_ONLY,
            f"at schema {found.revision or 'none'}, not {HEAD_REVISION}: a read-only file cannot "
            "be upgraded (make it writable and run 'spr-desk db upgrade')",
        )
    with path.open("rb") as handle:
        header = handle.read(100)
    # On a read-only mount nothing can change the file, and no -shm can be made beside it; a
    # file nobody has open is read without leaving a -wal and -shm behind.
    on_read_only_mount = not os.access(path.parent, os.W_OK)
    immutable = on_read_only_mount or _nobody_has_it_open(path, header)
    return make_read_only_engine(path, immutable=immutable)
