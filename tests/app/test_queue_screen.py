"""The queue screen, driven as a handler would with Textual's Pilot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import DataTable, Static

from db.desk import DeskService
from spr_desk.app import SprDeskApp
from spr_desk.facts import parse_facts
from spr_desk.referral import NewReferral, PatientDetails, ReferrerDetails
from spr_desk.vocabulary import ReferrerRole

SIZE = (120, 40)


async def settle(app: SprDeskApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_app_opens_on_the_queue_with_every_open_referral(
    sqlite_demo_desk: DeskService,
) -> None:
    expected = sqlite_demo_desk.open_queue()
    assert len(expected) > 50
    app = SprDeskApp(sqlite_demo_desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#queue-table", DataTable)
        keys = [row_key.value for row_key in table.rows]
        assert keys == [row.reference for row in expected]
        summary = str(app.screen.query_one("#queue-summary", Static).render())
        assert summary.startswith(f"{len(expected)} open")
        first = table.get_row_at(0)
        assert first[2].plain == expected[0].reference
        assert first[3].plain == expected[0].patient_name
        await pilot.press("down", "down")
        assert table.cursor_row == 2


async def test_refresh_shows_a_referral_recorded_since_the_queue_was_read(
    sqlite_demo_desk: DeskService,
) -> None:
    app = SprDeskApp(sqlite_demo_desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#queue-table", DataTable)
        before = table.row_count
        reference = sqlite_demo_desk.record_referral(
            call(sqlite_demo_desk, "Ada", "Lovelace"), by="h"
        ).reference
        await pilot.press("r")
        await settle(app, pilot)
        assert table.row_count == before + 1
        assert reference in [row_key.value for row_key in table.rows]


def call(desk: DeskService, given: str, family: str) -> NewReferral:
    return NewReferral(
        received_at=desk.now() - timedelta(minutes=5),
        referrer=ReferrerDetails("Crew 12", ReferrerRole.AMBULANCE_CREW, "Ambulance", "999"),
        patient=PatientDetails("9434765919", given, family),
        facts=parse_facts(
            {
                "pathway": "step_up",
                "setting": "home",
                "needs": ["fall_no_injury"],
                "urgency": ["crew_on_scene"],
            }
        ),
    )


async def test_markup_typed_into_a_name_is_shown_literally(sqlite_desk: DeskService) -> None:
    desk = sqlite_desk
    desk.record_referral(call(desk, "[link=http://x]y[/link]", "[bold red]X[/]"), by="h")
    app = SprDeskApp(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#queue-table", DataTable)
        assert table.get_row_at(0)[3].plain == "[BOLD RED]X[/], [link=http://x]y[/link]"
        rendered = table.render_line(1).text
        # The column is 18 cells wide: the name is cut, but what shows is what was typed.
        assert "[BOLD RED]X[/], [l" in rendered


async def test_started_as_the_command_starts_it_the_desk_opens_behind_the_first_frame(
    sqlite_demo_desk: DeskService,
) -> None:
    app = SprDeskApp(lambda: sqlite_demo_desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.desk is sqlite_demo_desk
        table = app.screen.query_one("#queue-table", DataTable)
        assert table.row_count == len(sqlite_demo_desk.open_queue())


async def test_a_database_that_cannot_be_opened_ends_the_app_with_one_clear_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def unreachable() -> DeskService:
        raise OSError("connection refused")

    app = SprDeskApp(unreachable)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 1
    captured = capsys.readouterr()
    assert "spr-desk: OSError: connection refused" in captured.out + captured.err
