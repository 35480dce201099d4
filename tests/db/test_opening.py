"""`db.opening.open_engine`, the one door to a database: it refuses what the desk must not touch
before anything in it changes (another program's file, a newer schema, an unprotected audit
trail), repairs the audit triggers for `db upgrade` and says so, and opens a file it may not
write read-only for the commands that only read (issue 14, points 2 and 7)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, suppress
from pathlib import Path

import pytest
from desk_databases import Templates
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from db.engine import make_engine
from db.migrate import AUDIT_TRIGGERS_REVISION, HEAD_REVISION, audit_trigger_names, upgrade
from db.opening import open_engine
from spr_desk.entrypoints.bootstrap import open_desk
from spr_desk.entrypoints.cli import main
from spr_desk.faults import DeskFault, FaultKind

PURPOSES = ["desk", "read", "upgrade"]
FUTURE = "0099_from_a_newer_desk"
EXPORT_DAYS = ["--from", "2026-11-16", "--to", "2026-11-23"]


def state_of(path: Path) -> tuple[str, list[str]]:
    """The file's bytes (as a hash) and every file beside it: what 'unchanged' means."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""
    return digest, sorted(name.name for name in path.parent.iterdir())


def journal_mode_in_header(path: Path) -> int:
    """SQLite's header says 2 (bytes 18 and 19) once a file is in WAL mode, 1 before."""
    return path.read_bytes()[18]


def fault_of_opening(url: str, purpose: str) -> DeskFault:
    with pytest.raises(DeskFault) as raised:
        open_engine(url, purpose=purpose)  # type: ignore[arg-type]
    return raised.value


def in_rollback_journal_mode(path: Path) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE").fetchall()


@pytest.fixture
def foreign(tmp_path: Path) -> Path:
    """Another program's SQLite database, in its own (rollback journal) mode."""
    path = tmp_path / "photos.db"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE photo (id INTEGER PRIMARY KEY, taken TEXT)")
        connection.execute("INSERT INTO photo (taken) VALUES ('2026-01-01')")
        connection.commit()
    return path


@pytest.fixture
def at_head(tmp_path: Path, templates: Templates) -> Path:
    """A closed desk database at the head with a week of demo data."""
    path = tmp_path / "desk.db"
    templates.sqlite_copy("demo", path)
    return path


def set_revision(url: str, revision: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


# refused before anything changes -----------------------------------------------------------


@pytest.mark.parametrize("purpose", PURPOSES)
def test_a_foreign_sqlite_file_is_refused_and_left_exactly_as_it_was(
    foreign: Path, purpose: str
) -> None:
    before = state_of(foreign)
    fault = fault_of_opening(f"sqlite:///{foreign}", purpose)
    assert fault.kind is FaultKind.NOT_A_DESK_DATABASE
    assert state_of(foreign) == before
    assert journal_mode_in_header(foreign) == 1  # not switched to WAL


@pytest.mark.parametrize("purpose", PURPOSES)
def test_a_file_of_random_bytes_is_refused_unchanged(tmp_path: Path, purpose: str) -> None:
    path = tmp_path / "desk.db"
    path.write_bytes(os.urandom(20_000))
    before = state_of(path)
    assert fault_of_opening(f"sqlite:///{path}", purpose).kind is FaultKind.NOT_A_DESK_DATABASE
    assert state_of(path) == before


def test_a_damaged_sqlite_file_is_not_a_desk_database(at_head: Path) -> None:
    data = bytearray(at_head.read_bytes())
    data[100:4096] = os.urandom(3996)  # the first page's schema, after the header
    at_head.write_bytes(bytes(data))
    before = state_of(at_head)
    assert fault_of_opening(f"sqlite:///{at_head}", "desk").kind is FaultKind.NOT_A_DESK_DATABASE
    assert state_of(at_head) == before


@pytest.mark.parametrize("purpose", PURPOSES)
def test_a_newer_revision_is_refused_as_too_new_and_unchanged(at_head: Path, purpose: str) -> None:
    url = f"sqlite:///{at_head}"
    set_revision(url, FUTURE)
    in_rollback_journal_mode(at_head)
    before = state_of(at_head)
    fault = fault_of_opening(url, purpose)
    assert (fault.kind, fault.detail) == (FaultKind.SCHEMA_TOO_NEW, FUTURE)
    assert state_of(at_head) == before and journal_mode_in_header(at_head) == 1


def test_a_wal_database_nobody_has_open_is_looked_at_without_leaving_a_log(at_head: Path) -> None:
    url = f"sqlite:///{at_head}"
    set_revision(url, FUTURE)
    assert journal_mode_in_header(at_head) == 2
    before = state_of(at_head)
    assert fault_of_opening(url, "desk").kind is FaultKind.SCHEMA_TOO_NEW
    assert state_of(at_head) == before  # no -wal, no -shm left beside it


def test_tables_without_alembic_version_are_refused_and_new_files_are_made(
    db_url: str, tmp_path: Path
) -> None:
    """PostgreSQL alike: a database holding someone else's tables is not adopted; an empty one
    (or a SQLite file not there yet, or of no bytes) becomes a desk."""
    engine = open_engine(db_url)
    engine.dispose()
    plain = create_engine(db_url)
    with plain.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    plain.dispose()
    assert fault_of_opening(db_url, "upgrade").kind is FaultKind.NOT_A_DESK_DATABASE

    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    for path in (empty, tmp_path / "new.db"):
        engine = open_engine(f"sqlite:///{path}")
        with engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version"))
            assert revision.scalar() == HEAD_REVISION
        engine.dispose()


def test_an_unknown_revision_is_too_new_on_each_backend(db_url: str) -> None:
    open_engine(db_url).dispose()
    set_revision(db_url, FUTURE)
    for purpose in PURPOSES:
        fault = fault_of_opening(db_url, purpose)
        assert (fault.kind, fault.detail) == (FaultKind.SCHEMA_TOO_NEW, FUTURE)


def test_an_up_to_date_database_opens_without_importing_alembic(at_head: Path) -> None:
    """The start-up checks are catalogue queries: a desk at the head never loads Alembic."""
    program = (
        "import sys\n"
        "from db.opening import open_engine\n"
        f"open_engine({f'sqlite:///{at_head}'!r}).dispose()\n"
        "print(sorted(name for name in sys.modules if name.startswith('alembic')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# the audit trail's triggers ----------------------------------------------------------------


def drop_audit_triggers(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        for name in audit_trigger_names(engine.dialect.name):
            suffix = " ON audit_event" if engine.dialect.name == "postgresql" else ""
            connection.execute(text(f"DROP TRIGGER {name}{suffix}"))
    engine.dispose()


def audit_events(url: str, action: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT detail FROM audit_event WHERE action = :a"), {"a": action}
        )
        details = list(found.scalars())
    engine.dispose()
    return details


def audit_is_append_only(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE audit_event SET actor = 'someone else'"))
    except DBAPIError as error:
        return "append-only" in str(error)
    finally:
        engine.dispose()
    return False


def test_missing_audit_triggers_stop_the_desk_and_db_upgrade_puts_them_back(db_url: str) -> None:
    open_engine(db_url).dispose()
    engine = create_engine(db_url)
    with engine.begin() as connection:  # one event to protect
        connection.execute(
            text(
                "INSERT INTO audit_event (at, actor, action, entity, entity_id, detail) "
                "VALUES ('2026-11-23 10:00:00', 'h', 'recorded', 'referral', '1', '')"
            )
        )
    engine.dispose()
    drop_audit_triggers(db_url)
    assert not audit_is_append_only(db_url)
    names = audit_trigger_names(create_engine(db_url).dialect.name)

    for purpose in ("desk", "read"):
        fault = fault_of_opening(db_url, purpose)
        assert fault.kind is FaultKind.AUDIT_UNPROTECTED
        assert fault.detail == ", ".join(names)

    notes: list[str] = []
    open_engine(db_url, purpose="upgrade", notes=notes).dispose()
    assert len(notes) == 1 and "triggers were missing and have been put back" in notes[0]
    assert all(name in notes[0] for name in names)
    assert audit_is_append_only(db_url)
    assert audit_events(db_url, "audit triggers restored") == [
        f"missing and put back: {', '.join(names)}"
    ]
    again: list[str] = []
    open_engine(db_url, purpose="upgrade", notes=again).dispose()
    assert again == []
    open_engine(db_url).dispose()


def test_a_disabled_or_emptied_audit_trigger_counts_as_missing(db_url: str) -> None:
    open_engine(db_url).dispose()
    engine = create_engine(db_url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
            )
            expected = "audit_event_no_change"
        else:
            connection.execute(text("DROP TRIGGER audit_event_no_delete"))
            connection.execute(
                text(
                    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
                    "BEGIN SELECT 1; END"
                )
            )
            expected = "audit_event_no_delete"
    engine.dispose()
    fault = fault_of_opening(db_url, "desk")
    assert (fault.kind, fault.detail) == (FaultKind.AUDIT_UNPROTECTED, expected)
    open_engine(db_url, purpose="upgrade").dispose()
    open_engine(db_url).dispose()
    assert audit_is_append_only(db_url)


def test_an_older_database_without_its_triggers_is_refused_before_it_is_migrated(
    tmp_path: Path,
) -> None:
    path = tmp_path / "desk.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine, AUDIT_TRIGGERS_REVISION)
    engine.dispose()
    drop_audit_triggers(url)
    fault = fault_of_opening(url, "desk")
    assert fault.kind is FaultKind.AUDIT_UNPROTECTED
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            AUDIT_TRIGGERS_REVISION,
        )
    open_engine(url, purpose="upgrade").dispose()
    assert audit_is_append_only(url)


# read-only files -----------------------------------------------------------------------------


def test_a_file_marked_read_only_is_opened_read_only_for_reading(at_head: Path) -> None:
    at_head.chmod(0o400)
    before = state_of(at_head)
    engine = open_engine(f"sqlite:///{at_head}", purpose="read")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM referral")).scalar() > 0
    with pytest.raises(DBAPIError, match="readonly|read-only"), engine.begin() as connection:
        connection.execute(text("INSERT INTO locality (name) VALUES ('Nowhere')"))
    engine.dispose()
    assert state_of(at_head) == before and journal_mode_in_header(at_head) == 2


def test_a_read_only_file_not_at_the_head_is_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, AUDIT_TRIGGERS_REVISION)
    engine.dispose()
    path.chmod(0o400)
    before = state_of(path)
    fault = fault_of_opening(f"sqlite:///{path}", "read")
    assert fault.kind is FaultKind.READ_ONLY
    assert AUDIT_TRIGGERS_REVISION in fault.detail and "spr-desk db upgrade" in fault.detail
    assert state_of(path) == before


@pytest.fixture
def read_only_mount(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs remounted read-only (needs root: skipped elsewhere)."""
    folder = tmp_path / "mount"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield folder
    finally:
        with suppress(OSError):
            # Lazily: the command's engine may still hold the file open until it is collected.
            subprocess.run(["umount", "-l", str(folder)], check=True, timeout=30)


def test_export_reads_a_database_on_a_read_only_mount(
    read_only_mount: Path, at_head: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = read_only_mount / "desk.db"
    shutil.copy(at_head, path)
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_mount)], check=True, timeout=30)
    before = state_of(path)
    assert main(["export", "referrals", *EXPORT_DAYS, "--db", f"sqlite:///{path}"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("reference,") and out.count("\n") > 10
    assert state_of(path) == before


def test_export_reads_a_file_marked_read_only_and_changes_nothing(
    at_head: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    at_head.chmod(0o400)
    before = state_of(at_head)
    assert main(["export", "referrals", *EXPORT_DAYS, "--db", f"sqlite:///{at_head}"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("reference,") and out.count("\n") > 10
    assert state_of(at_head) == before


# through the command line --------------------------------------------------------------------


COMMANDS = [
    ["handover"],
    ["export", "referrals", *EXPORT_DAYS],
    ["db", "upgrade"],
    ["user", "list"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command[:2]))
def test_a_foreign_file_given_to_a_command_exits_2_and_is_unchanged(
    foreign: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    before = state_of(foreign)
    assert main([*command, "--db", f"sqlite:///{foreign}"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert "not an SPR Desk database; nothing changed" in err
    assert state_of(foreign) == before


def test_the_desk_itself_refuses_a_foreign_file(foreign: Path) -> None:
    before = state_of(foreign)
    with pytest.raises(DeskFault) as raised:
        open_desk(f"sqlite:///{foreign}")
    assert raised.value.kind is FaultKind.NOT_A_DESK_DATABASE
    assert state_of(foreign) == before


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command[:2]))
def test_a_newer_revision_given_to_a_command_exits_2_without_a_traceback(
    at_head: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    set_revision(f"sqlite:///{at_head}", FUTURE)
    before = state_of(at_head)
    assert main([*command, "--db", f"sqlite:///{at_head}"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert "upgraded by a newer SPR Desk" in err
    assert state_of(at_head) == before


def test_db_upgrade_puts_the_audit_triggers_back_and_says_so(
    at_head: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{at_head}"
    drop_audit_triggers(url)
    assert main(["handover", "--db", url]) == 2
    assert "audit trail is unprotected" in capsys.readouterr().err
    assert main(["db", "upgrade", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "triggers were missing and have been put back" in out
    assert audit_is_append_only(url)
    assert main(["db", "upgrade", "--db", url]) == 0
    assert "Already at schema" in capsys.readouterr().out


@pytest.mark.parametrize("damage", ["audit triggers dropped", "foreign file"])
async def test_the_desk_app_refuses_to_start_and_says_why_in_one_line(
    at_head: Path, foreign: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The desk opens its database as `spr-desk` does (`open_desk`, behind the first frame):
    with the audit trail unprotected, or on another program's file, it ends in one line."""
    from spr_desk.entrypoints.bootstrap import build_app

    path = foreign
    if damage == "audit triggers dropped":
        path = at_head
        drop_audit_triggers(f"sqlite:///{at_head}")
    before = state_of(path)
    app = build_app(lambda: open_desk(f"sqlite:///{path}"), user="desk1")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 1
    captured = capsys.readouterr()
    said = captured.out + captured.err
    expected = {
        "audit triggers dropped": "audit trail is unprotected",
        "foreign file": "not an SPR Desk database; nothing changed",
    }[damage]
    assert expected in said and "Traceback" not in said
    assert state_of(path) == before
