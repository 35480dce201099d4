"""Back up a SQLite desk while desks work, and restore a backup: SQLite's online backup API.

A backup is one consistent snapshot. The copy holds a read transaction on the live database from
before its first page to after its last: in WAL mode (every desk database is in WAL mode, see
`db.engine`) a reader never blocks a writer, and because the snapshot cannot move the copy never
restarts. Copying page by page without that snapshot restarts on every commit, and under a busy
desk never finishes. The copy is written to a hidden owner-only file beside FILE, checked with
`PRAGMA integrity_check`, flushed to disk, and only then renamed to FILE.

The backup records when it was taken and at which schema revision as one audit event in the
copy (`entity="database"`, `action="backed up"`): a row of a table every revision has, so taking a
backup never needs a schema change, and after a restore the audit trail itself says where the
data came from.

A restore refuses a backup older than the work in the current database. "Newer" compares the last
work recorded in each database (the newest audit event, referral change or call draft, leaving out
the backup and restore events themselves): data against data, both stamped by the desks' own
clocks, so a backup taken on another machine or with its clock wrong cannot hide a referral. (A
change in flight at the instant the backup began may carry a time a moment older than the
backup's newest: that is the limit of comparing times.)

A restore also refuses a backup whose schema is not exactly the one its revision defines: its
tables, columns, foreign keys, indexes, triggers and views are compared with a new database
migrated by Alembic to that same revision (older revisions restore, and are then upgraded). A file
can be edited as well as copied: a trigger that quietly rewrites Rapid referrals as Normal, or an
audit trail whose triggers were dropped, must never become the desk's database. Users are data,
not schema: the restored database's users and roles are listed in the output and the audit event
instead (an account with no "user added" event is marked; the demo's users have none, so it cannot
be refused on that alone).

The backup is validated and migrated to the current schema in a private copy beside the database,
then copied into the live database by the backup API in the other direction: one write
transaction, so a desk sees either all of the old database or all of the new one, and SQLite
itself takes care of the live database's write-ahead log. Renaming a file over a live SQLite
database instead would let its old `-wal` file be replayed onto the new one. A current database
that cannot be read at all is moved aside with its -wal and -shm (`--force`), never deleted.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from db.engine import BUSY_TIMEOUT_MS, make_engine, resolve_url
from db.migrate import HEAD_REVISION, MIGRATIONS, upgrade, upgrade_to_head
from spr_desk.private_files import sync_to_disk
from spr_desk.uktime import as_local, utc_now

STEP_PAGES = 1024
"""Pages copied per step (4 MiB at SQLite's default page size). The snapshot is held throughout
either way, so the step only sets how often progress is reported: on a 256 MB database, one step,
64 or 1024 pages per step made no difference to the copy or to the desks' writes."""

POSTGRES_ADVICE = (
    "{what} is for a SQLite desk; this database is PostgreSQL: use pg_dump -Fc to back it up and "
    "pg_restore --clean --if-exists to restore it (README, 'Backup and restore')"
)
BACKED_UP = "backed up"
RESTORED = "restored"
DATABASE = "database"
"""The audit entity of the backup and restore events (left out of "last work")."""
SQLITE_MAGIC = b"SQLite format 3\x00"
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


class BackupError(Exception):
    """A refusal or an unusable file, in one line for the person at the desk (exit 2)."""


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


# backup -------------------------------------------------------------------------------------


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


# restore ------------------------------------------------------------------------------------


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
            live = raw.driver_connection
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


# reading a database -------------------------------------------------------------------------


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
    return connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


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


# the schema a backup must have --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Schema:
    """A SQLite database's schema as SQLite reports it, in comparable pieces (SQL text with its
    whitespace and quoting evened out). SQLite's own tables (sqlite_sequence, sqlite_stat1) are
    left out: SQLite makes them, not the desk."""

    tables: dict[str, tuple[str, ...]]
    """Table name: its CREATE TABLE's clauses (columns and constraints), sorted."""
    columns: dict[str, dict[str, tuple[object, ...]]]
    """Table name: column name: (type, not null, default, primary key position)."""
    foreign_keys: dict[str, frozenset[tuple[object, ...]]]
    indexes: dict[str, tuple[object, ...]]
    """Index name (SQLite's own: its table and columns): (table, its SQL or None, its columns)."""
    triggers: dict[str, str]
    views: dict[str, str]


def _even(sql: str | None) -> str:
    return " ".join((sql or "").replace('"', "").split())


def _clauses(sql: str | None) -> tuple[str, ...]:
    """A CREATE TABLE's column and constraint clauses, sorted: Alembic's batch mode writes a
    copied table's constraints in no fixed order, so only the set of clauses is its schema."""
    text = _even(sql)
    inside = text[text.find("(") + 1 : text.rfind(")")]
    clauses, depth, current = [], 0, []
    for character in inside:
        if character == "," and depth == 0:
            clauses.append("".join(current).strip())
            current = []
            continue
        depth += {"(": 1, ")": -1}.get(character, 0)
        current.append(character)
    clauses.append("".join(current).strip())
    return tuple(sorted(clauses))


def schema_of(connection: sqlite3.Connection) -> Schema:
    """The schema of the database `connection` reads (read only)."""
    rows = connection.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
        "OR type = 'index'"
    ).fetchall()
    tables = {name: _clauses(sql) for kind, name, _, sql in rows if kind == "table"}
    columns = {
        table: {
            row[1]: (str(row[2]).upper(), bool(row[3]), row[4], row[5])
            for row in connection.execute(f'PRAGMA table_info("{table}")')
        }
        for table in tables
    }
    foreign_keys = {
        table: frozenset(
            (row[2], row[3], row[4], row[5], row[6])
            for row in connection.execute(f'PRAGMA foreign_key_list("{table}")')
        )
        for table in tables
    }
    indexes: dict[str, tuple[object, ...]] = {}
    for kind, name, table, sql in rows:
        if kind != "index":
            continue
        keys = tuple(
            row[2]
            for row in connection.execute(f'PRAGMA index_xinfo("{name}")')
            if row[5]  # a key column, not the rowid SQLite adds
        )
        # SQLite's own index for a UNIQUE constraint is numbered in the order the constraints
        # were written, which is not fixed: it is known by its table and columns instead.
        known_as = f"unique ({', '.join(map(str, keys))}) on {table}" if sql is None else name
        indexes[known_as] = (table, _even(sql) if sql else None, keys)
    triggers = {name: _even(sql) for kind, name, _, sql in rows if kind == "trigger"}
    views = {name: _even(sql) for kind, name, _, sql in rows if kind == "view"}
    return Schema(tables, columns, foreign_keys, indexes, triggers, views)


@functools.cache
def schema_at(revision: str) -> Schema:
    """The schema a database at `revision` has: a new database migrated to it by Alembic, in a
    temporary folder (about 0.35 s to the head; once per revision per process)."""
    with tempfile.TemporaryDirectory(prefix="spr-desk-schema-") as folder:
        path = Path(folder) / "reference.db"
        engine = make_engine(f"sqlite:///{path}")
        try:
            upgrade(engine, revision)
        finally:
            engine.dispose()
        with closing(_connect(path)) as reference:
            return schema_of(reference)


def _compare_named(
    noun: str, found: dict[str, object], defined: dict[str, object], differs: str = ""
) -> list[str]:
    """Extra and missing names, and (`differs`: what to call one) those whose definition is
    not the desk's."""
    words = [
        f"the backup has {noun} the desk does not define: {name}"
        for name in found.keys() - defined.keys()
    ]
    words += [
        f"the backup lacks {noun} its schema defines: {name}"
        for name in defined.keys() - found.keys()
    ]
    words += [
        f"the backup's {differs} {name} is not the one the desk defines"
        for name in found.keys() & defined.keys()
        if found[name] != defined[name]
    ]
    return sorted(words)


def schema_differences(found: Schema, defined: Schema) -> list[str]:
    """What `found` has, lacks or has otherwise than `defined`, one phrase each (empty: equal)."""
    words = _compare_named("a table", dict.fromkeys(found.tables), dict.fromkeys(defined.tables))
    # A table's columns are looked at only where both have the table (else it was said above).
    for table in sorted(found.tables.keys() & defined.tables.keys()):
        have, want = found.columns[table], defined.columns[table]
        same_columns = have == want
        words += [
            f"the backup has a column the desk does not define: {table}.{name}"
            for name in sorted(have.keys() - want.keys())
        ]
        words += [
            f"the backup lacks a column its schema defines: {table}.{name}"
            for name in sorted(want.keys() - have.keys())
        ]
        words += [
            f"the backup's column {table}.{name} is {_column_in_words(have[name])}, "
            f"not {_column_in_words(want[name])}"
            for name in sorted(have.keys() & want.keys())
            if have[name] != want[name]
        ]
        if found.foreign_keys[table] != defined.foreign_keys[table]:
            words.append(f"the backup's foreign keys of table {table} are not the desk's")
        elif same_columns and found.tables[table] != defined.tables[table]:
            # Same columns, other SQL: a CHECK or another constraint was added or taken away.
            words.append(f"the backup's table {table} has constraints the desk does not define")
    words += _compare_named("an index", dict(found.indexes), dict(defined.indexes), "index")
    words += _compare_named("a trigger", dict(found.triggers), dict(defined.triggers), "trigger")
    words += _compare_named("a view", dict(found.views), dict(defined.views), "view")
    return words


def _column_in_words(column: tuple[object, ...]) -> str:
    kind, not_null, default, _ = column
    words = [str(kind) or "untyped"]
    if not_null:
        words.append("NOT NULL")
    if default is not None:
        words.append(f"DEFAULT {default}")
    return " ".join(words)


def _refusal(source: Path, revision: str, differences: list[str]) -> str:
    shown_here = differences[:3]
    more = len(differences) - len(shown_here)
    also = f"; and {more} more" if more else ""
    return (
        f"{source} is not the schema {revision} defines, so it is refused: "
        f"{'; '.join(shown_here)}{also}; nothing changed"
    )


# files ------------------------------------------------------------------------------------


def _is_database_file(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def _is_sqlite(path: Path) -> bool:
    """The file starts as a SQLite database does. Asked before SQLite opens a file that may not
    be one: SQLite closing such a file deletes the -wal beside it, which might be all that is
    left of some work."""
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def _same_file(one: Path, database: Path) -> bool:
    """`one` is the database or one of its -wal, -shm or -journal files."""
    ends = ("", "-wal", "-shm", "-journal")
    for candidate in (database.with_name(database.name + end) for end in ends):
        if one.resolve() == candidate.resolve():
            return True
        with suppress(OSError):  # samefile needs both to exist
            if one.samefile(candidate):
                return True
    return False


def _has_log(path: Path) -> bool:
    log = path.with_name(path.name + "-wal")
    return log.is_file() and log.stat().st_size > 0


@contextmanager
def _private_temp(folder: Path, name: str) -> Iterator[Path]:
    """A hidden file in `folder`, owner-only (mode 0600) from its first byte; removed, with any
    journal SQLite left beside it, unless it was renamed into place."""
    descriptor, path = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    os.close(descriptor)
    temp = Path(path)
    try:
        yield temp
    finally:
        for leftover in (temp, *(Path(f"{temp}{end}") for end in ("-journal", "-wal", "-shm"))):
            with suppress(FileNotFoundError):
                leftover.unlink()


def _set_aside(database: Path, now: datetime) -> Path:
    """Move an unreadable database out of the way, with its -wal and -shm (a stale log must
    never meet the restored file), never deleting it: it may be the only copy of some work."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = database.with_name(f"{database.name}.unreadable-{stamp}")
    for end in ("", "-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            os.replace(f"{database}{end}", f"{kept}{end}")
    return kept


def _move_into_place(part: Path, target: Path, *, replace: bool) -> None:
    """Rename atomically; without `replace`, never over a file that appeared meanwhile (a hard
    link fails if the name exists; where links are not supported, check then rename)."""
    if replace:
        os.replace(part, target)
    else:
        try:
            os.link(part, target)
        except FileExistsError:
            raise BackupError(f"{target} already exists: add --force to replace it") from None
        except OSError:
            if target.exists():
                raise BackupError(f"{target} already exists: add --force to replace it") from None
            os.replace(part, target)
        else:
            part.unlink()
    with suppress(OSError):  # the rename itself must survive a power cut too
        sync_to_disk(target.parent)
