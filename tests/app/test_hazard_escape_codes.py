"""Hazard H013, markup or terminal escape codes corrupting what the desk shows: a name and notes
that reached the database holding escape sequences (an older import, a pasted name, a row
written by another program) and Rich markup are drawn as text, with no control character sent
to the handler's terminal, on the queue and on the referral view; a note pasted with one keeps
none (as the call form's fields: `spr_desk.validation.plain_text`). Neither Rich nor Textual
drops ESC (27) from text they draw: the screens show stored text through
`spr_desk.printable` (found writing the hazard log, 3 Dec 2026; both tests were strict xfails
until then)."""

from __future__ import annotations

from typing import Any

from call_script import settle
from sqlalchemy import text
from tests_support import crew_call
from textual import events

from db.desk import DeskService
from screens.queue import QueueScreen
from screens.referral import ReferralScreen
from screens.widgets.queue_board import QueueBoard
from spr_desk.entrypoints.bootstrap import build_app

SIZE = (120, 40)
CLEAR_AND_RETITLE = "\x1b[2J\x1b]0;owned\x07"
"""Clear the screen and retitle the terminal: what a raw escape sequence could do."""


def drawn(widget: Any) -> str:
    """Every character the widget hands the terminal, segment by segment."""
    return "\n".join(
        "".join(segment.text for segment in strip)
        for strip in widget.render_lines(widget.region.reset_offset)
    )


async def test_escape_codes_and_markup_stored_in_a_referral_are_drawn_as_text(
    sqlite_desk: DeskService,
) -> None:
    reference = sqlite_desk.record_referral(crew_call(sqlite_desk, "Ada", "Lovelace"), by="h")
    with sqlite_desk.engine.begin() as connection:
        connection.execute(
            text("UPDATE patient SET family_name = :family, given_name = :given"),
            {"family": f"EVIL{CLEAR_AND_RETITLE}", "given": "[bold red]Ada[/]"},
        )
        connection.execute(
            text("UPDATE referral SET notes = :notes"),
            {"notes": f"[link=http://x]call[/link] {CLEAR_AND_RETITLE}back"},
        )
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        board = drawn(app.screen.query_one(QueueBoard))
        assert reference.reference in board and "EVIL" in board
        assert "\x1b" not in board and "\x07" not in board
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, ReferralScreen)
        shown = drawn(view.query_one("#referral-main"))
    assert "\x1b" not in shown and "\x07" not in shown
    assert "[bold red]Ada[/]" in shown  # markup as typed, not styling
    assert "[link=http://x]call[/link]" in shown


async def test_escape_codes_pasted_into_a_note_are_not_sent_to_the_terminal(
    sqlite_desk: DeskService,
) -> None:
    reference = sqlite_desk.record_referral(crew_call(sqlite_desk, "Ada", "Lovelace"), by="h")
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, ReferralScreen)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("down", "enter")  # a note
        await settle(pilot)
        note = app.screen.query_one("#note-text")
        note.focus()
        await pilot.pause()
        note.post_message(events.Paste(f"Rang back {CLEAR_AND_RETITLE}all well"))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is view
        shown = drawn(view.query_one("#referral-history"))
    assert "Rang back" in shown and "all well" in shown
    assert "\x1b" not in shown and "\x07" not in shown
    notes = [n.text for n in sqlite_desk.detail(reference.reference).notes_added]
    assert len(notes) == 1 and "\x1b" not in notes[0]
