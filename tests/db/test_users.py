"""Users on the desk service, on SQLite and PostgreSQL: adding, signing in, failures slowed."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from desk_databases import Templates, opened_desk
from sqlalchemy import inspect, text
from sqlalchemy.exc import OperationalError

from db import users
from db.desk import DeskService
from db.engine import make_engine
from db.migrate import HEAD_REVISION, alembic_config, current_revision, upgrade, upgrade_to_head
from db.user_desk import UNKNOWN_USER
from spr_desk.desk_api import DeskError
from spr_desk.faults import FaultKind
from spr_desk.roles import Role
from spr_desk.sign_in import WRONG, SignedIn, SignInRefused, too_many

PASSWORD = "amber lantern 7"


class Clock:
    """A clock the test moves on by hand."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def move(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def events(desk: DeskService) -> list[tuple[str, str, str, str]]:
    """(actor, action, subject, detail) of every audit event, oldest first."""
    rows, _ = desk.audit_events()
    return [(r.actor, r.action, r.subject, r.detail) for r in reversed(rows)]


@pytest.fixture
def clocked(db_url: str, now: datetime) -> Iterator[tuple[DeskService, Clock]]:
    clock = Clock(now)
    with opened_desk(db_url, now) as desk:
        desk.clock = clock
        yield desk, clock


def test_a_user_signs_in_with_their_password_as_their_role(desk: DeskService) -> None:
    desk.add_user("jsmith", Role.NIGHT_STAFF, PASSWORD, display_name=" Jo Smith ", by="admin")
    assert desk.sign_in(" JSmith ", PASSWORD) == SignedIn("jsmith", "Jo Smith", Role.NIGHT_STAFF)
    [user] = desk.users()
    assert user.role is Role.NIGHT_STAFF and user.last_signed_in_at == desk.now()
    assert PASSWORD not in (user.password_hash or "")
    assert events(desk) == [
        ("admin", "user added", "user jsmith", ""),
        ("jsmith", "signed in", "user jsmith", ""),
    ]


@pytest.mark.parametrize(
    ("name", "password", "problem"),
    [
        ("J Smith", PASSWORD, "lower-case letters"),
        ("x", PASSWORD, "2 to 40 characters"),
        ("jsmith", "short", "at least 10"),
        ("jsmith", "jsmith is my password", "user name"),
    ],
)
def test_a_bad_name_or_weak_password_is_refused_and_nothing_is_added(
    desk: DeskService, name: str, password: str, problem: str
) -> None:
    with pytest.raises(DeskError, match=problem):
        desk.add_user(name, Role.CALL_HANDLER, password, by="admin")
    assert desk.users() == [] and not desk.has_users()


def test_a_taken_name_is_refused_and_the_first_user_is_unchanged(desk: DeskService) -> None:
    desk.add_user("jsmith", Role.CALL_HANDLER, PASSWORD, by="admin")
    with pytest.raises(DeskError, match="already a user called jsmith"):
        desk.add_user("jsmith", Role.ADMINISTRATOR, "another long one", by="admin")
    [user] = desk.users()
    assert user.role is Role.CALL_HANDLER
    assert isinstance(desk.sign_in("jsmith", PASSWORD), SignedIn)


def test_failures_are_counted_and_each_after_the_third_must_wait(
    clocked: tuple[DeskService, Clock],
) -> None:
    desk, clock = clocked
    desk.add_user("jsmith", Role.CALL_HANDLER, PASSWORD, by="admin")
    outcomes = [desk.sign_in("jsmith", f"guess {n}") for n in range(3)]
    assert outcomes == [
        SignInRefused(WRONG),
        SignInRefused(WRONG),
        SignInRefused(WRONG, timedelta(seconds=2)),
    ]
    assert desk.users()[0].failed_sign_ins == 3

    # Within the wait even the right password is not heard, and the attempt is not counted.
    clock.move(seconds=1)
    early = desk.sign_in("jsmith", PASSWORD)
    assert isinstance(early, SignInRefused) and early.wait == timedelta(seconds=1)
    assert "Too many failed sign-ins: try again in 1 s" in early.message
    assert desk.users()[0].failed_sign_ins == 3

    clock.move(seconds=1)
    assert desk.sign_in("jsmith", "guess 4") == SignInRefused(WRONG, timedelta(seconds=4))
    clock.move(seconds=3)
    assert isinstance(desk.sign_in("jsmith", PASSWORD), SignInRefused)  # 1 s still to wait
    clock.move(seconds=1)
    assert isinstance(desk.sign_in("jsmith", PASSWORD), SignedIn)
    assert desk.users()[0].failed_sign_ins == 0  # a success starts the count again

    failed = [detail for _, action, _, detail in events(desk) if action == "sign-in failed"]
    assert failed == ["1 in a row", "2 in a row", "3 in a row", "4 in a row"]


def test_an_unknown_name_is_refused_like_a_wrong_password_and_not_recorded(
    desk: DeskService,
) -> None:
    desk.add_user("jsmith", Role.CALL_HANDLER, PASSWORD, by="admin")
    typed = "Mrs Ethel Brown 943 476 5919"
    assert desk.sign_in(typed, PASSWORD) == SignInRefused(WRONG)
    [event] = [e for e in events(desk) if e[1] == "sign-in failed"]
    assert event == (UNKNOWN_USER, "sign-in failed", "user", "")
    # Its count is kept under a keyed hash: nothing of what was typed is stored.
    with desk.engine.connect() as connection:
        stored = " ".join(
            str(value)
            for table in ("sign_in_attempt", "sign_in_salt", "audit_event")
            for row in connection.execute(text(f"SELECT * FROM {table}"))
            for value in row
        ).lower()
    assert len(stored) > 100
    # The number whole, with and without its spaces: a fragment such as "943" turns up by chance
    # in the salt's and keys' random hex or a time's microseconds (1 run in 40 here).
    typed_parts = ("ethel", "brown", "943 476 5919", "9434765919")
    assert not any(part in stored for part in typed_parts)


def attempts_in_a_row(
    desk: DeskService, clock: Clock, username: str
) -> list[SignInRefused | SignedIn]:
    """Wrong passwords, some within the wait and some after it, then the right one too soon and
    too late; the clock moved the same way for each name."""
    outcomes: list[SignInRefused | SignedIn] = []
    for seconds in (0, 0, 0, 1, 1, 0, 5, 0):
        clock.move(seconds=seconds)
        outcomes.append(desk.sign_in(username, "amber lantern 8"))
    clock.move(seconds=3)
    outcomes.append(desk.sign_in(username, PASSWORD))
    return outcomes


def test_a_known_an_unknown_and_a_disabled_name_get_word_for_word_the_same_answers(
    clocked: tuple[DeskService, Clock],
) -> None:
    desk, clock = clocked
    desk.add_user("jsmith", Role.CALL_HANDLER, "violet harbour 9", by="admin")
    desk.add_user("kdisabled", Role.CALL_HANDLER, PASSWORD, by="admin")
    desk.set_active("kdisabled", False, by="admin")
    known = attempts_in_a_row(desk, clock, "jsmith")
    unknown = attempts_in_a_row(desk, clock, "nobody")
    disabled = attempts_in_a_row(desk, clock, "kdisabled")  # its right password: still wrong
    assert known == unknown == disabled
    assert {type(o) for o in known} == {SignInRefused}
    waits = [(o.message.split(":")[0], round(o.wait.total_seconds())) for o in known]
    assert waits == [
        ("Wrong user name or password.", 0),
        ("Wrong user name or password.", 0),
        ("Wrong user name or password.", 2),
        ("Too many failed sign-ins", 1),
        ("Wrong user name or password.", 4),
        ("Too many failed sign-ins", 4),
        ("Wrong user name or password.", 8),
        ("Too many failed sign-ins", 8),
        ("Too many failed sign-ins", 5),
    ]


def test_the_audit_trail_of_sign_ins_survives_another_desk(db_url: str, now: datetime) -> None:
    with opened_desk(db_url, now) as first, opened_desk(db_url, now) as second:
        first.add_user("jsmith", Role.SUPERVISOR, PASSWORD, by="admin")
        assert second.sign_in("jsmith", PASSWORD) == SignedIn("jsmith", "", Role.SUPERVISOR)
        assert ("jsmith", "signed in", "user jsmith", "") in events(first)


def test_a_new_password_replaces_the_old_and_forgives_the_failures(
    clocked: tuple[DeskService, Clock],
) -> None:
    desk, _clock = clocked
    desk.add_user("jsmith", Role.CALL_HANDLER, PASSWORD, by="admin")
    for n in range(5):
        desk.sign_in("jsmith", f"guess {n}")
    with pytest.raises(DeskError, match="at least 10"):
        desk.set_password("jsmith", "short", by="admin")
    desk.set_password("jsmith", "violet harbour 9", by="admin")
    assert desk.users()[0].failed_sign_ins == 0
    assert desk.sign_in("jsmith", PASSWORD) == SignInRefused(WRONG)
    assert isinstance(desk.sign_in("jsmith", "violet harbour 9"), SignedIn)
    with pytest.raises(DeskError, match="no user called nobody"):
        desk.set_password("nobody", "violet harbour 9", by="admin")
    assert ("admin", "password changed", "user jsmith", "") in events(desk)


def test_a_disabled_user_cannot_sign_in_until_enabled(desk: DeskService) -> None:
    desk.add_user("jsmith", Role.CALL_HANDLER, PASSWORD, by="admin")
    desk.set_active("jsmith", False, by="admin")
    assert desk.sign_in("jsmith", PASSWORD) == SignInRefused(WRONG)
    assert desk.users()[0].active is False
    desk.set_active("jsmith", True, by="admin")
    assert isinstance(desk.sign_in("jsmith", PASSWORD), SignedIn)
    with pytest.raises(DeskError, match="no user called ghost"):
        desk.set_active("ghost", False, by="admin")
    actions = [action for _, action, subject, _ in events(desk) if subject == "user jsmith"]
    assert actions == ["user added", "user disabled", "sign-in failed", "user enabled", "signed in"]


# a full disk ------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs of our own (needs root, as CI's container runs), unmounted after."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Fill the disk to the last byte; the file to delete to free it again."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        for size in (1 << 16, 1 << 12, 1):
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError as error:
                assert error.errno == errno.ENOSPC
    return filler


@pytest.fixture
def full_disk_desk(
    small_disk: Path, now: datetime, templates: Templates
) -> Iterator[tuple[DeskService, Clock, Path]]:
    """A SQLite desk on a small disk that is then filled: its reads work, no write can."""
    clock = Clock(now)
    with opened_desk(templates.sqlite_copy("migrated", small_disk / "desk.db"), now) as desk:
        desk.clock = clock
        desk.add_user("jsmith", Role.CALL_HANDLER, PASSWORD, by="admin")
        # An empty write-ahead log, so that the next write must grow it.
        with closing(sqlite3.connect(small_disk / "desk.db")) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        filler = fill(small_disk)
        yield desk, clock, filler


def test_sign_in_works_on_a_full_disk_and_its_audit_events_are_written_once_it_is_freed(
    full_disk_desk: tuple[DeskService, Clock, Path],
) -> None:
    desk, clock, filler = full_disk_desk
    with pytest.raises(OperationalError, match="full"):  # the disk is truly full
        desk.add_user("kit", Role.CALL_HANDLER, PASSWORD, by="admin")
    before = events(desk)

    wrong = desk.sign_in("jsmith", "amber lantern 8")
    assert wrong == SignInRefused(WRONG, fault=wrong.fault)
    assert wrong.fault is not None and wrong.fault.kind is FaultKind.DISK_FULL
    assert str(wrong.fault).startswith("The disk holding the database is full.")
    right = desk.sign_in("jsmith", PASSWORD)
    assert right == SignedIn("jsmith", "", Role.CALL_HANDLER, right.fault)
    assert right.fault is not None and right.fault.kind is FaultKind.DISK_FULL
    assert desk.sign_out("jsmith") is not None

    # The in-process count slows guesses as the database's would, unknown names too.
    for name in ("jsmith", "nobody"):
        outcomes = [desk.sign_in(name, f"guess {n}") for n in range(4)]
        assert [(o.message, o.wait) for o in outcomes] == [
            (WRONG, timedelta(0)),
            (WRONG, timedelta(0)),
            (WRONG, timedelta(seconds=2)),
            (too_many(timedelta(seconds=2)), timedelta(seconds=2)),
        ]
    assert events(desk) == before  # nothing written yet
    assert desk.write_queued_sign_ins() is False  # still full: kept

    filler.unlink()
    clock.move(minutes=1)
    assert desk.sign_in("jsmith", PASSWORD) == SignedIn("jsmith", "", Role.CALL_HANDLER)
    assert events(desk)[len(before) :] == [
        ("jsmith", "sign-in failed", "user jsmith", "1 in a row"),
        ("jsmith", "signed in", "user jsmith", ""),
        ("jsmith", "signed out", "user jsmith", ""),
        ("jsmith", "sign-in failed", "user jsmith", "1 in a row"),
        ("jsmith", "sign-in failed", "user jsmith", "2 in a row"),
        ("jsmith", "sign-in failed", "user jsmith", "3 in a row"),
        (UNKNOWN_USER, "sign-in failed", "user", ""),
        (UNKNOWN_USER, "sign-in failed", "user", ""),
        (UNKNOWN_USER, "sign-in failed", "user", ""),
        ("jsmith", "signed in", "user jsmith", ""),
    ]
    assert desk.users()[0].failed_sign_ins == 0
    # The unknown name's three failures reached the database's count: this is its fourth.
    assert desk.sign_in("nobody", "guess 4") == SignInRefused(WRONG, timedelta(seconds=4))


# the count's own tables -------------------------------------------------------------------------


def test_a_database_without_its_salt_makes_one_and_counts_as_before(
    clocked: tuple[DeskService, Clock],
) -> None:
    desk, _clock = clocked
    desk.add_user("jsmith", Role.CALL_HANDLER, PASSWORD, by="admin")
    with desk.engine.begin() as connection:
        connection.execute(text("DELETE FROM sign_in_salt"))
    outcomes = [desk.sign_in("jsmith", f"guess {n}") for n in range(3)]
    assert outcomes[-1] == SignInRefused(WRONG, timedelta(seconds=2))
    with desk.engine.connect() as connection:
        [salt] = connection.execute(text("SELECT salt FROM sign_in_salt")).scalars()
        keys = connection.execute(text("SELECT name_key FROM sign_in_attempt")).scalars().all()
    assert len(salt) == 64 and keys == [users.name_key(salt, "jsmith")]


def test_migration_0013_goes_down_and_up_again(db_url: str) -> None:
    from alembic import command

    engine = make_engine(db_url)
    upgrade_to_head(engine)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0012_deliberate_milestones")
    assert current_revision(engine) == "0012_deliberate_milestones"
    assert not {"sign_in_attempt", "sign_in_salt"} & set(inspect(engine).get_table_names())
    upgrade(engine, "head")
    with engine.connect() as connection:
        salts = connection.execute(text("SELECT salt FROM sign_in_salt")).scalars().all()
    assert current_revision(engine) == HEAD_REVISION and len(salts) == 1
    engine.dispose()
