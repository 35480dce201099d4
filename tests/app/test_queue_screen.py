"""The queue screen, driven as a handler would with Textual's Pilot."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from call_script import settle
from conftest import opened_desk
from tests_support import crew_call
from textual.widgets import Input, Select, Static

from bench.bigdata import build_database
from db.desk import DeskService
from screens.queue import STATUS_CHOICES, QueueScreen
from screens.referral import ReferralScreen
from screens.widgets.queue_board import WINDOW, QueueBoard
from spr_desk.app import SprDeskApp
from spr_desk.queue_view import REDIRECTED, TO_TRACE
from spr_desk.referral import NewReferral, PatientDetails, RedirectedCall, ReferrerDetails
from spr_desk.vocabulary import NhsNumberStatus, NhsNumberUnavailable, RedFlag, ReferrerRole

SIZE = (120, 40)


def board(app: SprDeskApp) -> QueueBoard:
    return app.screen.query_one(QueueBoard)


def screen_text(widget: Any) -> str:
    return "\n".join(line.text for line in widget.render_lines(widget.region.reset_offset))


def call(desk: DeskService, given: str, family: str, minutes_ago: int = 5) -> NewReferral:
    return crew_call(desk, given, family, minutes_ago)


async def test_the_app_opens_on_the_queue_with_every_open_referral(
    sqlite_demo_desk: DeskService,
) -> None:
    expected = sqlite_demo_desk.open_queue()
    assert len(expected) > 50
    app = SprDeskApp(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = board(app)
        assert [row.reference for row in queue.rows] == [row.reference for row in expected]
        summary = str(app.screen.query_one("#queue-summary", Static).render())
        assert summary.startswith(f"{len(expected)} open")
        shown = screen_text(queue)
        assert expected[0].reference in shown and expected[0].patient_name in shown
        await pilot.press("down", "down")
        assert queue.cursor == 2
        marked = [line for line in screen_text(queue).splitlines() if line.lstrip().startswith("▶")]
        assert len(marked) == 1 and expected[2].reference in marked[0]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        assert app.screen.reference == expected[2].reference


async def test_another_desks_new_referral_appears_without_a_key_press(
    sqlite_demo_desk: DeskService,
) -> None:
    app = SprDeskApp(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(board(app).rows)
        # Another desk (another service on the same database) records a call.
        other = DeskService(sqlite_demo_desk.engine, clock=sqlite_demo_desk.clock)
        reference = other.record_referral(call(other, "Ada", "Lovelace"), by="desk2").reference
        assert isinstance(app.screen, QueueScreen)
        app.screen._poll()  # the 2-second poll, run now rather than waited for
        await settle(pilot)
        await settle(pilot)
        assert len(board(app).rows) == before + 1
        assert reference in [row.reference for row in board(app).rows]


@pytest.mark.parametrize(
    ("search", "expect"),
    [("lovelace", "LOVELACE, Ada"), ("943 476", "LOVELACE, Ada"), ("SPR-2026-000001", None)],
)
async def test_search_finds_by_name_nhs_number_or_reference(
    sqlite_desk: DeskService, search: str, expect: str | None
) -> None:
    first = sqlite_desk.record_referral(call(sqlite_desk, "Ada", "Lovelace"), by="h").reference
    other = call(sqlite_desk, "Bob", "Other")
    sqlite_desk.record_referral(
        NewReferral(
            received_at=other.received_at,
            referrer=other.referrer,
            patient=PatientDetails("4010232137", "Bob", "Other"),
            facts=other.facts,
        ),
        by="h",
    )
    app = SprDeskApp(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(board(app).rows) == 2
        await pilot.press("slash", *search, "enter")
        await settle(pilot)
        names = [row.patient_name for row in board(app).rows]
        references = [row.reference for row in board(app).rows]
        if expect is None:
            assert references == [first]
        else:
            assert names == [expect]
        assert "filtered from 2" in str(app.screen.query_one("#queue-summary", Static).render())


async def test_filters_narrow_the_queue_by_locality_and_lead(
    sqlite_demo_desk: DeskService,
) -> None:
    everything = sqlite_demo_desk.open_queue()
    app = SprDeskApp(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#filter-locality", Select).value = "Thame"
        app.screen.query_one("#filter-lead", Select).value = "nurse"
        await settle(pilot)
        shown = board(app).rows
        expected = [r for r in everything if r.locality == "Thame" and r.lead == "nurse"]
        assert expected and [r.reference for r in shown] == [r.reference for r in expected]
        app.screen.query_one("#filter-lead", Select).clear()
        await settle(pilot)
        assert len(board(app).rows) == sum(r.locality == "Thame" for r in everything)


async def test_a_long_queue_is_read_and_held_a_window_at_a_time(
    tmp_path: Path, now: datetime
) -> None:
    """600 open referrals: the board holds at most one window of rows, yet every referral is
    reachable from the keyboard and the cursor stays on its referral across a refresh."""
    url = f"sqlite:///{tmp_path / 'long.db'}"
    build_database(url, closed=300, open_=600, now=now)
    with opened_desk(url, now) as desk:
        everything = desk.open_queue()
        assert len(everything) == 600
        app = SprDeskApp(desk, user="desk1")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            queue = board(app)
            assert queue.total == 600 and len(queue.rows) == WINDOW
            assert str(app.screen.query_one("#queue-summary", Static).render()).startswith(
                "600 open"
            )
            await pilot.press("end")
            await settle(pilot)
            await settle(pilot)
            last = everything[-1].reference
            assert queue.cursor == 599 and queue.current is not None
            assert queue.current.reference == last
            assert len(queue.rows) <= WINDOW and queue.first > 0
            lines = screen_text(queue).splitlines()
            assert all("SPR-" in line for line in lines[1:]) and last in lines[-1]
            await pilot.press("up", "up")
            held = queue.current
            assert held is not None and held.reference == everything[597].reference
            app.screen.action_refresh_queue()
            await settle(pilot)
            assert queue.cursor == 597 and queue.current == held
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ReferralScreen) and app.screen.reference == held.reference
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("home")
            await settle(pilot)
            await settle(pilot)
            assert queue.cursor == 0 and queue.first == 0
            assert queue.current is not None and queue.current.reference == everything[0].reference


async def test_at_80_columns_the_last_row_is_not_hidden_under_the_scroll_bar(
    sqlite_demo_desk: DeskService,
) -> None:
    """80 columns are narrower than the board, so a horizontal scroll bar takes its bottom line:
    the cursor's row must stay above it."""
    app = SprDeskApp(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        queue = board(app)
        assert queue.scrollable_size.height < queue.size.height  # the scroll bar is there
        await pilot.press("end")
        await settle(pilot)
        rows_in_view = queue.scrollable_size.height - 1  # below the headings
        assert queue.cursor == queue.total - 1
        assert queue.scroll_offset.y <= queue.cursor < queue.scroll_offset.y + rows_in_view
        await pilot.press("pageup", "pagedown")
        assert queue.scroll_offset.y <= queue.cursor < queue.scroll_offset.y + rows_in_view


async def test_the_countdown_turns_due_soon_then_breached_as_the_clock_moves(
    sqlite_desk: DeskService,
) -> None:
    clock = {"now": sqlite_desk.now()}
    desk = DeskService(sqlite_desk.engine, clock=lambda: clock["now"])
    desk.record_referral(call(desk, "Ada", "Lovelace", minutes_ago=0), by="h")  # rapid: 3 h
    app = SprDeskApp(desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "due " in screen_text(board(app)).splitlines()[1]
        for hours, word in ((2.5, "DUE SOON"), (3.2, "BREACHED")):
            clock["now"] = sqlite_desk.now() + timedelta(hours=hours)
            app.screen._tick()  # the 30-second countdown tick, run now
            await settle(pilot)
            line = screen_text(board(app)).splitlines()[1]
            assert word in line, line
        assert "1 breached" in str(app.screen.query_one("#queue-summary", Static).render())


async def test_markup_typed_into_a_name_is_shown_literally(sqlite_desk: DeskService) -> None:
    sqlite_desk.record_referral(
        call(sqlite_desk, "[link=http://x]y[/link]", "[bold red]X[/]"), by="h"
    )
    app = SprDeskApp(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert board(app).rows[0].patient_name == "[BOLD RED]X[/], [link=http://x]y[/link]"
        # The column is 19 cells wide: the name is cut (…), but what shows is what was typed.
        assert "[BOLD RED]X[/], […" in screen_text(board(app))


async def test_started_as_the_command_starts_it_the_desk_opens_behind_the_first_frame(
    sqlite_demo_desk: DeskService,
) -> None:
    app = SprDeskApp(lambda: sqlite_demo_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.desk is sqlite_demo_desk
        assert len(board(app).rows) == len(sqlite_demo_desk.open_queue())


async def test_a_database_that_cannot_be_opened_ends_the_app_with_one_clear_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def unreachable() -> DeskService:
        raise OSError("connection refused")

    app = SprDeskApp(unreachable, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 1
    captured = capsys.readouterr()
    assert "spr-desk: OSError: connection refused" in captured.out + captured.err


async def test_n_takes_the_most_urgent_referral_waiting_and_another_desk_gets_the_next(
    sqlite_desk: DeskService,
) -> None:
    older = sqlite_desk.record_referral(call(sqlite_desk, "Ada", "Lovelace", 20), by="h").reference
    newer = sqlite_desk.record_referral(call(sqlite_desk, "Bob", "Other", 5), by="h").reference
    app = SprDeskApp(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen) and app.screen.reference == older
        # Another desk asking now is given the next one, not this one.
        other = DeskService(sqlite_desk.engine, clock=sqlite_desk.clock)
        assert other.claim_next(by="desk2") == newer
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)  # nothing left: said, not opened


async def test_the_status_filter_lists_the_redirected_calls_and_those_to_trace(
    sqlite_desk: DeskService,
) -> None:
    open_one = sqlite_desk.record_referral(call(sqlite_desk, "Ada", "Lovelace"), by="h").reference
    untraced = call(sqlite_desk, "Bea", "Nonumber")
    to_trace = sqlite_desk.record_referral(
        replace(
            untraced,
            patient=replace(untraced.patient, nhs_number=""),
            nhs_number_status=NhsNumberStatus.TRACE_REQUIRED,
            nhs_number_unavailable=NhsNumberUnavailable.NOT_KNOWN,
        ),
        by="h",
    ).reference
    redirected = sqlite_desk.record_redirect(
        RedirectedCall(
            received_at=sqlite_desk.now(),
            red_flags=frozenset({RedFlag.CHEST_PAIN}),
            referrer=ReferrerDetails("", ReferrerRole.OTHER, "", "01296555010"),
            patient=PatientDetails("", "Winifred", ""),
            call_record={},
            advice="Please call 999 now.",
        ),
        by="h",
    ).reference
    assert ("redirected (999 / A&E)", REDIRECTED) in STATUS_CHOICES
    assert ("NHS number to trace", TO_TRACE) in STATUS_CHOICES
    app = SprDeskApp(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert {row.reference for row in board(app).rows} == {open_one, to_trace}

        app.screen.query_one("#filter-status", Select).value = REDIRECTED
        await settle(pilot)
        assert [row.reference for row in board(app).rows] == [redirected]
        shown = screen_text(board(app))
        for words in ("Received", "Caller", "Red flags", "Winifred", "01296 555010", "chest pain"):
            assert words in shown, words
        summary = str(app.screen.query_one("#queue-summary", Static).render())
        assert summary == "1 redirected to 999 / A&E, newest first"
        await pilot.press("slash", *"555010", "enter")  # found by the caller's number alone
        await settle(pilot)
        assert [row.reference for row in board(app).rows] == [redirected]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen) and app.screen.reference == redirected
        await pilot.press("escape")
        await settle(pilot)

        app.screen.query_one("#queue-search", Input).value = ""
        app.screen.query_one("#filter-status", Select).value = TO_TRACE
        await settle(pilot)
        assert [row.reference for row in board(app).rows] == [to_trace]
        assert "Left" in screen_text(board(app))  # the queue's own columns
        summary = str(app.screen.query_one("#queue-summary", Static).render())
        assert summary == "1 with an NHS number to trace, newest first"

        app.screen.query_one("#filter-status", Select).clear()
        await settle(pilot)
        assert {row.reference for row in board(app).rows} == {open_one, to_trace}
        summary = str(app.screen.query_one("#queue-summary", Static).render())
        assert summary.startswith("2 open")
