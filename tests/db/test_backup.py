"""Backup and restore of a SQLite desk: a backup taken while desks record referrals is whole and
holds everything confirmed before it began; a restore refuses newer work, damaged or foreign
files and changes nothing then; files are owner-only; an older backup comes back migrated."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from desk_databases import opened_desk
from tests_support import at_once, crew_call, fill_demo, mode_of

from db.backup import BackupError, backup_database, restore_database
from db.desk import DeskService
from db.engine import make_engine
from db.migrate import HEAD_REVISION, current_revision, upgrade
from spr_desk.entrypoints.cli import main

OLD_REVISION = "0001_initial"


def url_of(path: Path) -> str:
    return f"sqlite:///{path}"


def references(path: Path) -> set[str]:
    """Every referral's reference, read with plain sqlite3 (the way a stranger would)."""
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("SELECT reference FROM referral")}


def integrity(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]


def database_events(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT action, actor FROM audit_event WHERE entity = 'database' ORDER BY id"
        ).fetchall()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    """Hidden part-files a backup or restore would have left behind."""
    return sorted(name.name for name in folder.iterdir() if name.name.startswith("."))


@pytest.fixture
def live(tmp_path: Path, now: datetime) -> Iterator[DeskService]:
    """A SQLite desk with two days of demo data, left open as a desk would be."""
    with opened_desk(url_of(tmp_path / "live.db"), now) as desk:
        fill_demo(desk, days=2)
        yield desk


def live_path(desk: DeskService) -> Path:
    return Path(desk.engine.url.database or "")


# a backup while desks work -------------------------------------------------------------------


def test_a_backup_taken_while_desks_record_referrals_restores_every_confirmed_referral(
    live: DeskService, tmp_path: Path
) -> None:
    """Two desks keep recording referrals before, during and after the backup; a third records
    one between every step of the copy. The restored database passes the integrity check and
    holds every referral confirmed before the backup began; those recorded while the pages were
    copied are not in it (one snapshot, never a mixture), and the copy never restarted."""
    file = tmp_path / "backup.db"
    confirmed: list[tuple[str, float]] = []
    during_copy: list[str] = []
    steps: list[int] = []
    lock = threading.Lock()
    enough = threading.Event()
    done = threading.Event()
    began: list[float] = []

    def record(desk: DeskService, number: int) -> str:
        return desk.record_referral(
            crew_call(desk, given=f"Ada{number}", minutes_ago=number % 50), by="h"
        ).reference

    def between_steps(_status: int, remaining: int, _total: int) -> None:
        steps.append(remaining)
        during_copy.append(record(live, 1000 + len(steps)))

    def desk_at_work(number: int) -> None:
        if number == 0:  # the person taking the backup, once the desks are busy
            try:
                assert enough.wait(60)
                began.append(time.monotonic())
                backup_database(url_of(live_path(live)), file, pages=8, progress=between_steps)
            finally:
                done.set()
            return
        desk = DeskService(live.engine, clock=live.clock)
        count = 0
        while not done.is_set() or count < 3:
            reference = record(desk, number * 100 + count)
            count += 1
            with lock:
                confirmed.append((reference, time.monotonic()))
                if len(confirmed) >= 6:
                    enough.set()

    assert at_once(3, desk_at_work) == []

    restored = tmp_path / "restored.db"
    restore_database(url_of(restored), file)
    assert integrity(restored) == ["ok"]
    in_backup = references(restored)
    before = {reference for reference, at in confirmed if at < began[0]}
    assert len(before) >= 6
    assert before <= in_backup
    assert not in_backup & set(during_copy)
    assert len(steps) > 3 and steps == sorted(steps, reverse=True)  # never started again
    assert in_backup <= references(live_path(live))


# restore refuses newer work ------------------------------------------------------------------


def test_a_restore_refuses_a_database_with_newer_work_unless_forced(
    live: DeskService, tmp_path: Path, now: datetime
) -> None:
    file = tmp_path / "backup.db"
    kept = live.record_referral(crew_call(live), by="h").reference
    backup_database(url_of(live_path(live)), file, by="ann")
    later = DeskService(live.engine, clock=lambda: now + timedelta(hours=1))
    newer = later.record_referral(crew_call(later, given="Grace"), by="h").reference
    before = references(live_path(live))

    with pytest.raises(BackupError) as refused:
        restore_database(url_of(live_path(live)), file)
    message = str(refused.value)
    assert "newer than the backup" in message and "--force" in message
    assert "12:00:00 GMT" in message and "11:00:00 GMT" in message  # both times, UK time
    assert references(live_path(live)) == before and newer in before

    report = restore_database(url_of(live_path(live)), file, force=True, by="sam")
    assert report.replaced_newer == now + timedelta(hours=1)
    after = references(live_path(live))
    assert kept in after and newer not in after
    # A desk left open reads the restored database (SQLite handled its log), and the trail
    # says what happened.
    queue = {row.reference for row in live.open_queue()}
    assert kept in queue and newer not in queue
    assert database_events(live_path(live)) == [("backed up", "ann"), ("restored", "sam")]
    assert integrity(live_path(live)) == ["ok"]
    assert mode_of(live_path(live)) == 0o600


def test_restoring_the_backup_just_taken_needs_no_force_and_says_so_in_the_trail(
    live: DeskService, tmp_path: Path
) -> None:
    file = tmp_path / "backup.db"
    backup_database(url_of(live_path(live)), file, by="ann")
    report = restore_database(url_of(live_path(live)), file, by="ben")
    assert report.replaced_newer is None and report.taken_at is not None
    assert database_events(live_path(live)) == [("backed up", "ann"), ("restored", "ben")]
    rows, _ = live.audit_events()
    assert [(row.action, row.subject) for row in rows[:2]] == [
        ("restored", "database"),
        ("backed up", "database"),
    ]
    # ... and again: the restore's own event is not "newer work".
    restore_database(url_of(live_path(live)), file, by="ben")


# restore refuses what is not a whole SPR Desk backup ------------------------------------------


def _junk(file: Path) -> None:
    file.write_bytes(os.urandom(20_000))


def _text(file: Path) -> None:
    file.write_text("reference,patient\nSPR-1,Ada Lovelace\n")


def _truncated(file: Path) -> None:
    data = file.read_bytes()
    file.write_bytes(data[: len(data) // 2])


def _damaged(file: Path) -> None:
    data = bytearray(file.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle : middle + 4096 * 4] = os.urandom(4096 * 4)
    file.write_bytes(bytes(data))


def _foreign(file: Path) -> None:
    file.unlink()
    with sqlite3.connect(file) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        (_junk, "not a SQLite database"),
        (_text, "not a SQLite database"),
        (_truncated, "truncated"),
        (_damaged, "integrity check|not a usable SQLite database"),
        (_foreign, "not an SPR Desk database"),
    ],
    ids=["random bytes", "a CSV", "truncated", "damaged pages", "another app's database"],
)
def test_a_restore_refuses_a_file_that_is_not_a_whole_spr_desk_backup_and_changes_nothing(
    live: DeskService,
    tmp_path: Path,
    spoil: Callable[[Path], None],
    words: str,
) -> None:
    file = tmp_path / "backup.db"
    backup_database(url_of(live_path(live)), file)
    spoil(file)
    before = references(live_path(live))
    spoiled = digest(file)
    with pytest.raises(BackupError, match=words) as refused:
        restore_database(url_of(live_path(live)), file, force=True)
    assert "\n" not in str(refused.value)
    assert references(live_path(live)) == before
    assert digest(file) == spoiled
    assert leftovers(tmp_path) == []
    assert mode_of(live_path(live)) == 0o600


def test_a_restore_refuses_a_backup_from_a_newer_spr_desk(
    live: DeskService, tmp_path: Path
) -> None:
    file = tmp_path / "backup.db"
    backup_database(url_of(live_path(live)), file)
    with sqlite3.connect(file) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    with pytest.raises(BackupError, match="0099_from_the_future.*newer spr-desk"):
        restore_database(url_of(tmp_path / "fresh.db"), file)


# files ---------------------------------------------------------------------------------------


def test_the_backup_is_owner_only_complete_and_never_overwrites_by_accident(
    live: DeskService, tmp_path: Path
) -> None:
    old = os.umask(0o022)
    try:
        file = tmp_path / "backup.db"
        report = backup_database(url_of(live_path(live)), file)
        assert mode_of(file) == 0o600
        assert report.revision == HEAD_REVISION and report.size == file.stat().st_size
        assert integrity(file) == ["ok"]
        assert not Path(f"{file}-wal").exists()  # one self-contained file
        assert references(file) == references(live_path(live))

        made = digest(file)
        with pytest.raises(BackupError, match="already exists: add --force"):
            backup_database(url_of(live_path(live)), file)
        assert digest(file) == made

        file.chmod(0o644)
        backup_database(url_of(live_path(live)), file, replace=True)
        assert mode_of(file) == 0o600

        restored = tmp_path / "new" / "restored.db"
        restore_database(url_of(restored), file)
        assert mode_of(restored) == 0o600
        assert leftovers(tmp_path) == [] and leftovers(restored.parent) == []
    finally:
        os.umask(old)


@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_a_backup_will_not_write_over_the_database_itself(live: DeskService, suffix: str) -> None:
    database = live_path(live)
    with pytest.raises(BackupError, match="the database itself"):
        backup_database(url_of(database), Path(f"{database}{suffix}"), replace=True)
    assert integrity(database) == ["ok"]


def test_a_backup_of_no_database_is_refused_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no SPR Desk database"):
        backup_database(url_of(tmp_path / "missing.db"), tmp_path / "backup.db")
    assert sorted(path.name for path in tmp_path.iterdir()) == []


# an older backup ------------------------------------------------------------------------------


def test_an_older_schema_backup_is_restored_at_the_current_schema(
    tmp_path: Path, now: datetime
) -> None:
    """A database at the first revision is backed up as it is (no migration needed to take
    it) and comes back at the head, its rows kept, ready for a desk."""
    old = tmp_path / "old.db"
    engine = make_engine(url_of(old))
    upgrade(engine, OLD_REVISION)
    engine.dispose()
    with sqlite3.connect(old) as connection:
        connection.execute(
            "INSERT INTO audit_event (at, actor, action, entity, entity_id, detail) "
            "VALUES ('2026-11-20 09:00:00.000000', 'old desk', 'note', 'desk', '', 'kept')"
        )
    file = tmp_path / "old-backup.db"
    report = backup_database(url_of(old), file)
    assert report.revision == OLD_REVISION

    restored = tmp_path / "restored.db"
    result = restore_database(url_of(restored), file)
    assert (result.backup_revision, result.revision) == (OLD_REVISION, HEAD_REVISION)
    engine = make_engine(url_of(restored))
    assert current_revision(engine) == HEAD_REVISION
    engine.dispose()
    with sqlite3.connect(restored) as connection:
        assert connection.execute(
            "SELECT actor FROM audit_event WHERE detail = 'kept'"
        ).fetchall() == [("old desk",)]
    with opened_desk(url_of(restored), now) as desk:
        reference = desk.record_referral(crew_call(desk), by="h").reference
    assert reference in references(restored)
    assert integrity(restored) == ["ok"]
    assert current_revision_of(file) == OLD_REVISION  # the backup itself is left as it was


def current_revision_of(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_a_backup_of_another_page_size_still_restores(live: DeskService, tmp_path: Path) -> None:
    file = tmp_path / "backup.db"
    backup_database(url_of(live_path(live)), file)
    with sqlite3.connect(file, isolation_level=None) as connection:
        connection.execute("PRAGMA page_size=8192")
        connection.execute("VACUUM")
        assert connection.execute("PRAGMA page_size").fetchone()[0] == 8192
    restore_database(url_of(live_path(live)), file)
    assert integrity(live_path(live)) == ["ok"]
    assert references(live_path(live)) == references(file)


# the command line -----------------------------------------------------------------------------


def spr_desk(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a person would, in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "spr_desk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


def test_backup_and_restore_from_the_command_line(live: DeskService, tmp_path: Path) -> None:
    database = url_of(live_path(live))
    file = tmp_path / "backup.db"
    taken = spr_desk("backup", str(file), "--db", database)
    assert taken.returncode == 0, taken.stderr
    assert taken.stdout.startswith(f"Backed up {live_path(live)} to {file}")
    assert f"schema {HEAD_REVISION}" in taken.stdout and mode_of(file) == 0o600

    restored = spr_desk("--db", database, "restore", str(file))
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith(f"Restored {live_path(live)} from {file}")
    assert restored.stdout.splitlines()[1].startswith("Users in the restored database: ")

    again = spr_desk("backup", str(file), "--db", database)
    assert again.returncode == 2
    assert again.stderr == f"spr-desk: {file} already exists: add --force to replace it\n"


@pytest.mark.parametrize(("command", "tool"), [("backup", "pg_dump"), ("restore", "pg_restore")])
def test_a_postgresql_database_is_sent_to_pg_dump_in_one_line(
    tmp_path: Path, command: str, tool: str
) -> None:
    file = tmp_path / "spr.dump"
    file.write_bytes(b"")
    result = spr_desk(command, str(file), "--db", "postgresql+psycopg://desk@db.example/spr")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"spr-desk: {command} is for a SQLite desk")
    assert tool in result.stderr and result.stderr.count("\n") == 1
    assert file.read_bytes() == b""


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_backup_and_restore_have_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: spr-desk {command}") and "--db URL" in out
    assert "--force" in out and "pg_" in out


def test_restore_help_says_to_close_the_desks(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["restore", "--help"])
    assert "Close every desk first" in " ".join(capsys.readouterr().out.split())


def test_refusals_from_the_command_line_exit_2_with_one_line(
    live: DeskService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    assert main(["restore", str(junk), "--db", url_of(live_path(live))]) == 2
    err = capsys.readouterr().err
    assert err == f"spr-desk: {junk} is not an SPR Desk backup (not a SQLite database)\n"


def test_an_unreadable_database_is_set_aside_not_deleted_when_a_restore_is_forced(
    live: DeskService, tmp_path: Path
) -> None:
    """The usual reason to restore: the database is ruined. Without --force it is refused; with
    it the ruined file and its stale log are kept beside it, and the backup comes back."""
    file = tmp_path / "backup.db"
    backup_database(url_of(live_path(live)), file)
    live.engine.dispose()
    database = live_path(live)
    database.write_bytes(os.urandom(50_000))
    Path(f"{database}-wal").write_bytes(os.urandom(10_000))
    ruined = digest(database)

    with pytest.raises(BackupError, match="cannot be read .*add --force to set it aside"):
        restore_database(url_of(database), file)
    assert digest(database) == ruined

    report = restore_database(url_of(database), file, force=True)
    assert report.set_aside is not None and digest(report.set_aside) == ruined
    assert Path(f"{report.set_aside}-wal").exists()
    assert integrity(database) == ["ok"] and references(database) == references(file)
    assert mode_of(database) == 0o600


def test_a_backup_of_a_file_that_is_not_a_database_is_refused_and_touches_nothing(
    tmp_path: Path,
) -> None:
    database = tmp_path / "desk.db"
    database.write_bytes(os.urandom(8192))
    log = Path(f"{database}-wal")
    log.write_bytes(os.urandom(4096))
    with pytest.raises(BackupError, match="not a SQLite database"):
        backup_database(url_of(database), tmp_path / "backup.db")
    assert log.exists() and not (tmp_path / "backup.db").exists()


def test_another_programs_database_is_not_overwritten_by_a_restore_unless_forced(
    live: DeskService, tmp_path: Path
) -> None:
    """A --db naming some other SQLite file is not a desk's to replace: refused, unchanged; with
    --force it is set aside whole, as an unreadable database is."""
    file = tmp_path / "backup.db"
    backup_database(url_of(live_path(live)), file)
    other = tmp_path / "photos.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE photo (id INTEGER PRIMARY KEY)")
    kept = digest(other)
    with pytest.raises(BackupError, match="not an SPR Desk database.*add --force"):
        restore_database(url_of(other), file)
    assert digest(other) == kept
    report = restore_database(url_of(other), file, force=True)
    assert report.set_aside is not None and digest(report.set_aside) == kept
    assert references(other) == references(file)
