"""The queue's clocks and alarms, for the hazard log (H017, H018, H022): the countdown moves on
by its own timer, breached and due soon are told apart by word, shape and style as well as
colour (and only a referral still awaiting its first response alarms), and a referral nobody
has acted on is marked until someone does."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from call_script import settle
from rich.style import Style
from tests_support import crew_call
from textual.widgets import Static

import screens.queue
from db.desk import DeskService
from screens.widgets.desk_header import DeskHeader
from screens.widgets.queue_board import STATE_STYLES, QueueBoard, row_cells
from spr_desk.due import DueState
from spr_desk.entrypoints.app import SprDeskApp
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.queue_view import STATE_SYMBOLS, STILL_MARK, QueueRow
from spr_desk.vocabulary import Status

SIZE = (120, 40)


def line_of(app: SprDeskApp, reference: str) -> str:
    board = app.screen.query_one(QueueBoard)
    lines = [line.text for line in board.render_lines(board.region.reset_offset)]
    return next(line for line in lines if reference in line)


async def test_the_countdown_moves_on_by_its_own_timer_with_no_key_pressed(
    sqlite_desk: DeskService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing but the countdown's timer reads the queue again here (no key, no refresh, no
    desk changing anything): the row still turns BREACHED, and the header's clock moves on."""
    monkeypatch.setattr(screens.queue, "COUNTDOWN_SECONDS", 0.2)  # 30 s, shortened
    clock = {"now": sqlite_desk.now()}
    desk = DeskService(sqlite_desk.engine, clock=lambda: clock["now"])
    reference = desk.record_referral(crew_call(desk), by="h").reference  # Rapid: due in 3 h
    app = build_app(desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = line_of(app, reference)
        assert "BREACHED" not in line and "DUE SOON" not in line and "3h 00m" in line
        clock["now"] += timedelta(hours=3, minutes=5)
        deadline = time.monotonic() + 10
        while "BREACHED" not in line_of(app, reference):
            assert time.monotonic() < deadline, "the countdown stood still"
            await pilot.pause(0.1)
        await settle(pilot)
        assert "-0h 05m" in line_of(app, reference)
        summary = str(app.screen.query_one("#queue-summary", Static).render())
        assert "1 breached" in summary
        assert "14:05" in app.screen.query_one(DeskHeader).render().plain  # 11:00 GMT + 3h05


def queue_row(status: Status, due_in: timedelta | None, now: datetime) -> QueueRow:
    return QueueRow(
        reference="SPR-2026-000001",
        due_at=now + due_in if due_in is not None else None,
        status=status.value,
        response="rapid",
        lead="nurse",
        patient_name="EXAMPLE, Ethel",
        locality="Thame",
        pathway="step_up",
        updated_at=now,
    )


def test_breached_and_due_soon_differ_in_word_shape_and_style_and_only_the_unseen_alarm(
    sqlite_desk: DeskService,
) -> None:
    now = sqlite_desk.now()

    def state(status: Status, due_in: timedelta | None) -> tuple[str, Style]:
        return row_cells(queue_row(status, due_in, now), now)["state"]

    due = state(Status.RECORDED, timedelta(hours=2))
    soon = state(Status.RECORDED, timedelta(minutes=30))
    breached = state(Status.RECORDED, timedelta(minutes=-30))
    assert due == (f"{STATE_SYMBOLS['due']} due", Style())
    assert soon == (f"{STATE_SYMBOLS['due_soon']} DUE SOON", STATE_STYLES[DueState.DUE_SOON])
    assert breached == (f"{STATE_SYMBOLS['breached']} BREACHED", STATE_STYLES[DueState.BREACHED])
    # Apart without colour: another word, another shape, and only a breach in reverse.
    assert len({due[0][0], soon[0][0], breached[0][0]}) == 3
    assert breached[1].reverse and not soon[1].reverse
    assert breached[1].color != soon[1].color
    # Allocated but not yet seen: the breach still shows, until the first response.
    assert state(Status.ALLOCATED, timedelta(minutes=-30)) == breached
    # Seen, or in service, however long past its due time: no alarm, no time left.
    for seen in (Status.RESPONDED, Status.IN_SERVICE):
        cells = row_cells(queue_row(seen, timedelta(hours=-5), now), now)
        word, style = cells["state"]
        assert "BREACHED" not in word and "DUE SOON" not in word and style == Style()
        assert cells["left"][0] == "-"


async def test_a_referral_standing_still_is_marked_until_someone_acts_on_it(
    sqlite_desk: DeskService,
) -> None:
    """Rapid: marked once nobody has acted on it for over 30 minutes (the rules'
    `no_movement_minutes`); another desk allocating it starts the clock again."""
    clock = {"now": sqlite_desk.now()}
    desk = DeskService(sqlite_desk.engine, clock=lambda: clock["now"])
    reference = desk.record_referral(crew_call(desk), by="h").reference
    clock["now"] += timedelta(minutes=29)
    app = build_app(desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, screens.queue.QueueScreen)
        board = queue.query_one(QueueBoard)
        assert STILL_MARK not in line_of(app, reference)
        assert row_cells(board.rows[0], board.now, board.thresholds)["moved"][0] == "29m"

        clock["now"] += timedelta(minutes=2)
        queue._tick()  # the 30-second countdown tick, run now
        await settle(pilot)
        assert f"{STILL_MARK}31m" in line_of(app, reference)

        other = DeskService(sqlite_desk.engine, clock=lambda: clock["now"])
        other.move(reference, Status.ALLOCATED, by="desk2", team="ACHT Aylesbury")
        queue._poll()  # the 2-second poll, run now: another desk changed something
        await settle(pilot)
        await settle(pilot)
        assert STILL_MARK not in line_of(app, reference)
        moved, style = row_cells(board.rows[0], board.now, board.thresholds)["moved"]
        assert (moved, style) == ("0m", Style())
