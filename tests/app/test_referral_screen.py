"""The referral view: every fact it shows, each action as a handler takes it, the stored state
and its audit trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from call_script import settle, until
from sqlmodel import Session, select
from tests_support import context_of
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from db.desk import DeskService
from db.models import Referral
from screens.action_modal import ActionModal
from screens.milestone_modal import MilestoneModal
from screens.nhs_number_modal import NhsNumberModal
from screens.queue import QueueScreen
from screens.referral import ReferralScreen
from spr_desk.call_form import EMERGENCY_WORDS, CallForm, referral_from
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.referral import PatientDetails, RedirectedCall, ReferrerDetails
from spr_desk.sample_calls import ETHEL
from spr_desk.uktime import as_local
from spr_desk.vocabulary import RedFlag, ReferrerRole, Status

SIZE = (120, 40)


def record_ethel(desk: DeskService) -> str:
    form = CallForm.from_dict({**ETHEL, "red_flags_cleared": True})
    call = referral_from(form, desk.now(), as_local(desk.now()).date())
    return desk.record_referral(call, by="handler1").reference


async def open_referral(pilot: Pilot[Any]) -> ReferralScreen:
    await settle(pilot)
    assert isinstance(pilot.app.screen, QueueScreen)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReferralScreen)
    return screen


async def pick(pilot: Pilot[Any], label: str) -> None:
    """In the action dialog, arrow to an option by its label and press enter."""
    options = pilot.app.screen.query_one(OptionList)
    labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    await pilot.press(*(["down"] * labels.index(label)), "enter")
    await pilot.pause()


async def view_shows(pilot: Pilot[Any], screen: ReferralScreen, status: Status) -> None:
    """The view on screen again (its dialog gone) and showing `status`, as a handler sees it
    before the next key."""
    await until(
        pilot,
        lambda: (
            pilot.app.screen is screen
            and screen.detail is not None
            and screen.detail.summary.status is status
        ),
        f"the view to show {status.value}",
    )


def actions(desk: DeskService, reference: str) -> list[str]:
    return [entry.action for entry in desk.history(reference)]


async def test_a_referral_goes_through_its_whole_life_from_the_keyboard(
    sqlite_desk: DeskService,
) -> None:
    reference = record_ethel(sqlite_desk)
    app = build_app(sqlite_desk, user="nurse1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_referral(pilot)
        assert screen.reference == reference
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, MilestoneModal)
        await pick(pilot, "ACHT Aylesbury")
        assert isinstance(app.screen, MilestoneModal)  # enter chose; it did not allocate
        await pilot.press("ctrl+s")
        await settle(pilot)
        summary = sqlite_desk.summary(reference)
        assert (summary.status, summary.allocated_team) == (Status.ALLOCATED, "ACHT Aylesbury")
        await view_shows(pilot, screen, Status.ALLOCATED)

        await pilot.press("r")
        await settle(pilot)
        await pilot.press("tab", "tab", *"Crew 12", "ctrl+s")  # nobody on the rota here
        await settle(pilot)
        summary = sqlite_desk.summary(reference)
        assert summary.status is Status.RESPONDED and summary.response_met is True
        assert summary.responded_at == sqlite_desk.now().replace(second=0)
        assert summary.responded_by == "Crew 12"
        await view_shows(pilot, screen, Status.RESPONDED)

        await pilot.press("s")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert sqlite_desk.summary(reference).status is Status.IN_SERVICE
        await view_shows(pilot, screen, Status.IN_SERVICE)

        await pilot.press("l")
        await settle(pilot)
        await pick(pilot, "Therapist")
        await pilot.press(*"Mobility now leads")
        await pilot.press("ctrl+s")
        await settle(pilot)
        summary = sqlite_desk.summary(reference)
        assert (summary.lead, summary.status) == ("therapist", Status.IN_SERVICE)
        await until(
            pilot,
            lambda: screen.detail is not None and screen.detail.summary.lead == "therapist",
            "the view to show the new lead",
        )

        await pilot.press("c")
        await settle(pilot)
        await pick(pilot, "no further services")
        await pilot.press("tab", "tab", "space", "ctrl+s")  # past the time and the note
        await settle(pilot)
        summary = sqlite_desk.summary(reference)
        assert (summary.status, summary.close_outcome, summary.gp_updated) == (
            Status.CLOSED,
            "no_further_services",
            True,
        )
        shown = screen.query_one("#referral-history", Static)
        history = "\n".join(line.text for line in shown.render_lines(shown.region.reset_offset))
        assert "lead changed: Mobility now leads" in history
    assert actions(sqlite_desk, reference) == [
        "recorded",
        "status:allocated",
        "status:responded",
        "status:in_service",
        "lead_changed",
        "status:closed",
    ]
    assert [e.actor for e in sqlite_desk.history(reference)][1:] == ["nurse1"] * 5


async def test_responding_to_a_closed_referral_is_refused_with_a_message(
    sqlite_desk: DeskService,
) -> None:
    reference = record_ethel(sqlite_desk)
    sqlite_desk.move(reference, Status.CANCELLED, by="h", reason="duplicate call")
    sqlite_desk.record_referral(
        referral_from(
            CallForm.from_dict({**ETHEL, "red_flags_cleared": True}),
            sqlite_desk.now(),
            as_local(sqlite_desk.now()).date(),
        ),
        by="h",
    )
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = ReferralScreen(context_of(app, "h"), reference)
        await app.push_screen(screen)
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        messages = [str(note.message) for note in app._notifications]
        assert any("Cannot move a referral from cancelled to responded" in m for m in messages)
    assert actions(sqlite_desk, reference) == ["recorded", "status:cancelled"]


@pytest.mark.parametrize("reason", ["", "Family now staying with her"])
async def test_cancelling_needs_a_reason(sqlite_desk: DeskService, reason: str) -> None:
    reference = record_ethel(sqlite_desk)
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await open_referral(pilot)
        await pilot.press("x")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ActionModal)
        if reason:
            await pilot.press(*reason)
        await pilot.press("ctrl+s")
        await settle(pilot)
        if not reason:
            assert app.screen is modal
            assert "reason" in str(modal.query_one("#action-error", Static).render())
            assert modal.query_one(Input).value == ""
    summary = sqlite_desk.summary(reference)
    if reason:
        assert (summary.status, summary.status_reason) == (Status.CANCELLED, reason)
    else:
        assert summary.status is Status.RECORDED


async def test_a_late_first_response_asks_why_and_the_supervisor_sees_the_reason(
    sqlite_desk: DeskService,
) -> None:
    form = CallForm.from_dict({**ETHEL, "red_flags_cleared": True})
    four_hours_ago = sqlite_desk.now() - timedelta(hours=4)  # Rapid: due an hour ago
    call = referral_from(form, four_hours_ago, as_local(four_hours_ago).date())
    reference = sqlite_desk.record_referral(call, by="h").reference
    sqlite_desk.move(reference, Status.ALLOCATED, by="h", team="ACHT Night Team")
    app = build_app(sqlite_desk, user="nurse2")
    async with app.run_test(size=SIZE) as pilot:
        await open_referral(pilot)
        await pilot.press("r")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, MilestoneModal)
        await pilot.press("tab", "tab", *"Crew 7", "ctrl+s")  # no reason: refused, still asking
        await settle(pilot)
        assert app.screen is modal
        assert "reason" in str(modal.query_one("#note-error", Static).render())
        await pilot.press(*"Crew delayed at a fall", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
    summary = sqlite_desk.summary(reference)
    assert (summary.status, summary.response_met) == (Status.RESPONDED, False)
    with Session(sqlite_desk.engine) as session:
        row = session.exec(select(Referral).where(Referral.reference == reference)).one()
    assert row.breach_reason == "Crew delayed at a fall"
    [breach] = [b for b in sqlite_desk.review().breaches if b.reference == reference]
    assert (breach.awaiting, breach.reason) == (False, "Crew delayed at a fall")


async def test_a_referral_is_allocated_to_a_named_professional_on_shift(
    sqlite_demo_desk: DeskService,
) -> None:
    reference = record_ethel(sqlite_demo_desk)
    nurse = next(
        shift
        for shift in sqlite_demo_desk.who_is_on().on_now
        if shift.team == "ACHT Aylesbury" and shift.role.value == "nurse"
    )
    app = build_app(sqlite_demo_desk, user="nurse1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(ReferralScreen(context_of(app, "nurse1"), reference))
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert len(ids) == len(set(ids))  # someone on now and again tomorrow is offered once
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        mine = next(label for label in labels if label.startswith(f"{nurse.name}, Nurse, "))
        assert "(0/6; on until Mon 23 Nov 16:00)" in mine
        await pick(pilot, mine)
        await pilot.press("ctrl+s")
        await settle(pilot)
        summary = sqlite_demo_desk.summary(reference)
        assert summary.status is Status.ALLOCATED
        assert summary.allocated_team == f"{nurse.name} (ACHT Aylesbury)"
    with Session(sqlite_demo_desk.engine) as session:
        row = session.exec(select(Referral).where(Referral.reference == reference)).one()
        assert row.allocated_staff_id == nurse.staff_id


def shown_lines(widget: Static) -> list[str]:
    return [line.text.rstrip() for line in widget.render_lines(widget.region.reset_offset)]


def facts_shown(screen: ReferralScreen) -> dict[str, str]:
    """The referral view's lines as {name: value}, a value's wrapped lines joined."""
    facts: dict[str, str] = {}
    name = ""
    width = None
    for line in shown_lines(screen.query_one("#referral-main", Static)):
        if not line.strip():
            continue
        if width is None:
            width = len(line) - len(line[len(line.split("  ")[0]) :].lstrip())
        head, tail = line[:width].strip(), line[width:].strip()
        if head:
            name, facts[head] = head, tail
        else:
            facts[name] += " " + tail
    return facts


def record_everything(desk: DeskService) -> str:
    """Ethel's call with every fact a call can give, no NHS number (she lives abroad), and a
    different cell chosen with its reason."""
    form = CallForm.from_dict(
        {
            **ETHEL,
            "red_flags_cleared": True,
            "nhs_number": "",
            "nhs_number_status": "overseas-patient",
            "caller_answers": {"gp_update": "phone"},
            "primary_need": "personal_care",
            "bed_needed": True,
            "community_bed_request": True,
            "records_reviewed": ["gp_record", "shared_care_record"],
            "chosen_response": "rapid",
            "chosen_lead": "nurse",
            "override_reason": "District nurse already visits",
            "notes": "[b]Daughter[/b] visits at 6",
        }
    )
    call = referral_from(form, desk.now(), as_local(desk.now()).date())
    return desk.record_referral(call, by="handler1").reference


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_view_shows_every_fact_the_call_gave_in_the_handlers_words(
    sqlite_desk: DeskService, size: tuple[int, int]
) -> None:
    reference = record_everything(sqlite_desk)
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await app.push_screen(ReferralScreen(context_of(app, "desk1"), reference))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReferralScreen)
        facts = facts_shown(screen)
        text = "\n".join(shown_lines(screen.query_one("#referral-main", Static)))
    assert facts == {
        "Status": "recorded",
        "Request": "COMMUNITY BED REQUEST",  # shown first, where it cannot be missed
        "Due by": "Mon 23 Nov 14:00 (3h 00m left)",
        "Agreed": "Rapid / Nurse",
        "Matrix says": "Rapid / Social care",
        "Why a different cell": "District nurse already visits",
        "Held by": "-",
        "Red flags": "none",
        "Patient": "EXAMPLE, Ethel",
        "NHS number": "not known (overseas patient) · TO TRACE",
        "NHS number checked": "trace required",
        "Date of birth": "01/05/1945",
        "Address": "12 Orchard Close, Aylesbury HP20 1AA",
        "GP practice": "Meadowbank Surgery",
        "Lives alone": "yes",
        "Next of kin": "Peter (son) 07700 900123",
        "Access": "recorded (masked)",
        "Caller": "Dr Amy Stone",
        "Caller's role": "GP or practice nurse",
        "Organisation": "Meadowbank Surgery",
        "Call-back number": "01296 555010",
        "How the GP wants the update": "a phone call to the practice",
        "Received": "Mon 23 Nov 11:00 by handler1",
        "Pathway": "step-up (avoid an admission)",
        "Where now": "home",
        "Locality": "Aylesbury",
        "UCR condition (2-hour)": "decompensation of frailty (2-hour UCR)",
        "Needs": "dehydration, personal care",
        "Primary need": "personal care",
        "Urgency": "alone and unable to manage tonight",
        "Bed needed": "yes",
        "Home from Hospital": "no",
        "Community step-up bed": "yes",
        "Records reviewed": "GP record, Shared care record",
        "Why": facts["Why"],
        "Notes": "[b]Daughter[/b] visits at 6",  # typed markup is shown as typed
    }
    assert facts["Why"].startswith("Response Rapid (within 3 hours)")
    assert "4321" not in text  # the key safe's code never reaches the screen
    assert "…" not in text and all(len(line) <= size[0] for line in text.splitlines())


async def test_a_redirected_call_shows_its_flags_the_words_said_and_what_was_typed(
    sqlite_desk: DeskService,
) -> None:
    call = RedirectedCall(
        received_at=sqlite_desk.now(),
        red_flags=frozenset({RedFlag.CHEST_PAIN, RedFlag.SUSPECTED_FRACTURE}),
        referrer=ReferrerDetails("", ReferrerRole.OTHER, "", "02079460000"),
        patient=PatientDetails("", "Winifred", ""),
        call_record={},
        advice=EMERGENCY_WORDS,
    )
    reference = sqlite_desk.record_redirect(call, by="handler1").reference
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(ReferralScreen(context_of(app, "desk1"), reference))
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        facts = facts_shown(app.screen)
    assert facts["Status"] == "redirected"
    assert facts["Matrix says"] == "Emergency: advised 999 / A&E"
    assert facts["Red flags"] == "chest pain, a suspected fracture after a fall"
    assert facts["Said to the caller"] == EMERGENCY_WORDS
    assert (facts["Patient"], facts["Caller"], facts["Call-back number"]) == (
        "Winifred",
        "-",
        "020 7946 0000",
    )
    assert facts["NHS number"] == "not given (the call ended at the red flags)"
    assert facts["Needs"] == facts["Bed needed"] == "not asked"


async def add_number_keys(pilot: Pilot[Any], typed: str) -> NhsNumberModal:
    await pilot.press("n")
    await settle(pilot)
    modal = pilot.app.screen
    assert isinstance(modal, NhsNumberModal)
    await pilot.press(*typed, "enter")
    await settle(pilot)
    return modal


async def test_the_nhs_number_is_added_from_the_view_and_a_wrong_one_keeps_what_was_typed(
    sqlite_desk: DeskService,
) -> None:
    reference = record_everything(sqlite_desk)
    app = build_app(sqlite_desk, user="tracer1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = ReferralScreen(context_of(app, "tracer1"), reference)
        await app.push_screen(screen)
        await settle(pilot)
        assert screen.check_action("add_nhs_number", ()) is True
        modal = await add_number_keys(pilot, "943 476 5918")  # the check digit is wrong
        assert app.screen is modal
        assert modal.query_one(Input).value == "943 476 5918"
        error = str(modal.query_one("#nhs-number-error", Static).render())
        assert "check digit does not match" in error
        assert sqlite_desk.detail(reference).to_trace

        await pilot.press("backspace", "9", "enter")
        await settle(pilot)
        assert app.screen is screen
        facts = facts_shown(screen)
        assert facts["NHS number"] == "943 476 5919"
        assert facts["NHS number checked"] == "present but not traced"
        assert screen.check_action("add_nhs_number", ()) is False  # nothing left to add
    detail = sqlite_desk.detail(reference)
    assert not detail.to_trace and detail.patient is not None
    assert detail.patient.nhs_number == "9434765919"
    assert actions(sqlite_desk, reference) == ["recorded", "override", "nhs_number_added"]
    assert sqlite_desk.history(reference)[-1].actor == "tracer1"


async def test_a_number_the_desk_refuses_opens_the_dialog_again_with_what_was_typed(
    sqlite_desk: DeskService,
) -> None:
    reference = record_everything(sqlite_desk)
    app = build_app(sqlite_desk, user="tracer1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = ReferralScreen(context_of(app, "tracer1"), reference)
        await app.push_screen(screen)
        await settle(pilot)
        # Another desk allocates it while this one has it open: this version is stale.
        sqlite_desk.move(reference, Status.ALLOCATED, by="desk2", team="ACHT Aylesbury")
        await add_number_keys(pilot, "9434765919")
        again = app.screen
        assert isinstance(again, NhsNumberModal)
        assert again.query_one(Input).value == "9434765919"
        error = str(again.query_one("#nhs-number-error", Static).render())
        assert "changed at another desk" in error
        await pilot.press("enter")  # read again since: this time it is taken
        await settle(pilot)
        assert app.screen is screen
    assert not sqlite_desk.detail(reference).to_trace
