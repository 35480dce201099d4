"""Hazard H016, two desks taking the same referral or a claim lapsing unseen: the queue names
who holds a claim, take-next passes over a referral another desk holds, and once the claim lapses
(the desk that took it has gone quiet) the board stops naming its holder and take-next offers the
referral again, so it is neither worked twice nor left held by nobody."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from call_script import settle
from tests_support import crew_call

from db.desk import CLAIM_LAPSES, DeskService
from screens.queue import QueueScreen
from screens.take_next_modal import TakeNextModal
from screens.widgets.queue_board import QueueBoard
from spr_desk.entrypoints.bootstrap import build_app

SIZE = (120, 40)
"""Wide enough for the Held by column (at 80 columns the board drops it for the clocks)."""


def board_lines(app: Any) -> list[str]:
    board = app.screen.query_one(QueueBoard)
    return [line.text for line in board.render_lines(board.region.reset_offset)]


def line_of(app: Any, reference: str) -> str:
    return next(line for line in board_lines(app) if reference in line)


async def next_offered(pilot: Any) -> str | None:
    """F2 on the queue: the reference the dialog would claim (esc claims nothing)."""
    await pilot.press("f2")
    await settle(pilot)
    modal = pilot.app.screen
    if not isinstance(modal, TakeNextModal):
        assert isinstance(modal, QueueScreen)
        return None
    reference = modal.next_up.reference
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(pilot.app.screen, QueueScreen)
    return reference


async def test_the_board_names_a_claims_holder_and_a_lapsed_claim_is_offered_again(
    sqlite_desk: DeskService,
) -> None:
    clock = {"now": sqlite_desk.now()}
    desk = DeskService(sqlite_desk.engine, clock=lambda: clock["now"])
    other_desk = DeskService(sqlite_desk.engine, clock=lambda: clock["now"])
    ada = desk.record_referral(crew_call(desk, "Ada", "Lovelace", 20), by="h").reference
    bob = desk.record_referral(crew_call(desk, "Bob", "Other", 5), by="h").reference
    assert other_desk.claim_next(by="desk2") == ada  # the most urgent, taken at the other desk
    app = build_app(desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Held by" in board_lines(app)[0]
        assert "desk2" in line_of(app, ada) and "desk2" not in line_of(app, bob)
        assert await next_offered(pilot) == bob  # never the one desk2 holds

        # desk2 goes quiet: past the claim's time the board stops naming it ...
        clock["now"] += CLAIM_LAPSES + timedelta(seconds=1)
        app.screen._tick()  # the 30-second countdown tick, run now
        await settle(pilot)
        assert "desk2" not in line_of(app, ada)
        assert "Held by" not in board_lines(app)[0]  # nobody holds anything now
        # ... and take-next offers it again, most urgent first, to be claimed here.
        assert await next_offered(pilot) == ada
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    actions = [(e.action, e.actor) for e in desk.history(ada)]
    assert actions == [("recorded", "h"), ("claimed", "desk2"), ("claimed", "desk1")]
