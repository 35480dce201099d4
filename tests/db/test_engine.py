"""The engine factory: SQLite settings, owner-only files, the URL's sources, PostgreSQL."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from tests_support import mode_of

from db.engine import ENV_VAR, default_database_path, make_engine, resolve_url
from db.migrate import upgrade_to_head


def test_sqlite_file_and_its_journal_files_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "desk.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    with engine.begin() as connection:
        connection.execute(text("SELECT count(*) FROM referral"))
        files = sorted(path.parent.iterdir())
        assert [file.name for file in files] == ["desk.db", "desk.db-shm", "desk.db-wal"]
        for file in files:
            assert mode_of(file) == 0o600, file.name
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    engine.dispose()


def test_sqlite_connections_use_wal_full_sync_foreign_keys_and_a_busy_timeout(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.db'}")
    with engine.connect() as connection:
        pragmas = {
            name: connection.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 5000,
    }
    engine.dispose()


def test_starting_twice_reuses_the_same_file_and_keeps_its_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    first = make_engine(url)
    assert upgrade_to_head(first) is True
    with first.begin() as connection:
        connection.execute(text("INSERT INTO locality (name) VALUES ('Kept')"))
    first.dispose()
    inode = (tmp_path / "desk.db").stat().st_ino
    second = make_engine(url)
    assert upgrade_to_head(second) is False
    with second.connect() as connection:
        names = connection.execute(text("SELECT name FROM locality")).scalars().all()
    assert names == ["Kept"]
    assert (tmp_path / "desk.db").stat().st_ino == inode
    assert mode_of(tmp_path / "desk.db") == 0o600
    second.dispose()


def test_the_url_comes_from_the_option_then_the_environment_then_the_data_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENV_VAR, "sqlite:////from/env.db")
    assert resolve_url("sqlite:////from/option.db") == "sqlite:////from/option.db"
    assert resolve_url(None) == "sqlite:////from/env.db"
    monkeypatch.delenv(ENV_VAR)
    assert resolve_url(None) == f"sqlite:///{default_database_path()}"
    assert default_database_path().name == "spr-desk.db"
    assert "spr-desk" in default_database_path().parts


def test_an_in_memory_database_is_refused_because_each_thread_would_see_another_one() -> None:
    with pytest.raises(ValueError, match="database file"):
        make_engine("sqlite://")


def test_reads_begin_deferred_and_writes_begin_immediate(tmp_path: Path) -> None:
    """A writer holds the lock from BEGIN; a reader must not, or reads would queue behind it."""
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.db'}")
    upgrade_to_head(engine)
    reader = engine.execution_options(sqlite_begin="DEFERRED")
    with engine.begin():
        # A second writer cannot start while the first holds the write lock...
        blocked = make_engine(f"sqlite:///{tmp_path / 'desk.db'}")
        blocked_raw = blocked.raw_connection()
        blocked_raw.execute("PRAGMA busy_timeout=0")
        with pytest.raises(Exception, match="locked"):
            blocked_raw.execute("BEGIN IMMEDIATE")
        blocked_raw.close()
        blocked.dispose()
        # ...but a reader can.
        with reader.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM locality")).scalar() == 0
    engine.dispose()


def test_every_backend_url_makes_a_working_engine(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()
