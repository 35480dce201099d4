"""The screen-reader mode (issue 20): Ethel's call taken end to end from the keyboard, each change
said in words on the one status line, in order; the countdowns once a minute; the bell at most
once a minute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from call_script import ETHEL, record, settle, start_call, take_call
from cut_off import screen_lines
from test_sign_in import JO, Clock
from textual.widgets import Input

from db.desk import DeskService
from screens.confirm_call_modal import ConfirmCallModal
from screens.queue import QueueScreen
from screens.sign_in import LockScreen
from screens.widgets.status_line import StatusLine
from spr_desk.access import Access
from spr_desk.announcements import SCREEN_READER_TICK_SECONDS
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.uktime import as_local

SIZE = (100, 30)
SCREEN_READER = Access(screen_reader=True)


def said(app: object) -> str:
    line = app.screen.query_one(StatusLine)  # type: ignore[attr-defined]
    return str(line.render())


async def test_ethels_call_in_the_screen_reader_mode_is_said_in_order(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="handler1", access=SCREEN_READER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert said(app) == "No referral breached"  # the empty desk's queue, said once
        triage = await start_call(pilot)
        await settle(pilot)
        assert said(app) == "No referral breached"  # the call's screen has the line too
        await take_call(pilot, ETHEL)
        # The call's clock moves once a minute, in words.
        assert str(triage.query_one("#call-timer").render()).startswith("Call under 1 min")
        reference = await record(pilot)
        due = as_local(sqlite_desk.now() + timedelta(hours=3)).strftime("%H:%M")
        recorded = f"Recorded {reference}, Rapid, nurse, due {due}"
        await settle(pilot)
        assert said(app) == recorded  # and back on the queue the line still says it
        assert app.announcements == ["No referral breached", recorded]


async def test_the_fields_do_not_blink_and_the_clocks_move_once_a_minute(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="handler1", access=SCREEN_READER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        call = await start_call(pilot)
        await pilot.press("f2")
        await settle(pilot)
        field = app.focused
        assert isinstance(field, Input) and field.cursor_blink is False
        ticks = [t._interval for t in call._timers if t._callback == call._tick]
        assert ticks == [SCREEN_READER_TICK_SECONDS]


async def test_without_the_mode_there_is_no_status_line_and_the_call_clock_counts_seconds(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="handler1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        triage = await start_call(pilot)
        await settle(pilot)
        assert not app.screen.query(StatusLine)
        assert str(triage.query_one("#call-timer").render()).startswith("Call 00:0")
        assert app.announcements == []


async def test_the_lock_and_the_sign_out_forget_what_was_said(sqlite_desk: DeskService) -> None:
    """What the line said names patients: the next person at the desk reads none of it."""
    clock = Clock(sqlite_desk.now())
    app = build_app(
        sqlite_desk, user=JO, clock=clock, idle_lock=timedelta(minutes=10), access=SCREEN_READER
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.announce("Known patient: Ethel Webb, born 02/03/1944")
        clock.at += timedelta(minutes=11)
        app.lock_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert app.announcements == ["The desk is locked: sign in to go on."]
        assert said(app) == "The desk is locked: sign in to go on."
        app.sign_out()
        await settle(pilot)
        assert app.announcements == ["Jo Smith signed out."]
        assert "Ethel" not in said(app)


@pytest.mark.parametrize("mode", [SCREEN_READER, Access()], ids=["screen-reader", "plain"])
async def test_the_read_back_keeps_its_keys_on_screen_with_a_warning_at_80x24(
    sqlite_desk: DeskService, mode: Access
) -> None:
    """The facts scroll in what is left: a warning that wraps, and the mode's status line under
    the dialog, never push the keys that record the call off the screen."""
    app = build_app(sqlite_desk, user="handler1", access=mode)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_call(pilot)
        await take_call(pilot, ETHEL)
        await record(pilot)
        await start_call(pilot)  # Ethel again: her open referral is the read-back's warning
        await take_call(pilot, ETHEL)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmCallModal) and app.screen.warning
        lines = screen_lines(app)
        assert any("enter  record" in line for line in lines), "\n".join(lines)
