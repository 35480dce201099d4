"""A tampered backup is refused and changes nothing: each is a real backup taken with
`spr-desk backup`, then altered with sqlite3 the way someone with the file could (issue 14, point
2). The restore compares the backup's tables, columns, indexes, triggers and views with a new
database migrated to the backup's own revision; an extra user is listed, not refused."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from desk_databases import FROZEN_NOW, opened_desk
from tests_support import fill_demo

from db.backup import BackupError, backup_database, restore_database
from db.engine import make_engine
from db.migrate import AUDIT_TRIGGERS_REVISION, HEAD_REVISION, upgrade
from spr_desk.entrypoints.cli import main
from spr_desk.roles import Role

RAPID_TO_NORMAL = """
CREATE TRIGGER rapid_to_normal AFTER INSERT ON referral WHEN NEW.response = 'rapid'
BEGIN
  UPDATE referral SET response = 'normal', due_at = datetime(NEW.received_at, '+72 hours')
  WHERE id = NEW.id;
END
"""
NO_AUDIT = ["DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete"]
EXTRA_ADMINISTRATOR = (
    "INSERT INTO desk_user (username, display_name, role, password_hash, active, created_at) "
    "VALUES ('mallory', 'Mallory', 'administrator', 'scrypt$x', 1, '2026-11-23 10:00:00')"
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A closed live desk with a day of demo data and its backup, taken by the command."""
    folder = tmp_path_factory.mktemp("pristine")
    database = folder / "live.db"
    with opened_desk(f"sqlite:///{database}", FROZEN_NOW) as desk:
        fill_demo(desk, days=1)
        desk.add_user("carol", Role.CALL_HANDLER, "a long pass phrase 77", by="test")
    backup = folder / "backup.db"
    assert main(["backup", str(backup), "--db", f"sqlite:///{database}"]) == 0
    return database, backup


@pytest.fixture
def files(pristine: tuple[Path, Path], tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """This test's own copies: (the live database, the backup to tamper with)."""
    database, backup = tmp_path / "live.db", tmp_path / "backup.db"
    shutil.copy(pristine[0], database)
    shutil.copy(pristine[1], backup)
    database.chmod(0o600)
    yield database, backup


def tamper(backup: Path, *statements: str) -> None:
    with closing(sqlite3.connect(backup, isolation_level=None)) as connection:
        for statement in statements:
            connection.execute(statement)


def state_of(database: Path) -> tuple[str, int, list[str]]:
    """The live file's hash, its audit trail's length (read without changing it) and the files
    beside it."""
    digest = hashlib.sha256(database.read_bytes()).hexdigest()
    uri = f"{database.as_uri()}?mode=ro&immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        events = connection.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    return digest, events, sorted(path.name for path in database.parent.iterdir())


def refused(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str], *statements: str) -> str:
    """Tamper, restore through the command, and return its one line; nothing may change."""
    database, backup = files
    tamper(backup, *statements)
    before = state_of(database)
    assert main(["restore", str(backup), "--db", f"sqlite:///{database}"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("spr-desk: ")
    assert err.rstrip().endswith("nothing changed")
    assert "Traceback" not in err
    assert state_of(database) == before
    return err


def test_an_added_trigger_that_stores_rapid_as_normal_is_refused(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(files, capsys, RAPID_TO_NORMAL)
    assert "the backup has a trigger the desk does not define: rapid_to_normal" in err


def test_dropped_audit_triggers_are_refused(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(files, capsys, *NO_AUDIT)
    assert "the backup lacks a trigger its schema defines: audit_event_no_delete" in err
    assert "audit_event_no_update" in err


def test_an_audit_trigger_that_does_nothing_under_its_own_name_is_refused(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(
        files,
        capsys,
        "DROP TRIGGER audit_event_no_update",
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event BEGIN SELECT 1; END",
    )
    assert "the backup's trigger audit_event_no_update is not the one the desk defines" in err


def test_a_dropped_column_is_refused(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(files, capsys, "ALTER TABLE referral DROP COLUMN breach_reason")
    assert "the backup lacks a column its schema defines: referral.breach_reason" in err


def test_an_extra_table_is_refused(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(files, capsys, "CREATE TABLE copied_out (nhs_number TEXT)")
    assert "the backup has a table the desk does not define: copied_out" in err


def test_an_extra_view_is_refused(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(files, capsys, "CREATE VIEW everyone AS SELECT * FROM patient")
    assert "the backup has a view the desk does not define: everyone" in err


def test_an_extra_index_and_a_changed_column_are_named(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(
        files,
        capsys,
        "CREATE INDEX ix_sneaky ON patient (nhs_number)",
        "ALTER TABLE referral ADD COLUMN extra TEXT DEFAULT 'x'",
    )
    assert "the backup has an index the desk does not define: ix_sneaky" in err
    assert "the backup has a column the desk does not define: referral.extra" in err


def test_an_extra_administrator_is_listed_in_the_output_and_the_audit_event(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Users are data, not schema: an account added by editing the file is restored, but named
    with its role and marked, on the command's output and in the restore's audit event."""
    database, backup = files
    tamper(backup, EXTRA_ADMINISTRATOR)
    assert main(["restore", str(backup), "--db", f"sqlite:///{database}"]) == 0
    out = capsys.readouterr().out
    users_line = out.splitlines()[1]
    assert users_line.startswith("Users in the restored database: ")
    assert "mallory (administrator, no 'user added' event in its audit trail)" in out
    assert "carol (call_handler)," in out  # added through the desk: listed plainly
    # The demo loader adds its users without an event: they are listed, marked the same way.
    assert "admin (administrator, no 'user added' event" in out
    with closing(sqlite3.connect(database)) as connection:
        after, detail = connection.execute(
            "SELECT after, detail FROM audit_event WHERE entity = 'database' "
            "AND action = 'restored' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    users = json.loads(after)["users"]
    assert {"username": "mallory", "role": "administrator", "active": True} in users
    assert "mallory (administrator)" in detail


def test_a_user_name_with_escape_characters_is_shown_escaped(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    database, backup = files
    tamper(backup, EXTRA_ADMINISTRATOR.replace("'mallory'", "'mal\x1b[2Jlory'"))
    assert main(["restore", str(backup), "--db", f"sqlite:///{database}"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "mal\\x1b[2Jlory (administrator" in out


def test_the_check_never_waits_for_the_live_databases_write_lock(
    files: tuple[Path, Path],
) -> None:
    """The backup is checked in its private copy: a desk holding the live database's write lock
    does not delay the refusal (the busy timeout is 5 s)."""
    database, backup = files
    tamper(backup, RAPID_TO_NORMAL)
    with closing(sqlite3.connect(database, isolation_level=None)) as desk:
        desk.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        with pytest.raises(BackupError, match="rapid_to_normal"):
            restore_database(f"sqlite:///{database}", backup)
        took = time.monotonic() - started
        desk.execute("ROLLBACK")
    assert took < 2.5, f"the refusal waited {took:.1f} s"


def test_a_restore_holds_the_live_write_lock_only_for_the_copy(files: tuple[Path, Path]) -> None:
    """A desk writing to the live database all through a good restore waits at most a moment
    for any one write (the checks and the migration run on the private copy)."""
    database, backup = files
    stop = threading.Event()
    waits: list[float] = []

    writing = threading.Event()

    def desk_writing() -> None:
        with closing(sqlite3.connect(database, isolation_level=None, timeout=30)) as desk:
            while not stop.is_set():
                started = time.monotonic()
                desk.execute("BEGIN IMMEDIATE")
                waits.append(time.monotonic() - started)
                desk.execute("ROLLBACK")
                if len(waits) >= 10:
                    writing.set()
                time.sleep(0.001)

    writer = threading.Thread(target=desk_writing)
    writer.start()
    try:
        # The desk is writing before the restore begins (on a loaded machine the thread could
        # otherwise start late and write only a few times, or only after the restore).
        assert writing.wait(30), "the desk never wrote"
        before = len(waits)
        started = time.monotonic()
        restore_database(f"sqlite:///{database}", backup)
        restore_took = time.monotonic() - started
        during = len(waits) - before
    finally:
        stop.set()
        writer.join(60)
    assert len(waits) > 10
    assert during > 0, "no write ran beside the restore: the test proved nothing"
    # The swap (one page copy of a few MB) is a small part of the whole restore.
    assert max(waits) < max(0.5, restore_took / 2), (max(waits), restore_took)


def test_an_older_backup_is_checked_against_its_own_revision(tmp_path: Path) -> None:
    """A backup at 0006 is compared with a database migrated to 0006 (not the head): untouched
    it restores and is upgraded; with a trigger added it is refused."""
    old = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{old}")
    upgrade(engine, AUDIT_TRIGGERS_REVISION)
    engine.dispose()
    backup = tmp_path / "old-backup.db"
    backup_database(f"sqlite:///{old}", backup)
    tampered = tmp_path / "tampered.db"
    shutil.copy(backup, tampered)
    tamper(tampered, "CREATE VIEW everyone AS SELECT * FROM patient")

    live = tmp_path / "live.db"
    with pytest.raises(BackupError, match=f"schema {AUDIT_TRIGGERS_REVISION} defines.*everyone"):
        restore_database(f"sqlite:///{live}", tampered)
    report = restore_database(f"sqlite:///{live}", backup)
    assert (report.backup_revision, report.revision) == (AUDIT_TRIGGERS_REVISION, HEAD_REVISION)
