"""A 999 referral at the desk, from the keyboard: the queue says the reply is owed, the referral
view starts with what the scene and the flags warn of, t triages it in the call form filled from
what was sent, A accepts it, b sends it back."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from call_script import fill, screen, settle
from rich.console import Console
from tests_support import context_of
from textual.pilot import Pilot
from textual.widgets import Static

from db.desk import DeskService
from screens.confirm_call_modal import ConfirmCallModal
from screens.reference_modal import ReferenceModal
from screens.referral import ReferralScreen
from screens.triage import TriageScreen
from screens.widgets.queue_board import row_cells
from spr_desk.bars.example import a4t3_bundle, body
from spr_desk.bars.outbox import ReplyKind
from spr_desk.bars.reading import read_request
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.vocabulary import Status

SIZE = (120, 40)


def sent(desk: DeskService, **changes: Any) -> str:
    bundle = a4t3_bundle(authored_on=desk.now() - timedelta(minutes=10), **changes)
    request = read_request(body(bundle), request_id=bundle["id"], correlation_id=bundle["id"])
    return desk.receive_bars(request, bundle).reference


def shown(app: Any) -> list[str]:
    lines = []
    for static in app.screen.query(Static):
        console = Console(width=SIZE[0], record=True, file=io.StringIO())
        console.print(static.content)
        lines += [" ".join(line.split()) for line in console.export_text().splitlines()]
    return [line for line in lines if line]


async def open_referral(pilot: Pilot[Any], reference: str) -> None:
    await settle(pilot)
    await pilot.app.push_screen(ReferralScreen(context_of(pilot.app), reference))
    await settle(pilot)


async def test_the_queue_says_the_reply_owed_and_the_view_starts_with_the_warnings(
    sqlite_desk: DeskService,
) -> None:
    reference = sent(sqlite_desk, scene_safety="U", nhs_number=None)
    [row] = sqlite_desk.open_queue()
    assert row_cells(row, sqlite_desk.now())["cell"][0] == "reply owed by 12:50"
    app = build_app(sqlite_desk, user="h1")
    async with app.run_test(size=SIZE) as pilot:
        await open_referral(pilot, reference)
        lines = shown(app)
        keys = next(line for line in lines if line.startswith("Keys:"))
        assert keys.startswith("Keys: t triage") and "A accept" in keys and "b send back" in keys
        body_lines = lines[lines.index(keys) + 1 :]
        assert body_lines[:3] == [
            "WARNING Scene not safe",
            "WARNING Safeguarding: Lives with a son who is the main carer; carer strain noted",
            "WARNING NHS number not sent: to trace",
        ]
        flat = " ".join(lines)
        assert (
            "Sent by 999 Example Ambulance Service NHS Trust (BaRS) · triaged with Pathways 30.2.0"
            in flat
        )
        assert "Reply OWED by" in flat and "A accept · b send back" in flat
        assert "Call back 1 07700 900451 Crew 4512 (paramedic)" in flat
        assert "Call back 2 07700 900123 Peter Example (son)" in flat
        assert "Incident at 12 Orchard Close, Aylesbury, HP20 1AA" in flat
        assert "Status received" in flat


async def test_a_accepts_naming_the_clinician_and_b_sends_back_with_a_coded_reason(
    sqlite_desk: DeskService,
) -> None:
    accepted = sent(sqlite_desk, journey_id="J-1", service_request_id="S-1")
    returned = sent(sqlite_desk, journey_id="J-2", service_request_id="S-2")
    app = build_app(sqlite_desk, user="h1")
    async with app.run_test(size=SIZE) as pilot:
        await open_referral(pilot, accepted)
        await pilot.press("A")
        await settle(pilot)
        await pilot.press(*"Nurse Jo Bloggs", "ctrl+s")
        await settle(pilot)
        detail = sqlite_desk.detail(accepted)
        assert detail.bars is not None and detail.bars.answer == ReplyKind.ACCEPT.value
        assert any("accepted: queued" in line for line in shown(app)), shown(app)
        assert not any(line.startswith("Keys:") and "A accept" in line for line in shown(app))

        await pilot.press("escape")
        await open_referral(pilot, returned)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("down", "enter", *"no answer at the door", "ctrl+s")
        await settle(pilot)
        detail = sqlite_desk.detail(returned)
        assert detail.summary.status is Status.REDIRECTED
        assert "(FC): Failed contact: no answer at the door" in detail.summary.status_reason


async def test_t_opens_the_call_form_filled_from_what_was_sent_and_records_that_referral(
    sqlite_desk: DeskService,
) -> None:
    reference = sent(sqlite_desk)
    app = build_app(sqlite_desk, user="h1")
    async with app.run_test(size=SIZE) as pilot:
        await open_referral(pilot, reference)
        await pilot.press("t")
        await settle(pilot)
        call = screen(pilot)
        assert isinstance(call, TriageScreen)
        form = call.form
        assert (form.bars_reference, form.referrer_role, form.pathway) == (
            reference,
            "ambulance_crew",
            "step_up",
        )
        assert (form.given_name, form.family_name, form.date_of_birth) == (
            "Ethel",
            "Example",
            "01/05/1945",
        )
        assert form.nhs_number == "9434765919" and form.referrer_phone == "07700 900451"
        assert "Chief concern: Fall at home" in form.notes
        assert call.received_at == sqlite_desk.now() - timedelta(minutes=10)  # when 999 sent it
        fill(
            pilot,
            {
                "setting": "home",
                "needs": ["fall_no_injury"],
                "urgency": ["unsafe_alone_tonight"],
                "lives_alone": "yes",
                "locality": "Aylesbury",
                "ucr_condition": "fall",  # a Rapid response: the 2-hour UCR condition asked
            },
        )
        await settle(pilot)
        await pilot.press("f5", "a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmCallModal)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferenceModal) and app.screen.reference == reference
        await pilot.press("enter")
        await settle(pilot)
        # Back where the triage was opened: the referral, now recorded.
        assert isinstance(app.screen, ReferralScreen)
        assert "Status recorded" in " ".join(shown(app))
    detail = sqlite_desk.detail(reference)
    assert detail.summary.status is Status.RECORDED
    assert detail.summary.received_at == sqlite_desk.now() - timedelta(minutes=10)
    assert detail.summary.due_at == detail.summary.received_at + timedelta(hours=3)
    assert len(sqlite_desk.open_queue()) == 1  # the same referral, not a second
