"""The supervisor view: its figures on demo data, flagging from the keyboard, and its pictures."""

from __future__ import annotations

import csv
import io
import stat
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from call_script import settle
from ratchet_support import DOWN_REASON, add_people, record_downward, record_upward
from rich.console import Console
from sqlmodel import Session, col, select
from tests_support import context_of
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, ProgressBar, Static
from textual.widgets.data_table import RowKey

from db.desk import DeskService
from db.models import Referral
from screens.audit import AuditScreen
from screens.audit_event_modal import AuditEventModal
from screens.export_modal import ExportModal
from screens.flag_modal import FlagModal
from screens.referral import ReferralScreen
from screens.sign_off_modal import SignOffModal
from screens.supervisor import LISTED, SupervisorScreen, breach_rows, overrides_table
from spr_desk.desk_api import DeskError
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.roles import Role
from spr_desk.sign_in import SignedIn
from spr_desk.supervision import Override
from spr_desk.uktime import uk_days

SIZE = (120, 40)


async def open_supervisor(pilot: Pilot[Any], desk: DeskService) -> SupervisorScreen:
    await settle(pilot)
    screen = SupervisorScreen(context_of(pilot.app))
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


def shown(screen: SupervisorScreen, selector: str) -> str:
    """A section's text as it reads, tables included."""
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(screen.query_one(selector, Static).content)
    return console.export_text()


async def test_the_figures_are_shown(sqlite_demo_desk: DeskService) -> None:
    figures = sqlite_demo_desk.review()
    app = build_app(sqlite_demo_desk, user="sup1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_supervisor(pilot, sqlite_demo_desk)
        summary = shown(screen, "#supervisor-summary")
        assert figures.redirected_period > 0  # the demo's red-flag calls
        # Each figure with its redirects (999 / A&E), and what "Last 7 days" counts.
        assert f"Today {figures.today} ({figures.redirected_today} redirected)" in summary
        assert f"Last 7 days {figures.week} ({figures.redirected_period} redirected)" in summary
        assert "received from 00:00 Tue 17 Nov to now, the days e exports" in summary
        assert f"Breaches {len(figures.breaches)}" in summary
        assert screen.review == figures
        outcomes = shown(screen, "#supervisor-outcomes")
        assert f"Closed {figures.closed}" in outcomes
        # The GP updates owed are a table of their own, one row each (up to LISTED).
        owed = sqlite_demo_desk.gp_updates_owed()
        assert owed  # the demo closes referrals without the GP told
        table = screen.query_one("#supervisor-gp-owed", DataTable)
        assert table.row_count == min(len(owed), LISTED)
        assert str(table.get_row_at(0)[0]) == sorted(owed, key=lambda u: not u.overdue)[0].reference
        month = sqlite_demo_desk.ucr_measures(sqlite_demo_desk.now().strftime("%Y-%m"))
        ucr = shown(screen, "#supervisor-ucr")
        assert f"Referrals received: {month.referrals} " in ucr
        assert "Call handlers needed for 95% of calls" in shown(screen, "#supervisor-staffing")
        hours = shown(screen, "#supervisor-hours")
        assert "Referrals by hour" in hours and "\n08 " in hours
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SupervisorScreen)


async def test_a_referral_is_flagged_for_review_from_the_keyboard(
    sqlite_demo_desk: DeskService,
) -> None:
    reference = sqlite_demo_desk.review().breaches[0].reference
    app = build_app(sqlite_demo_desk, user="sup1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_supervisor(pilot, sqlite_demo_desk)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FlagModal)

        # Nothing typed: the modal stays and says what is missing, at the field.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FlagModal)
        assert "reference" in str(app.screen.query_one("#flag-reference-error", Static).render())

        await pilot.press(*reference.lower(), "enter")
        await pilot.press(*"Missed [bold]rapid[/] slot", "enter")
        await settle(pilot)
        assert app.screen is screen

        flags = sqlite_demo_desk.review_flags()
        assert [(f.reference, f.flagged_by, f.comment) for f in flags] == [
            (reference, "sup1", "Missed [bold]rapid[/] slot")
        ]
        events = [
            e for e in sqlite_demo_desk.history(reference) if e.action == "flagged_for_review"
        ]
        assert [(e.actor, e.detail) for e in events] == [("sup1", "Missed [bold]rapid[/] slot")]
        # Reloaded, and the comment shown as typed (not read as markup).
        assert "Missed [bold]rapid[/] slot" in shown(screen, "#supervisor-flags")


async def test_an_unknown_reference_is_reported(sqlite_demo_desk: DeskService) -> None:
    app = build_app(sqlite_demo_desk, user="sup1")
    async with app.run_test(size=SIZE) as pilot:
        await open_supervisor(pilot, sqlite_demo_desk)
        await pilot.press("f")
        await settle(pilot)
        app.screen.query_one("#flag-reference", Input).value = "SPR-2026-999999"
        app.screen.query_one("#flag-comment", Input).value = "Please look"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SupervisorScreen)
        assert any("SPR-2026-999999" in str(n.message) for n in app._notifications)
        assert sqlite_demo_desk.review_flags() == []


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_supervisor_view_snapshot(
    snap_compare, sqlite_demo_desk: DeskService, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    """The supervisor view on frozen demo data: figures, met in time, outcomes, breaches."""

    async def opened(pilot: Pilot[None]) -> None:
        await open_supervisor(pilot, sqlite_demo_desk)

    assert snap_compare(
        build_app(sqlite_demo_desk, user="desk1"), terminal_size=size, run_before=opened
    )


async def test_export_from_the_supervisor_view_offers_the_week_and_writes_it_with_progress(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_supervisor(pilot, sqlite_demo_desk)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportModal)
        assert app.screen.query_one("#export-from", Input).value == "17/11/2026"
        assert app.screen.query_one("#export-to", Input).value == "23/11/2026"
        await pilot.press("enter", "enter")  # from, then to: confirms
        await settle(pilot)
        await settle(pilot)
        assert screen.last_export is not None
        path, count = screen.last_export
        bar = screen.query_one("#export-progress", ProgressBar)
        assert bar.has_class("-shown") and bar.percentage == 1
    assert path.name == "referrals-2026-11-17-to-2026-11-23.csv"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for folder in (path.parent, path.parent.parent):  # exports/, and the desk's data folder
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == count > 100
    open_references = {row.reference for row in sqlite_demo_desk.open_queue()}
    assert {row["reference"] for row in rows} & open_references
    assert all(row["nhs_number"].startswith("999") for row in rows if row["nhs_number"])


async def test_export_of_chosen_days_writes_exactly_the_referrals_received_then(
    sqlite_demo_desk: DeskService,
) -> None:
    start, end = uk_days(date(2026, 11, 20), date(2026, 11, 21))
    with Session(sqlite_demo_desk.engine) as session:
        expected = set(
            session.exec(
                select(Referral.reference).where(
                    col(Referral.received_at) >= start, col(Referral.received_at) < end
                )
            ).all()
        )
    assert len(expected) > 20
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_supervisor(pilot, sqlite_demo_desk)
        await pilot.press("e")
        await settle(pilot)
        for name, typed in (("export-from", "20/11/2026"), ("export-to", "2026-11-21")):
            app.screen.query_one(f"#{name}", Input).value = typed
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert screen.last_export is not None
        path, count = screen.last_export
    with path.open(newline="", encoding="utf-8") as handle:
        references = [row["reference"] for row in csv.DictReader(handle)]
    assert count == len(references) == len(expected) and set(references) == expected


@pytest.mark.parametrize(
    ("first", "last", "field", "message"),
    [
        ("32/11/2026", "23/11/2026", "export-from", "No such date"),
        ("20/11/2026", "last week", "export-to", "DD/MM/YYYY"),
        ("21/11/2026", "20/11/2026", "export-to", "comes before the first"),
    ],
)
async def test_export_days_that_cannot_be_right_are_refused_at_the_field(
    sqlite_demo_desk: DeskService, first: str, last: str, field: str, message: str
) -> None:
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_supervisor(pilot, sqlite_demo_desk)
        await pilot.press("e")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ExportModal)
        modal.query_one("#export-from", Input).value = first
        modal.query_one("#export-to", Input).value = last
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is modal and screen.last_export is None
        assert message in str(modal.query_one(f"#{field}-error", Static).render())
        assert app.focused is modal.query_one(f"#{field}", Input)
        # What was typed is still there, to be corrected.
        assert modal.query_one("#export-from", Input).value == first
        assert modal.query_one("#export-to", Input).value == last
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.last_export is None


async def test_the_audit_trail_opens_from_the_supervisor_view_and_filters(
    sqlite_demo_desk: DeskService,
) -> None:
    reference = sqlite_demo_desk.open_queue()[0].reference
    expected = len(sqlite_demo_desk.history(reference))
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_supervisor(pilot, sqlite_demo_desk)
        await pilot.press("a")
        await settle(pilot)
        audit = app.screen
        assert isinstance(audit, AuditScreen)
        assert audit.matching > 200 and len(audit.rows) == min(audit.matching, 500)
        audit.query_one("#audit-reference", Input).value = reference
        audit.query_one("#audit-from", Input).value = "31/02/2026"
        audit.query_one("#audit-reference", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "From: No such date" in str(audit.query_one("#audit-summary", Static).render())
        assert app.focused is audit.query_one("#audit-from", Input)
        audit.query_one("#audit-from", Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert audit.matching == expected and {row.subject for row in audit.rows} == {reference}


def test_long_lists_show_the_first_fifty_and_say_how_many_more(
    sqlite_demo_desk: DeskService,
) -> None:
    review = sqlite_demo_desk.review()
    assert review.breaches
    override = Override("SPR-2026-000001", "fast", "nurse", "rapid", "nurse", "Carer crisis")
    many = replace(review, breaches=review.breaches * 60, overrides=(override,) * 51)
    assert len(breach_rows(many)) == LISTED
    table = overrides_table(many)
    assert table.row_count == LISTED
    assert (
        table.caption == f"The first {LISTED} of {len(many.overrides)}: e exports every referral."
    )


# the urgency ratchet, breaches opened, and nothing cut off at 80x24 ---------------------------


def _held_table(screen: SupervisorScreen) -> DataTable[Any]:
    return screen.query_one("#supervisor-held", DataTable)


def _signed(desk: DeskService, reference: str) -> Referral:
    with Session(desk.engine) as session:
        return session.exec(select(Referral).where(Referral.reference == reference)).one()


async def test_a_downward_override_is_held_until_a_supervisor_signs_it_off(
    sqlite_demo_desk: DeskService,
) -> None:
    desk = sqlite_demo_desk
    add_people(desk)
    down = record_downward(desk)
    up = record_upward(desk)
    app = build_app(desk, user=SignedIn("sue", "", Role.SUPERVISOR))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_supervisor(pilot, desk)
        table = _held_table(screen)
        # Listed (the upward one is not), with the cell asked for and agreed, and its reason.
        assert [str(key.value) for key in table.rows] == [down]
        assert up not in [h.reference for h in screen.held]
        assert "Held for sign-off 1" in shown(screen, "#supervisor-summary")
        cells = [cell.plain for cell in table.get_row(down)]
        assert "Rapid → Normal" in cells and any(c.startswith("Daughter") for c in cells)
        assert app.focused is table

        await pilot.press("s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, SignOffModal)
        whole = str(modal.query_one("#sign-off-override Static", Static).render())
        assert DOWN_REASON in whole and "by handler" in whole  # shown whole, as typed
        # An empty comment is refused at the field; nothing is written.
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is modal
        assert "needs a comment" in str(modal.query_one("#sign-off-comment-error").render())
        assert app.focused is modal.query_one("#sign-off-comment", Input)
        await pilot.press(*"Crew confirmed she is safe overnight", "enter")
        await settle(pilot)
        await settle(pilot)
        assert app.screen is screen
        assert screen.held == () and _held_table(screen).row_count == 0

    row = _signed(desk, down)
    assert (row.override_signed_by, row.override_signed_at, row.override_sign_comment) == (
        "sue",
        desk.now(),
        "Crew confirmed she is safe overnight",
    )
    [event] = [e for e in desk.history(down) if e.action == "override signed off"]
    assert event.actor == "sue" and event.after is not None
    assert event.after["override_sign_comment"] == "Crew confirmed she is safe overnight"


async def test_a_call_handler_cannot_sign_off_an_override(sqlite_demo_desk: DeskService) -> None:
    desk = sqlite_demo_desk
    add_people(desk)
    down = record_downward(desk)
    app = build_app(desk, user=SignedIn("hal", "", Role.CALL_HANDLER))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_supervisor(pilot, desk)
        assert [h.reference for h in screen.held] == [down]
        await pilot.press("s")
        await settle(pilot)
        assert app.screen is screen  # no dialog
        assert any("supervisor view is for" in str(n.message) for n in app._notifications)
    assert _signed(desk, down).override_signed_at is None
    # And the desk refuses it too, whatever a screen lets through.
    with pytest.raises(DeskError, match="hal is a call handler"):
        desk.sign_off_override(down, "fine by me", by="hal")


async def test_enter_on_a_breach_opens_its_referral_and_comes_back(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk, user="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_supervisor(pilot, sqlite_demo_desk)
        breaches = screen.query_one("#supervisor-breaches", DataTable)
        assert app.focused is breaches  # nothing is held on the demo data
        await pilot.press("down")
        expected = str(breaches.coordinate_to_cell_key(breaches.cursor_coordinate).row_key.value)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen) and app.screen.reference == expected
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_nothing_is_cut_to_a_stub_at_80_columns(sqlite_demo_desk: DeskService) -> None:
    desk = sqlite_demo_desk
    down = record_downward(desk)
    app = build_app(desk, user="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_supervisor(pilot, desk)
        for table_id in ("#supervisor-held", "#supervisor-breaches"):
            table = screen.query_one(table_id, DataTable)
            widths = sum(column.width + 2 for column in table.columns.values())
            assert widths <= 80 - 6, table_id  # no column runs under the scrollbars
            labels = [str(column.label) for column in table.columns.values()]
            assert "Reference" in labels and not any("…" in label for label in labels)
        # The reason is held whole and wraps at whole words onto more lines.
        held = _held_table(screen)
        assert DOWN_REASON in [cell.plain for cell in held.get_row(down)]
        assert held.rows[RowKey(down)].height > 1


async def test_the_audit_viewer_shows_the_whole_of_a_long_event(
    sqlite_demo_desk: DeskService,
) -> None:
    desk = sqlite_demo_desk
    add_people(desk)
    down = record_downward(desk)
    long_comment = "Spoke to the crew and the daughter; " * 6 + "the end."
    desk.sign_off_override(down, long_comment, by="sue")
    app = build_app(desk, user="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_supervisor(pilot, desk)
        await pilot.press("a")
        await settle(pilot)
        audit = app.screen
        assert isinstance(audit, AuditScreen)
        table = audit.query_one(DataTable)
        assert audit.rows[0].action == "override signed off"
        # At 80 columns the detail would be a stub: dropped whole, and enter reads it.
        labels = [str(column.label) for column in table.columns.values()]
        assert labels == ["When", "Who", "What", "About"]
        assert sum(column.width + 2 for column in table.columns.values()) <= 80 - 2
        await pilot.press("enter")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, AuditEventModal)
        text = str(modal.query_one("#audit-event-text", Static).render())
        assert " ".join(long_comment.split()) in " ".join(text.split())
        assert "override_signed_by: sue" in text and "Before" in text and "After" in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is audit


async def test_a_short_reference_is_refused_at_the_reference_field(
    sqlite_demo_desk: DeskService,
) -> None:
    """Trial problem 44: the error belongs under the reference, not the comment."""
    app = build_app(sqlite_demo_desk, user="sup1")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_supervisor(pilot, sqlite_demo_desk)
        await pilot.press("f")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, FlagModal)
        await pilot.press(*"SPR-2026-12", "enter")
        await pilot.pause()
        assert "SPR-2026-000123" in str(modal.query_one("#flag-reference-error").render())
        assert str(modal.query_one("#flag-comment-error").render()).strip() == ""
        assert app.focused is modal.query_one("#flag-reference", Input)
        assert modal.query_one("#flag-reference", Input).value == "SPR-2026-12"
