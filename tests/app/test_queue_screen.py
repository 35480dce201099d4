"""The queue screen, driven as a handler would with Textual's Pilot."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from call_script import settle
from desk_databases import opened_desk
from sqlmodel import Session, select
from tests_support import crew_call
from textual.widgets import Input, Select, Static

from bench.bigdata import build_database
from db.desk import DeskService
from db.models import Referral
from screens.queue import STATUS_CHOICES, QueueScreen
from screens.referral import ReferralScreen
from screens.take_next_modal import TakeNextModal
from screens.widgets.queue_board import WINDOW, QueueBoard
from spr_desk.entrypoints.app import SprDeskApp
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.queue_view import REDIRECTED, STATE_SYMBOLS, STILL_MARK, TO_TRACE, QueueFilter
from spr_desk.referral import NewReferral, PatientDetails, RedirectedCall, ReferrerDetails
from spr_desk.sample_calls import crew_on_scene
from spr_desk.vocabulary import (
    CloseOutcome,
    NhsNumberStatus,
    NhsNumberUnavailable,
    RedFlag,
    ReferrerRole,
    Status,
)

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
    app = build_app(sqlite_demo_desk, user="desk1")
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
    app = build_app(sqlite_demo_desk, user="desk1")
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
    app = build_app(sqlite_desk, user="desk1")
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
        summary = str(app.screen.query_one("#queue-summary", Static).render())
        # A name or a reference is looked for at every status; part of a number, in the queue.
        assert "filtered from 2" in summary or "found at any status" in summary


async def test_filters_narrow_the_queue_by_locality_and_lead(
    sqlite_demo_desk: DeskService,
) -> None:
    everything = sqlite_demo_desk.open_queue()
    app = build_app(sqlite_demo_desk, user="desk1")
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
        app = build_app(desk, user="desk1")
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
    app = build_app(sqlite_demo_desk, user="desk1")
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
    app = build_app(desk, user="desk1")
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
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert board(app).rows[0].patient_name == "[BOLD RED]X[/], [link=http://x]y[/link]"
        # Too long for its column: the given name becomes its initial, still as typed (the
        # markup's bracket, not a link).
        shown = screen_text(board(app))
        assert "[BOLD RED]X[/], [." in shown, shown


async def test_started_as_the_command_starts_it_the_desk_opens_behind_the_first_frame(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(lambda: sqlite_demo_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.desk is sqlite_demo_desk
        assert len(board(app).rows) == len(sqlite_demo_desk.open_queue())


async def test_a_database_that_cannot_be_opened_ends_the_app_with_one_clear_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def unreachable() -> DeskService:
        raise OSError("connection refused")

    app = build_app(unreachable, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 1
    captured = capsys.readouterr()
    assert "spr-desk: OSError: connection refused" in captured.out + captured.err


async def test_take_next_shows_the_referral_asks_then_claims_and_another_desk_gets_the_next(
    sqlite_desk: DeskService,
) -> None:
    older = sqlite_desk.record_referral(call(sqlite_desk, "Ada", "Lovelace", 20), by="h").reference
    newer = sqlite_desk.record_referral(call(sqlite_desk, "Bob", "Other", 5), by="h").reference
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, TakeNextModal) and app.screen.next_up.reference == older
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen) and app.screen.reference == older
        # Another desk asking now is given the next one, not this one.
        other = DeskService(sqlite_desk.engine, clock=sqlite_desk.clock)
        assert other.claim_next(by="desk2") == newer
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f2")
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
    assert ("redirected", REDIRECTED) in STATUS_CHOICES
    assert ("to trace", TO_TRACE) in STATUS_CHOICES
    app = build_app(sqlite_desk, user="desk1")
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


def claim_of(desk: DeskService, reference: str) -> str | None:
    with Session(desk.engine) as session:
        row = session.exec(select(Referral).where(Referral.reference == reference)).one()
        return row.claimed_by


def audit_actions(desk: DeskService, reference: str) -> list[str]:
    return [entry.action for entry in desk.history(reference)]


async def test_typing_names_on_the_board_goes_to_the_search_and_take_next_asks_first(
    sqlite_desk: DeskService,
) -> None:
    harper = sqlite_desk.record_referral(call(sqlite_desk, "Nancy", "Harper", 20), by="h")
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert board(app).has_focus
        await pilot.press(*"harper")
        await settle(pilot)
        search = app.screen.query_one("#queue-search", Input)
        assert isinstance(app.screen, QueueScreen) and search.value == "harper"
        assert claim_of(sqlite_desk, harper.reference) is None
        await pilot.press("enter")  # to the board, first row
        await settle(pilot)
        assert board(app).has_focus and board(app).cursor == 0
        await pilot.press(*" nancy")  # typed on the board again: still the search
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and search.value == "harper nancy"
        assert claim_of(sqlite_desk, harper.reference) is None
        assert "claimed" not in audit_actions(sqlite_desk, harper.reference)

        await pilot.press("f2")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, TakeNextModal)
        shown = " ".join(str(w.render()) for w in modal.query(Static))
        for words in (harper.reference, "HARPER, Nancy", "ctrl+s", "esc"):
            assert words in shown, words
        assert claim_of(sqlite_desk, harper.reference) is None  # asked, not yet claimed
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert claim_of(sqlite_desk, harper.reference) is None

        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert claim_of(sqlite_desk, harper.reference) == "desk1"
        assert isinstance(app.screen, ReferralScreen)
        await pilot.press("escape")
        await settle(pilot)
        await settle(pilot)
        search.value = ""
        await settle(pilot)
        assert "desk1" in screen_text(board(app))  # the row says who holds the claim
        board(app).focus()
        await pilot.press("f3")
        await settle(pilot)
        assert claim_of(sqlite_desk, harper.reference) is None
        assert audit_actions(sqlite_desk, harper.reference)[-1] == "claim released"


async def test_a_claim_taken_meanwhile_by_another_desk_is_refused_and_said(
    sqlite_desk: DeskService,
) -> None:
    ada = sqlite_desk.record_referral(call(sqlite_desk, "Ada", "Lovelace", 20), by="h").reference
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, TakeNextModal)
        other = DeskService(sqlite_desk.engine, clock=sqlite_desk.clock)
        assert other.claim_next(by="desk2") == ada
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert claim_of(sqlite_desk, ada) == "desk2"
        assert any("desk2" in str(n.message) for n in app._notifications)


async def test_enter_after_a_search_opens_the_first_row_found(
    sqlite_demo_desk: DeskService,
) -> None:
    expected = sqlite_demo_desk.open_queue()
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down")
        first_found = sqlite_demo_desk.open_queue(QueueFilter(text="SPR-"))[0].reference
        # Typed fast: no settling between the keys, the search and the enters.
        await pilot.press(*"SPR-", "enter", "enter")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen), type(app.screen).__name__
        assert app.screen.reference in {first_found, expected[0].reference}


async def test_closed_cancelled_and_redirected_are_found_by_search_and_by_filter(
    sqlite_desk: DeskService,
) -> None:
    at = sqlite_desk.now() - timedelta(minutes=50)
    # Patients of their own (the sample call's NHS number would make them one patient).
    closed = sqlite_desk.record_referral(
        crew_on_scene(at, "9990000018", "Cora", "Closedhay"), by="h"
    )
    sqlite_desk.move(closed.reference, Status.ALLOCATED, by="h", team="ACHT Aylesbury")
    sqlite_desk.move(closed.reference, Status.RESPONDED, by="n")
    sqlite_desk.move(closed.reference, Status.IN_SERVICE, by="n")
    sqlite_desk.move(
        closed.reference,
        Status.CLOSED,
        by="n",
        outcome=CloseOutcome.NO_FURTHER_SERVICES,
        gp_updated=True,
    )
    cancelled = sqlite_desk.record_referral(
        crew_on_scene(at, "9990000026", "Cyd", "Cancelby"), by="h"
    )
    sqlite_desk.move(cancelled.reference, Status.CANCELLED, by="h", reason="duplicate call")
    redirected = sqlite_desk.record_redirect(
        RedirectedCall(
            received_at=sqlite_desk.now(),
            red_flags=frozenset({RedFlag.CHEST_PAIN}),
            referrer=ReferrerDetails("", ReferrerRole.OTHER, "", "01296555010"),
            patient=PatientDetails("9434765919", "Rita", "Redway"),
            call_record={},
            advice="Please call 999 now.",
        ),
        by="h",
    ).reference
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert board(app).total == 0
        search = app.screen.query_one("#queue-search", Input)
        for typed, found in (
            ("closedhay", closed.reference),
            ("Cancelby", cancelled.reference),
            ("943 476 5919", redirected),
            (closed.reference.lower(), closed.reference),
        ):
            search.value = typed
            await settle(pilot)
            assert [row.reference for row in board(app).rows] == [found], typed
        shown = screen_text(board(app))
        assert "closed" in shown
        search.value = ""
        for status, found in (
            (Status.CLOSED.value, closed.reference),
            (Status.CANCELLED.value, cancelled.reference),
            (REDIRECTED, redirected),
        ):
            app.screen.query_one("#filter-status", Select).value = status
            await settle(pilot)
            assert [row.reference for row in board(app).rows] == [found], status


async def test_the_board_reads_in_no_color_with_symbols_and_the_still_clock_marked(
    sqlite_desk: DeskService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    # Recorded 5 hours ago (rapid: breached at 3 h; nobody has acted since: over 30 minutes).
    stale = sqlite_desk.record_referral(call(sqlite_desk, "Ada", "Lovelace", 0), by="h")
    later = DeskService(sqlite_desk.engine, clock=lambda: sqlite_desk.now() + timedelta(hours=5))
    app = build_app(later, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.no_color
        line = next(ln for ln in screen_text(board(app)).splitlines() if stale.reference in ln)
        assert f"{STATE_SYMBOLS['breached']} BREACHED" in line
        assert f"{STILL_MARK}5h00" in line
        headings = screen_text(board(app)).splitlines()[0]
        assert "Moved" in headings and "Left" in headings
