"""`spr_desk.faults`: every database failure the desk can meet, worded from the real error.

The SQLite errors are raised by SQLite itself (a second connection holding the lock, a page
limit, a read-only open, a file that is not a database); PostgreSQL's refusal to connect is a
real connection to a closed port. PostgreSQL's SQLSTATEs, which need a server in that state,
are read from objects carrying the attribute, as the driver's errors do.
"""

from __future__ import annotations

import errno
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from spr_desk.faults import DeskFault, Fault, FaultKind, fault_kind, fault_of


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "desk.db"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE note (text TEXT)")
        connection.commit()
    yield path


def raised(action: object) -> BaseException:
    try:
        action()  # type: ignore[operator]
    except Exception as error:  # noqa: BLE001 - the error is what is tested
        return error
    pytest.fail("no error was raised")


def test_a_lock_held_by_another_connection_is_busy(database: Path) -> None:
    with (
        closing(sqlite3.connect(database, isolation_level=None)) as holder,
        closing(sqlite3.connect(database, timeout=0, isolation_level=None)) as desk,
    ):
        holder.execute("BEGIN IMMEDIATE")
        error = raised(lambda: desk.execute("BEGIN IMMEDIATE"))
    assert fault_kind(error) is FaultKind.BUSY
    fault = fault_of(error)
    assert fault.sentence == "The database is busy (an import or another desk is writing)."
    assert "tries again by itself" in fault.what_to_do


def test_a_database_at_its_page_limit_is_a_full_disk(database: Path) -> None:
    with closing(sqlite3.connect(database)) as desk:
        pages = desk.execute("PRAGMA page_count").fetchone()[0]
        desk.execute(f"PRAGMA max_page_count={pages}")
        error = raised(lambda: desk.execute("INSERT INTO note VALUES (?)", ("x" * 50_000,)))
    assert fault_kind(error) is FaultKind.DISK_FULL
    assert fault_of(error).sentence == "The disk holding the database is full."


def test_a_database_opened_read_only_is_read_only(database: Path) -> None:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as desk:
        error = raised(lambda: desk.execute("INSERT INTO note VALUES ('x')"))
    assert fault_kind(error) is FaultKind.READ_ONLY
    assert "only be read" in fault_of(error).sentence


def test_a_file_that_is_not_a_database_is_named_so(tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    other.write_bytes(b"Minutes of the meeting, not a database. " * 200)
    with closing(sqlite3.connect(other)) as desk:
        error = raised(lambda: desk.execute("SELECT * FROM sqlite_master"))
    assert fault_kind(error) is FaultKind.NOT_A_DESK_DATABASE
    assert fault_of(error).sentence == "That is not an SPR Desk database; nothing changed."


def test_a_database_that_cannot_be_opened_is_unreachable(tmp_path: Path) -> None:
    error = raised(lambda: sqlite3.connect(tmp_path / "no-such-folder" / "desk.db"))
    assert fault_kind(error) is FaultKind.UNREACHABLE


def test_sqlalchemys_wrapper_is_read_through_to_the_drivers_error(database: Path) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{database}", connect_args={"timeout": 0})
    with closing(sqlite3.connect(database, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")
        with engine.connect() as connection:
            error = raised(lambda: connection.execute(text("INSERT INTO note VALUES ('x')")))
    engine.dispose()
    assert type(error).__module__.startswith("sqlalchemy")
    assert fault_kind(error) is FaultKind.BUSY


def test_an_error_raised_while_handling_one_keeps_its_cause(database: Path) -> None:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as desk:
        try:
            try:
                desk.execute("INSERT INTO note VALUES ('x')")
            except sqlite3.Error as cause:
                raise RuntimeError("saving failed") from cause
        except RuntimeError as error:
            assert fault_kind(error) is FaultKind.READ_ONLY


def closed_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the socket is


def test_a_postgresql_server_that_is_not_there_is_unreachable() -> None:
    port = closed_port()
    error = raised(
        lambda: psycopg.connect(f"host=127.0.0.1 port={port} user=x dbname=x connect_timeout=3")
    )
    assert fault_kind(error) is FaultKind.UNREACHABLE
    assert fault_of(error).sentence == "The desk cannot reach the database."
    assert "paper forms" in fault_of(error).what_to_do


class ServerError(Exception):
    """Stands for a psycopg error from a server in a given state: its SQLSTATE is all that
    `fault_of` reads."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__("ERROR: details that may quote a patient")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "kind"),
    [
        ("53100", FaultKind.DISK_FULL),
        ("25006", FaultKind.READ_ONLY),
        ("55P03", FaultKind.BUSY),
        ("57P01", FaultKind.UNREACHABLE),
        ("57P03", FaultKind.UNREACHABLE),
        ("08006", FaultKind.UNREACHABLE),
        ("08001", FaultKind.UNREACHABLE),
        ("23505", FaultKind.OTHER),
    ],
)
def test_postgresqls_sqlstate_names_the_fault(sqlstate: str, kind: FaultKind) -> None:
    assert fault_kind(ServerError(sqlstate)) is kind


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        (errno.ENOSPC, FaultKind.DISK_FULL),
        (errno.EDQUOT, FaultKind.DISK_FULL),
        (errno.EROFS, FaultKind.READ_ONLY),
        (errno.ECONNREFUSED, FaultKind.UNREACHABLE),
        (errno.EHOSTUNREACH, FaultKind.UNREACHABLE),
        (errno.ETIMEDOUT, FaultKind.UNREACHABLE),
        (errno.EACCES, FaultKind.OTHER),
    ],
)
def test_the_systems_errno_names_the_fault(number: int, kind: FaultKind) -> None:
    import os

    assert fault_kind(OSError(number, os.strerror(number))) is kind


def test_a_real_full_disk_write_is_a_full_disk() -> None:
    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("no /dev/full here")
    with full.open("wb", buffering=0) as handle:
        error = raised(lambda: handle.write(b"x"))
    assert fault_kind(error) is FaultKind.DISK_FULL


@pytest.mark.parametrize(
    ("kind", "sentence"),
    [
        (FaultKind.SCHEMA_TOO_NEW, "The database was upgraded by a newer SPR Desk than this one."),
        (FaultKind.NOT_A_DESK_DATABASE, "That is not an SPR Desk database; nothing changed."),
        (
            FaultKind.AUDIT_UNPROTECTED,
            "The database's audit trail is unprotected: its triggers are missing.",
        ),
    ],
)
def test_a_state_the_desk_refuses_is_worded_from_its_desk_fault(
    kind: FaultKind, sentence: str
) -> None:
    refused = DeskFault(kind, "revision 0099 (this SPR Desk knows 0007)")
    assert fault_kind(refused) is kind
    fault = fault_of(refused)
    assert fault == Fault(kind, sentence, fault.what_to_do)
    assert str(fault) == f"{sentence} {fault.what_to_do}"
    assert refused.detail == "revision 0099 (this SPR Desk knows 0007)"


def test_a_schema_too_new_says_to_use_the_newer_desk_and_that_nothing_changed() -> None:
    assert fault_of(DeskFault(FaultKind.SCHEMA_TOO_NEW)).what_to_do == (
        "Use the newer SPR Desk; nothing was changed."
    )


def test_not_a_desk_database_says_where_to_look() -> None:
    assert "--db" in fault_of(DeskFault(FaultKind.NOT_A_DESK_DATABASE)).what_to_do


def test_every_known_fault_has_its_own_sentence_and_something_to_do() -> None:
    faults = [fault_of(DeskFault(kind)) for kind in FaultKind if kind is not FaultKind.OTHER]
    assert len({fault.sentence for fault in faults}) == len(faults)
    for fault in faults:
        assert fault.sentence.endswith(".") and fault.what_to_do.endswith(".")
        assert fault.sentence[0].isupper() and fault.what_to_do[0].isupper()


def test_any_other_failure_is_named_by_its_kind_never_by_its_text() -> None:
    fault = fault_of(KeyError("EXAMPLE, Ethel 943 476 5919"))
    assert fault.kind is FaultKind.OTHER
    assert "943 476 5919" not in str(fault) and "EXAMPLE" not in str(fault)
    assert fault.sentence == "The desk could not do that (a KeyError)."


def test_any_other_system_failure_gives_the_systems_reason_without_the_file() -> None:
    fault = fault_of(PermissionError(errno.EACCES, "Permission denied", "/home/x/EXAMPLE.csv"))
    assert fault.kind is FaultKind.OTHER
    assert fault.sentence == "The desk could not do that: permission denied."
    assert "EXAMPLE" not in str(fault)
