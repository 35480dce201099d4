"""A call taken on a paper sheet in downtime, typed in when the desk is back (F9 in the call):
its due time runs from the time written on the sheet, and a breach on paper is said as one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from call_script import focus, screen, settle, start_call, take_call, tick, type_into
from sqlmodel import Session, select
from textual.pilot import Pilot
from textual.widgets import Input, Static

from db.desk import DeskService
from db.models import Referral
from screens.confirm_call_modal import ConfirmCallModal
from screens.emergency_modal import EmergencyModal
from screens.paper_sheet_modal import REFERENCE, TAKEN_BY, WRITTEN, PaperSheetModal
from screens.queue import QueueScreen
from screens.reference_modal import ReferenceModal
from screens.triage import TriageScreen
from spr_desk.call_form import CallForm, redirected_from
from spr_desk.downtime.paper import PaperEntry
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.milestones import given_time_text
from spr_desk.sample_calls import ETHEL

SIZE = (120, 40)
ON_PAPER = timedelta(hours=6)
"""How long the sheets waited for the desk to come back."""


def reserve_then_come_back(desk: DeskService, sheets: int = 2) -> tuple[tuple[str, ...], datetime]:
    """The pack printed now (its sheets reserved), then the desk back `ON_PAPER` later: the
    desk's clock, which every screen reads, moves on. Returns the sheets and when printed."""
    printed = desk.now()
    pack = desk.build_downtime_pack(by="sup1", sheets=sheets)
    later = printed + ON_PAPER
    desk.clock = lambda: later
    return pack.sheets, printed


def stored(desk: DeskService, reference: str) -> Referral:
    with Session(desk.engine) as session:
        return session.exec(select(Referral).where(Referral.reference == reference)).one()


def notices(pilot: Pilot[Any]) -> str:
    return "\n".join(str(note.message) for note in pilot.app._notifications)


def said(modal: PaperSheetModal, name: str) -> str:
    return str(modal.query_one(f"#{name}-error", Static).render())


async def open_paper_dialog(pilot: Pilot[Any]) -> PaperSheetModal:
    await pilot.press("f9")
    await settle(pilot)
    modal = pilot.app.screen
    assert isinstance(modal, PaperSheetModal), type(modal).__name__
    return modal


async def enter_sheet(pilot: Pilot[Any], reference: str, written: str, taken_by: str = "") -> None:
    """F9 and the sheet typed in as a handler would: reference, written time, enter."""
    await open_paper_dialog(pilot)
    await type_into(pilot, REFERENCE, reference)
    if taken_by:
        await type_into(pilot, TAKEN_BY, taken_by)
    await type_into(pilot, WRITTEN, written)
    await pilot.press("enter")
    await settle(pilot)


def paper_line(call: TriageScreen) -> Static:
    return call.query_one("#paper-line", Static)


async def test_a_paper_call_entered_six_hours_late_is_due_from_its_written_time_and_says_it_breached_on_paper(  # noqa: E501 - a test's name is its sentence
    sqlite_desk: DeskService,
) -> None:
    (sheet, _spare), printed = reserve_then_come_back(sqlite_desk)
    written = printed  # the first minute of the sheet's life: it counts
    app = build_app(sqlite_desk, user="typist")
    async with app.run_test(size=SIZE) as pilot:
        call = await start_call(pilot)
        assert not paper_line(call).display  # a live call has no paper line
        await enter_sheet(pilot, sheet, given_time_text(written), taken_by="Night Handler")
        assert app.screen is call
        assert call.form.paper_reference == sheet
        assert datetime.fromisoformat(call.form.paper_received_at) == written
        assert call.form.paper_taken_by == "Night Handler"
        line = paper_line(call)
        assert line.display
        assert str(line.render()) == (
            f"FROM PAPER {sheet} - received {given_time_text(written)} as written - due times "
            "run from then - taken on paper by Night Handler"
        )
        assert call.received_at == written
        assert call.opened_at == sqlite_desk.now()  # the call's own clock: from opening it
        # F9 again: what was accepted, to correct; escape changes nothing
        modal = await open_paper_dialog(pilot)
        assert [modal.query_one(f"#{name}", Input).value for name in (REFERENCE, WRITTEN)] == [
            sheet,
            given_time_text(written),
        ]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is call and call.form.paper_reference == sheet

        await take_call(pilot, ETHEL)
        assert call._due() == written + timedelta(hours=3)  # Rapid, from the sheet's time
        await pilot.press("ctrl+s")
        await settle(pilot)
        readback = app.screen
        assert isinstance(readback, ConfirmCallModal)
        assert readback.lines[0] == (
            "From paper",
            f"{sheet}, received {given_time_text(written)} (as written on the sheet)",
        )
        await pilot.press("enter")
        await settle(pilot)
        recorded = app.screen
        assert isinstance(recorded, ReferenceModal)
        assert recorded.reference == sheet
        due = written + timedelta(hours=3)
        passed = f"Its due time ({given_time_text(due)}) passed while it was on paper."
        assert passed in recorded.outcome
        assert passed in notices(pilot)
        keys = recorded.query_one(".dialog-keys", Static).render()
        assert str(keys).startswith("Write it on the sheet.")  # the caller is long gone
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)

    row = stored(sqlite_desk, sheet)
    assert (row.received_at, row.due_at, row.response) == (written, due, "rapid")
    assert row.taken_by == "Night Handler"
    [paper] = sqlite_desk.paper_calls()
    assert (paper.reference, paper.received_at, paper.due_at) == (sheet, written, due)
    assert (paper.entered_by, paper.entered_at) == ("typist", sqlite_desk.now())
    assert paper.breached_on_paper
    assert sqlite_desk.open_drafts() == []


async def test_a_sheet_already_entered_an_unknown_one_and_a_time_before_printing_are_refused_at_their_field(  # noqa: E501 - a test's name is its sentence
    sqlite_desk: DeskService,
) -> None:
    (used, spare), printed = reserve_then_come_back(sqlite_desk)
    today = sqlite_desk.now().date()
    # the same sheet, entered at another desk first
    sqlite_desk.record_redirect(
        redirected_from(CallForm(red_flags=["chest_pain"]), printed, today),
        by="desk2",
        paper=PaperEntry(used),
    )
    app = build_app(sqlite_desk, user="typist")
    async with app.run_test(size=SIZE) as pilot:
        call = await start_call(pilot)
        written = given_time_text(printed + timedelta(hours=1))
        await enter_sheet(pilot, used, written)
        modal = app.screen
        assert isinstance(modal, PaperSheetModal)
        assert "already entered, by desk2" in said(modal, REFERENCE)
        assert said(modal, WRITTEN) == ""
        assert modal.query_one(f"#{WRITTEN}", Input).value == written

        unknown = "SPR-2026-999999"
        (await focus(pilot, REFERENCE)).value = unknown
        await pilot.press("enter")
        await settle(pilot)
        assert modal.is_current
        assert f"{unknown} was not reserved" in said(modal, REFERENCE)

        too_early = given_time_text(printed - timedelta(minutes=1))
        modal.query_one(f"#{REFERENCE}", Input).value = spare
        (await focus(pilot, WRITTEN)).value = too_early
        await pilot.press("enter")
        await settle(pilot)
        assert modal.is_current
        assert said(modal, REFERENCE) == ""
        assert "before this sheet was printed" in said(modal, WRITTEN)
        assert [modal.query_one(f"#{name}", Input).value for name in (REFERENCE, WRITTEN)] == [
            spare,
            too_early,
        ]
        assert app.focused is modal.query_one(f"#{WRITTEN}", Input)  # where it is to be fixed
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is call and not call.form.is_paper


async def test_a_sheet_entered_elsewhere_meanwhile_is_refused_in_the_desks_words_and_the_call_is_kept(  # noqa: E501 - a test's name is its sentence
    sqlite_desk: DeskService,
) -> None:
    """Then F9 corrects the sheet and the red-flag call is recorded under it, from its time."""
    (first, second), printed = reserve_then_come_back(sqlite_desk)
    written = printed + timedelta(minutes=30)
    app = build_app(sqlite_desk, user="typist")
    async with app.run_test(size=SIZE) as pilot:
        call = await start_call(pilot)
        await enter_sheet(pilot, first, given_time_text(written))
        assert app.screen is call and call.form.paper_reference == first
        # another desk enters the same sheet while this call is typed
        sqlite_desk.record_redirect(
            redirected_from(CallForm(red_flags=["major_bleeding"]), printed, printed.date()),
            by="desk2",
            paper=PaperEntry(first),
        )
        await tick(pilot, "red_flags", "chest_pain")
        await settle(pilot)
        assert isinstance(app.screen, EmergencyModal)
        await pilot.press("enter")
        await settle(pilot)
        assert screen(pilot) is call  # not recorded: the call stays with everything on it
        assert f"{first} was already entered, by desk2" in notices(pilot)
        assert call.form.red_flags == ["chest_pain"] and call.form.paper_reference == first

        await open_paper_dialog(pilot)
        (await focus(pilot, REFERENCE)).value = second
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is call and call.form.paper_reference == second
        await pilot.press("ctrl+s")  # the red flag is still ticked: the 999 advice again
        await settle(pilot)
        assert isinstance(app.screen, EmergencyModal)
        await pilot.press("enter")
        await settle(pilot)
        recorded = app.screen
        assert isinstance(recorded, ReferenceModal) and recorded.reference == second
        await pilot.press("enter")
        await settle(pilot)
    row = stored(sqlite_desk, second)
    assert (row.status, row.received_at, row.paper_entered_by) == ("redirected", written, "typist")


def test_a_drafts_paper_details_survive_its_round_trip_and_an_older_draft_still_opens() -> None:
    form = CallForm(
        started_at="2026-11-23T17:00:00+00:00",
        given_name="Ethel",
        paper_reference="SPR-2026-000121",
        paper_received_at="2026-11-23T11:00:00+00:00",
        paper_taken_by="Night Handler",
    )
    back = CallForm.from_dict(form.to_dict())
    assert back == form
    assert back.paper_entry() == PaperEntry("SPR-2026-000121", "Night Handler")
    assert back.paper_received() == datetime.fromisoformat("2026-11-23T11:00:00+00:00")
    assert "from paper SPR-2026-000121" in back.summary()

    older = form.to_dict()
    for name in ("paper_reference", "paper_received_at", "paper_taken_by"):
        del older[name]
    opened = CallForm.from_dict(older)
    assert opened.given_name == "Ethel"
    assert not opened.is_paper and opened.paper_entry() is None
    # a written time with no zone cannot say which instant it meant: not taken as one
    assert CallForm(paper_received_at="2026-11-23T11:00:00").paper_received() is None
