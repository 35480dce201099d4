"""Signing in, the idle lock and each role's permissions, driven from the keyboard with Pilot."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import time
from collections.abc import Iterable, Iterator
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from call_script import screen, settle
from desk_databases import Templates, opened_desk
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static

import db.engine
from db.desk import DeskService
from screens.queue import QueueScreen
from screens.rota import RotaScreen
from screens.rota_modals import ShiftModal
from screens.sign_in import NO_USERS, LockScreen, SignInScreen
from screens.supervisor import SupervisorScreen
from screens.triage import TriageScreen
from spr_desk.entrypoints.app import NO_SCREENSHOTS, SIGN_OUT_WORDS, SprDeskApp
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.roles import Role
from spr_desk.sign_in import SignedIn

SIZE = (100, 30)
PASSWORD = "amber lantern 7"
JO = SignedIn("jsmith", "Jo Smith", Role.CALL_HANDLER)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at


def add(desk: DeskService, who: SignedIn = JO) -> None:
    desk.add_user(who.username, who.role, PASSWORD, display_name=who.display_name, by="admin")


def message(app: SprDeskApp) -> str:
    return str(app.screen.query_one("#sign-in-message", Static).render())


def notes(app: SprDeskApp) -> list[str]:
    return [str(note.message) for note in app._notifications]


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*("space" if c == " " else c for c in text))


def burst(app: SprDeskApp, keys: Iterable[str]) -> None:
    """Keys sent as a fast typist or a password manager sends them: all before any is read."""
    assert app._driver is not None
    for key in keys:
        name = {" ": "space", "\r": "enter"}.get(key, key)
        event = events.Key(name, None if key == "\r" else key)
        event.set_sender(app)
        app._driver.send_message(event)


# signing in ------------------------------------------------------------------------------------


async def test_nothing_opens_until_the_right_password_is_given(
    sqlite_demo_desk: DeskService,
) -> None:
    add(sqlite_demo_desk)
    app = build_app(sqlite_demo_desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.signed_in is None
        await pilot.press("ctrl+n", "ctrl+o")  # the desk's own keys open nothing yet
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)

        await pilot.press("enter", "enter")
        await settle(pilot)
        assert message(app) == "Type your user name."
        assert app.screen.query_one("#sign-in-user", Input).has_focus
        await type_text(pilot, "jsmith")
        await pilot.press("enter")
        await type_text(pilot, "amber lantern 8")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert message(app) == "Wrong user name or password."
        password = app.screen.query_one("#sign-in-password", Input)
        assert password.value == "" and password.has_focus
        assert app.screen.query_one("#sign-in-user", Input).value == "jsmith"  # kept

        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.signed_in == JO and app.user == "jsmith"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen) and app.screen.by == "jsmith"


async def test_keys_typed_in_one_burst_never_put_the_password_in_the_name_field(
    sqlite_desk: DeskService,
) -> None:
    add(sqlite_desk)
    app = build_app(sqlite_desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, ["j", "s", "m", "i", "t", "h", "\r", *"wrong words 1", "\r"])
        await settle(pilot)
        assert app.screen.query_one("#sign-in-user", Input).value == "jsmith"
        assert message(app) == "Wrong user name or password."
        burst(app, list(PASSWORD) + ["\r"])
        await settle(pilot)
        await settle(pilot)
        assert app.signed_in == JO


async def test_repeated_failures_are_slowed_on_screen(sqlite_desk: DeskService) -> None:
    add(sqlite_desk)
    app = build_app(sqlite_desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "jsmith")
        await pilot.press("enter")
        for attempt in range(3):
            await type_text(pilot, f"guess {attempt} words")
            await pilot.press("enter")
            await settle(pilot)
        assert message(app) == ("Wrong user name or password. The next try is heard after 2 s.")
        await type_text(pilot, PASSWORD)  # the desk's clock has not moved: still waiting
        await pilot.press("enter")
        await settle(pilot)
        # The wait is said once, not again as "the next try is heard after".
        assert message(app) == "Too many failed sign-ins: try again in 2 s."
        assert isinstance(app.screen, SignInScreen)


async def test_a_database_with_no_users_says_how_to_add_one(sqlite_desk: DeskService) -> None:
    app = build_app(sqlite_desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert message(app) == NO_USERS
        assert "spr-desk user add NAME --role administrator" in NO_USERS


def test_sign_in_snapshot(snap_compare: Any, sqlite_desk: DeskService) -> None:
    add(sqlite_desk)

    async def typed(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await type_text(pilot, "jsmith")
        await pilot.press("enter")
        await type_text(pilot, "not it at all")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(build_app(sqlite_desk), terminal_size=(80, 24), run_before=typed)


# the idle lock ---------------------------------------------------------------------------------


async def test_an_idle_desk_locks_over_a_half_typed_call_and_keeps_it(
    sqlite_desk: DeskService, now: datetime
) -> None:
    add(sqlite_desk)
    clock = Clock(now)
    app = build_app(sqlite_desk, user=JO, clock=clock, idle_lock=timedelta(minutes=10))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        triage = screen(pilot)
        name = triage.query_one("#referrer_name", Input)
        name.focus()
        await type_text(pilot, "Dr Amy Stone")
        await settle(pilot)

        clock.at += timedelta(minutes=9, seconds=59)
        app.lock_if_idle()
        await settle(pilot)
        assert app.screen is triage  # not yet
        await pilot.press("end")  # a key press counts as someone at the desk
        clock.at += timedelta(minutes=9)
        app.lock_if_idle()
        await settle(pilot)
        assert app.screen is triage

        clock.at += timedelta(minutes=10)
        app.lock_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen) and app.locked
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "Jo Smith, type your password" in shown and "Dr Amy Stone" not in shown
        await pilot.press("ctrl+o", "ctrl+n")  # nothing reaches past the lock
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)

        await type_text(pilot, "not my password")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert message(app) == "Wrong user name or password."
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is triage and not app.locked
        assert name.value == "Dr Amy Stone"  # the half-typed call, as it was
        assert triage.form.referrer_name == "Dr Amy Stone"


# roles -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CALL_HANDLER, Role.NIGHT_STAFF])
async def test_call_handlers_and_night_staff_may_not_review_or_edit_the_rota(
    sqlite_demo_desk: DeskService, role: Role
) -> None:
    app = build_app(sqlite_demo_desk, user=SignedIn("kit", "", role))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert notes(app)[-1].startswith(
            "The supervisor view is for supervisors and administrators"
        )

        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, RotaScreen)  # reading the rota is for everyone
        shifts_before = app.screen.rows
        for key in ("a", "d", "i"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, RotaScreen), key
            assert notes(app)[-1].startswith("Changing the rota is for supervisors"), key
        assert app.screen.rows == shifts_before


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMINISTRATOR])
async def test_supervisors_and_administrators_review_and_edit_the_rota(
    sqlite_demo_desk: DeskService, role: Role
) -> None:
    app = build_app(sqlite_demo_desk, user=SignedIn("sam", "", role))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, SupervisorScreen)
        await pilot.press("escape", "f4")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ShiftModal)
        assert not notes(app)


async def test_a_fault_while_checking_is_said_in_words_not_by_its_class(
    sqlite_desk: DeskService, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(sqlite_desk)
    monkeypatch.setattr(db.engine, "BUSY_TIMEOUT_MS", 200)  # not the desk's 5 s, in a test
    sqlite_desk.engine.dispose()
    app = build_app(sqlite_desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "jsmith")
        await pilot.press("enter")
        await type_text(pilot, PASSWORD)
        # Another program holds the write lock: the count cannot be taken.
        with closing(sqlite3.connect(sqlite_desk.engine.url.database or "")) as other:
            other.execute("BEGIN IMMEDIATE")
            await pilot.press("enter")
            deadline = time.monotonic() + 30
            while message(app) in ("", "Checking...") and time.monotonic() < deadline:
                await pilot.pause(0.05)
            other.rollback()
        assert message(app) == (
            "The database is busy (an import or another desk is writing). "
            "Type your password again; if it goes on, call IT."
        )
        assert isinstance(app.screen, SignInScreen)
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


# the command palette ----------------------------------------------------------------------------


async def test_the_palette_offers_no_screenshot_and_no_screenshot_can_be_saved(
    sqlite_desk: DeskService, tmp_path: Path
) -> None:
    add(sqlite_desk)
    app = build_app(sqlite_desk)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Quit", "Keys"} <= titles <= {"Quit", "Keys", "Maximize", "Minimize"}
        await type_text(pilot, "jsmith")
        await pilot.press("enter")
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert titles <= {"Quit", "Keys", "Maximize", "Minimize", SIGN_OUT_WORDS}
        assert SIGN_OUT_WORDS in titles

        # Typed into the palette, "screenshot" finds nothing to run.
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "screenshot")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        # Textual's action and its delivery, however reached, save nothing.
        await app.run_action("screenshot")
        assert app.deliver_screenshot() is None
        assert app.save_screenshot(path=str(tmp_path)) == ""
        await settle(pilot)
        await pilot.pause(0.3)  # Textual's own command waited 0.1 s before saving
        assert notes(app)[-1] == NO_SCREENSHOTS
    saved = [p for p in tmp_path.rglob("*") if p.suffix == ".svg"]
    assert saved == [] and not (Path.home() / "Downloads").exists()


# a full disk ------------------------------------------------------------------------------------


@pytest.fixture
def full_disk_desk(tmp_path: Path, now: datetime, templates: Templates) -> Iterator[DeskService]:
    """A SQLite desk on a 4 MB tmpfs of our own (needs root) that is then filled to the last
    byte: it reads, it cannot write."""
    disk = tmp_path / "small-disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    options = ["-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(disk)]
    if subprocess.run(["mount", *options], capture_output=True, check=False).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        with opened_desk(templates.sqlite_copy("migrated", disk / "desk.db"), now) as desk:
            add(desk)
            with closing(sqlite3.connect(disk / "desk.db")) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the next write grows it
            with (disk / "filler").open("wb", buffering=0) as filler:
                for size in (1 << 16, 1 << 12, 1):
                    with contextlib.suppress(OSError):
                        while True:
                            filler.write(b"\0" * size)
            yield desk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


async def test_sign_in_on_a_full_disk_says_so_once_and_signs_in(
    full_disk_desk: DeskService,
) -> None:
    app = build_app(full_disk_desk)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await type_text(pilot, "jsmith")
        await pilot.press("enter")
        await type_text(pilot, "amber lantern 8")
        await pilot.press("enter")
        await settle(pilot)
        assert message(app) == (
            "Wrong user name or password.\n"
            "The disk holding the database is full. Signing in still works; what it records is "
            "written once there is room (call IT)."
        )
        assert "OperationalError" not in message(app)
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and app.user == "jsmith"
        full = [n for n in notes(app) if n.startswith("The disk holding the database is full.")]
        assert len(full) == 1
        assert "signed in" not in actions(full_disk_desk)

        # Room again: the desk's next status read writes what the sign-in held back.
        (Path(full_disk_desk.engine.url.database or "").parent / "filler").unlink()
        app.check_status()
        deadline = time.monotonic() + 30
        while "signed in" not in actions(full_disk_desk) and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert actions(full_disk_desk)[-2:] == ["sign-in failed", "signed in"]


def actions(desk: DeskService) -> list[str]:
    rows, _ = desk.audit_events()
    return [row.action for row in reversed(rows)]
