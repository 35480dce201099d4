"""Hazard H026: a desk starting on a database it cannot bring up to date, because another
program holds the write lock past the busy timeout, does not open half-working: the start fails
as the database being busy, the database is left at its old schema, and once the lock is let go
the next start migrates it and opens."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

import db.engine
from db.engine import make_engine
from db.migrate import AUDIT_TRIGGERS_REVISION, HEAD_REVISION, upgrade
from spr_desk.entrypoints.bootstrap import open_desk
from spr_desk.faults import DeskFault, FaultKind, fault_kind


def revision_of(path: Path) -> str:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_a_database_locked_while_the_desk_starts_is_busy_and_left_at_its_old_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db.engine, "BUSY_TIMEOUT_MS", 200)  # not the desk's 5 s, in a test
    path = tmp_path / "desk.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine, AUDIT_TRIGGERS_REVISION)
    engine.dispose()
    assert AUDIT_TRIGGERS_REVISION != HEAD_REVISION

    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another program is writing, and goes on writing
        with pytest.raises((DBAPIError, DeskFault)) as raised:
            open_desk(url)
        other.execute("ROLLBACK")
    error = raised.value
    kind = error.kind if isinstance(error, DeskFault) else fault_kind(error)
    assert kind is FaultKind.BUSY
    assert revision_of(path) == AUDIT_TRIGGERS_REVISION  # nothing half done

    desk = open_desk(url)
    try:
        assert revision_of(path) == HEAD_REVISION
        assert desk.open_queue() == []
    finally:
        desk.engine.dispose()
