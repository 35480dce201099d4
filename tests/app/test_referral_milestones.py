"""Milestones taken deliberately on the referral view: the time given and checked at its field,
who responded, undo within 5 minutes by the same person, follow-up calls in the history, the
allocation list in the order that fits, and the lead changed before service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from call_script import settle
from tests_support import context_of
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from db.desk import DeskService
from screens.milestone_modal import MilestoneModal
from screens.note_modal import NoteModal
from screens.referral import ReferralScreen
from spr_desk.allocation import allocation_offers
from spr_desk.call_form import CallForm, referral_from
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.sample_calls import ETHEL
from spr_desk.uktime import as_local
from spr_desk.vocabulary import Lead, Status

SIZE = (80, 24)


def record_ethel(desk: DeskService, hours_ago: float = 1) -> str:
    form = CallForm.from_dict({**ETHEL, "red_flags_cleared": True})
    received = desk.now() - timedelta(hours=hours_ago)
    call = referral_from(form, received, as_local(received).date())
    return desk.record_referral(call, by="handler1").reference


async def open_view(
    pilot: Pilot[Any], desk: DeskService, reference: str, by: str
) -> ReferralScreen:
    await settle(pilot)
    screen = ReferralScreen(context_of(pilot.app, by), reference)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


def text_of(widget: Static) -> str:
    return "\n".join(line.text for line in widget.render_lines(widget.region.reset_offset))


def error_at(modal: MilestoneModal, where: str) -> str:
    return str(modal.query_one(where, Static).render())


async def test_a_first_response_at_an_edited_time_refusing_future_and_before_receipt(
    sqlite_desk: DeskService,
) -> None:
    # FROZEN_NOW is 11:00 (GMT); the call came in at 10:00 and is Rapid, due 13:00.
    reference = record_ethel(sqlite_desk)
    sqlite_desk.move(reference, Status.ALLOCATED, by="h", team="ACHT Aylesbury")
    app = build_app(sqlite_desk, user="nurse1")
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, sqlite_desk, reference, "nurse1")
        await pilot.press("r")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, MilestoneModal)
        time_field = modal.query_one("#milestone-time", Input)
        assert time_field.value == "23/11/2026 11:00" and time_field.has_focus
        await pilot.press("ctrl+u", *"11:30", "ctrl+s")
        await settle(pilot)
        assert app.screen is modal and time_field.value == "11:30"  # nothing typed lost
        assert "in the future" in error_at(modal, "#time-error")
        assert time_field.has_focus
        await pilot.press("ctrl+u", *"09:59", "ctrl+s")
        await settle(pilot)
        assert app.screen is modal and time_field.value == "09:59"
        assert "before the referral was received (23/11/2026 10:00)" in error_at(
            modal, "#time-error"
        )
        await pilot.press("ctrl+u", *"10:40", "tab", "tab", *"Crew 3", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
    summary = sqlite_desk.summary(reference)
    assert summary.responded_at == datetime(2026, 11, 23, 10, 40, tzinfo=UTC)
    assert (summary.responded_by, summary.response_met) == ("Crew 3", True)


async def respond_now(pilot: Pilot[Any]) -> None:
    await pilot.press("r")
    await settle(pilot)
    await pilot.press("tab", "tab", *"Crew 3", "ctrl+s")
    await settle(pilot)


async def test_undo_within_five_minutes_restores_and_is_refused_after(
    sqlite_desk: DeskService,
) -> None:
    reference = record_ethel(sqlite_desk)
    sqlite_desk.move(reference, Status.ALLOCATED, by="h", team="ACHT Aylesbury")
    start = sqlite_desk.now()
    app = build_app(sqlite_desk, user="nurse1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_view(pilot, sqlite_desk, reference, "nurse1")
        assert screen.check_action("undo", ()) is False  # the allocation was someone else's
        await respond_now(pilot)
        assert sqlite_desk.summary(reference).status is Status.RESPONDED
        assert screen.check_action("undo", ()) is True
        assert "u undo" in text_of(screen.query_one("#referral-keys", Static))
        await pilot.press("u")
        await settle(pilot)
        summary = sqlite_desk.summary(reference)
        assert (summary.status, summary.responded_at, summary.responded_by) == (
            Status.ALLOCATED,
            None,
            None,
        )
        await respond_now(pilot)
        sqlite_desk.clock = lambda: start + timedelta(minutes=5, seconds=1)
        screen._load()
        await settle(pilot)
        assert screen.check_action("undo", ()) is False
        screen.action_undo()
        await settle(pilot)
        messages = [str(note.message) for note in app._notifications]
        assert any("more than 5 minutes ago" in m for m in messages)
    assert sqlite_desk.summary(reference).status is Status.RESPONDED
    history = [entry.action for entry in sqlite_desk.history(reference)]
    assert history[-3:] == ["status:responded", "undone: first response", "status:responded"]


async def test_undo_is_refused_to_another_user(sqlite_desk: DeskService) -> None:
    reference = record_ethel(sqlite_desk)
    sqlite_desk.move(reference, Status.ALLOCATED, by="nurse1", team="ACHT Aylesbury")
    app = build_app(sqlite_desk, user="night")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_view(pilot, sqlite_desk, reference, "night")
        assert screen.check_action("undo", ()) is False
        screen.action_undo()
        await settle(pilot)
        messages = [str(note.message) for note in app._notifications]
        assert "Only nurse1, who recorded it, can undo it." in messages
    assert sqlite_desk.summary(reference).status is Status.ALLOCATED


async def test_a_follow_up_call_on_a_cancelled_referral_is_in_its_history(
    sqlite_desk: DeskService,
) -> None:
    reference = record_ethel(sqlite_desk)
    sqlite_desk.move(reference, Status.CANCELLED, by="h", reason="duplicate")
    app = build_app(sqlite_desk, user="nurse1")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_view(pilot, sqlite_desk, reference, "nurse1")
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, NoteModal)
        await pilot.press("enter", *"Daughter", "enter", *"Mum fell again", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        history = text_of(screen.query_one("#referral-history", Static))
    assert "follow-up call from Daughter: Mum fell again" in history
    assert "nurse1" in history
    assert [n.text for n in sqlite_desk.detail(reference).notes_added] == ["Mum fell again"]


async def test_the_allocation_list_is_in_the_order_that_fits_and_enter_does_not_allocate(
    sqlite_demo_desk: DeskService,
) -> None:
    reference = record_ethel(sqlite_demo_desk, hours_ago=0)
    detail = sqlite_demo_desk.detail(reference)
    who = sqlite_demo_desk.who_is_on()
    expected = allocation_offers(
        who.on_now,
        who.starting,
        locality="Aylesbury",
        lead=Lead.NURSE,
        due_at=detail.summary.due_at,
    )
    app = build_app(sqlite_demo_desk, user="nurse1")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot, sqlite_demo_desk, reference, "nurse1")
        await pilot.press("a")
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        people = [label for label in labels if label.count(",") >= 2]
        assert people == [offer.text for offer in expected]
        first = people[0]
        assert "Aylesbury" in first and ", Nurse, " in first
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MilestoneModal)  # enter moved on; nothing allocated
        assert sqlite_demo_desk.summary(reference).status is Status.RECORDED


async def test_the_lead_changes_while_recorded_with_a_reason(sqlite_desk: DeskService) -> None:
    reference = record_ethel(sqlite_desk)
    app = build_app(sqlite_desk, user="nurse1")
    async with app.run_test(size=SIZE) as pilot:
        await open_view(pilot, sqlite_desk, reference, "nurse1")
        await pilot.press("l")
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        await pilot.press(*(["down"] * labels.index("Therapist")), "enter")
        await pilot.press(*"Mobility first", "ctrl+s")
        await settle(pilot)
    summary = sqlite_desk.summary(reference)
    assert (summary.status, summary.lead) == (Status.RECORDED, "therapist")
    [event] = [e for e in sqlite_desk.history(reference) if e.action == "lead_changed"]
    assert event.detail == "Mobility first"
