"""The one place a database URL becomes an engine: SQLite pragmas, file modes, PostgreSQL pings."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

ENV_VAR = "SPR_DESK_DATABASE_URL"
BUSY_TIMEOUT_MS = 5000
PG_CONNECT_TIMEOUT_S = 3


class _NoResultRows(logging.Filter):
    """SQLAlchemy's debug level logs every result row, names and NHS numbers included. Statement
    parameters are hidden by the engine (`hide_parameters`); rows are dropped here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith(("Row ", "Col ")))


def _guard_engine_log() -> None:
    engine_log = logging.getLogger("sqlalchemy.engine.Engine")
    if not any(isinstance(f, _NoResultRows) for f in engine_log.filters):
        engine_log.addFilter(_NoResultRows())


def default_database_path() -> Path:
    """`spr-desk.db` in the user's data directory (e.g. ~/.local/share/spr-desk on Linux)."""
    from spr_desk.private_files import data_folder

    return data_folder() / "spr-desk.db"


def resolve_url(url: str | None) -> str:
    """`--db` first, then the environment variable, then the default SQLite file."""
    return url or os.environ.get(ENV_VAR) or f"sqlite:///{default_database_path()}"


def _prepare_sqlite_file(database: str) -> None:
    """Create the file owner-only before SQLite does, so patient data is never world-readable.

    SQLite gives the -wal and -shm files the main file's permissions.
    """
    path = Path(database).expanduser()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(descriptor)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take BEGIN away from the driver so the "begin" hook below decides the transaction mode.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # A referral confirmed to a caller must survive a power cut: fsync at every commit.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # Writers take the lock up front: a deferred BEGIN that reads then writes fails at once with
    # "database is locked" when another desk committed meanwhile (STACK.md 2d).
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url` (or the configured default), ready for the desk.

    SQLite: WAL, synchronous=FULL, foreign keys, a busy timeout, `BEGIN IMMEDIATE` for every
    transaction (read-only callers may ask for `sqlite_begin="DEFERRED"`), file mode 0600.
    PostgreSQL: pre-ping, so a desk survives a server restart.
    """
    _guard_engine_log()
    resolved = make_url(resolve_url(url))
    if resolved.get_backend_name() == "sqlite":
        database = resolved.database or ""
        if database in ("", ":memory:"):
            raise ValueError("SPR Desk needs a database file, not an in-memory SQLite database")
        _prepare_sqlite_file(database)
        engine = create_engine(
            resolved,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
            # Statement logs and error messages must never carry the values (patient details).
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        resolved,
        pool_pre_ping=True,
        hide_parameters=True,
        # A server gone quiet is known within seconds, not after the system's TCP timeout.
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S},
    )


def _sqlite_read_only_connect(dbapi_connection: Any, _record: Any) -> None:
    # No journal_mode here: changing it is a write. query_only turns any write into an error.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_read_only_begin(connection: Any) -> None:
    # BEGIN IMMEDIATE asks for the write lock, which a read-only connection cannot take.
    connection.exec_driver_sql("BEGIN DEFERRED")


def make_read_only_engine(path: Path, *, immutable: bool = False) -> Engine:
    """An engine that only reads the existing SQLite file at `path` (SQLite's `mode=ro`): it never
    creates the file, changes its journal mode or writes; for a file this process cannot write
    (mode 0400, a read-only mount). The URL stays the plain file's, for messages.

    `immutable`: the file cannot change while it is read (nobody has it open, or it is on a
    read-only mount), so SQLite needs no -shm beside it and creates none."""
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )

    _guard_engine_log()
    engine = create_engine(f"sqlite:///{path}", creator=connect, hide_parameters=True)
    event.listen(engine, "connect", _sqlite_read_only_connect)
    event.listen(engine, "begin", _sqlite_read_only_begin)
    return engine


def describe(engine: Engine) -> str:
    """The URL with any password hidden, for messages and logs."""
    return engine.url.render_as_string(hide_password=True)
