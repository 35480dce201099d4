"""The triage conversation, end to end, as a handler takes it: keys in, rows out."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta

import pytest
from call_script import (
    ETHEL,
    REG,
    check,
    choose,
    record,
    screen,
    settle,
    start_call,
    take_call,
    tick,
    type_into,
)
from sqlmodel import Session, select
from textual.widgets import Input, Static

from db.desk import DeskService
from db.models import Patient, Referral, Referrer
from screens.confirm_call_modal import ConfirmCallModal
from screens.emergency_modal import EmergencyModal
from screens.queue import QueueScreen
from screens.reference_modal import ReferenceModal
from screens.resume_modal import ResumeDraftModal
from screens.triage import BUSY_WORDS, TriageScreen
from screens.widgets.choice import Choice
from screens.widgets.matrix_grid import MatrixGrid
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.vocabulary import Lead, Response

SIZE = (120, 40)


def stored(desk: DeskService, reference: str) -> tuple[Referral, Referrer | None, Patient | None]:
    with Session(desk.engine) as session:
        row = session.exec(select(Referral).where(Referral.reference == reference)).one()
        referrer = session.get(Referrer, row.referrer_id) if row.referrer_id else None
        patient = session.get(Patient, row.patient_id) if row.patient_id else None
        return row, referrer, patient


async def test_ethels_gp_call_is_recorded_rapid_nurse_with_everything_the_caller_said(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="handler1")
    async with app.run_test(size=SIZE) as pilot:
        triage = await start_call(pilot)
        assert app.focused is not None and app.focused.id == "red_flags"  # red flags first
        await take_call(pilot, ETHEL)
        assert triage.recommendation is not None
        assert (triage.recommendation.response.value, triage.recommendation.lead.value) == (  # type: ignore[union-attr]
            "rapid",
            "nurse",
        )
        reference = await record(pilot)
    row, referrer, patient = stored(sqlite_desk, reference)
    assert (row.status, row.response, row.lead, row.rec_outcome) == (
        "recorded",
        "rapid",
        "nurse",
        "matrix",
    )
    assert (row.rec_response, row.rec_lead, row.override_reason) == ("rapid", "nurse", "")
    assert row.due_at == row.received_at + timedelta(hours=3)
    assert row.received_at == sqlite_desk.now()
    assert row.facts["needs"] == ["dehydration", "personal_care"]
    assert row.facts["urgency"] == ["unsafe_alone_tonight"] and row.facts["age"] == 81
    assert row.records_reviewed == ["gp_record"] and row.taken_by == "handler1"
    assert row.call_record is not None and row.call_record["referrer_name"] == "Dr Amy Stone"
    assert referrer is not None
    assert (referrer.name, referrer.role, referrer.phone) == (
        "Dr Amy Stone",
        "gp_or_practice_nurse",
        "01296555010",
    )
    assert patient is not None
    assert (patient.nhs_number, patient.postcode, patient.access_notes, patient.lives_alone) == (
        "9434765919",
        "HP20 1AA",
        "Key safe 4321",
        True,
    )
    assert [entry.action for entry in sqlite_desk.history(reference)] == ["recorded"]
    assert sqlite_desk.open_drafts() == []


async def test_regs_ward_discharge_is_recorded_rapid_therapist_with_home_from_hospital(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="handler2")
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        await take_call(pilot, REG)
        reference = await record(pilot)
    row, referrer, patient = stored(sqlite_desk, reference)
    assert (row.pathway, row.setting, row.response, row.lead) == (
        "step_down",
        "hospital_ward",
        "rapid",
        "therapist",
    )
    assert row.home_from_hospital is True and row.community_bed_request is False
    assert referrer is not None and referrer.role == "ward_team"
    assert patient is not None and patient.nhs_number == "4010232137"
    assert row.due_at == row.received_at + timedelta(hours=3)


async def test_a_red_flag_ends_the_call_with_the_999_advice_and_records_it_as_redirected(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        await tick(pilot, "red_flags", "chest_pain")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, EmergencyModal)
        said = " ".join(str(widget.render()) for widget in modal.query(Static))
        assert "999" in said and "chest pain" in said
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferenceModal)
        reference = app.screen.reference
        await pilot.press("enter")
        await settle(pilot)
    row, _referrer, _patient = stored(sqlite_desk, reference)
    assert (row.status, row.rec_outcome, row.due_at) == ("redirected", "emergency", None)
    assert row.facts == {"red_flags": ["chest_pain"]}
    assert row.call_record is not None and row.call_record["red_flags"] == ["chest_pain"]
    assert "999" in " ".join(row.rec_reasons)
    assert [entry.action for entry in sqlite_desk.history(reference)] == ["recorded"]


async def test_a_red_flag_answered_by_mistake_is_taken_back_and_the_call_goes_on(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        triage = await start_call(pilot)
        await tick(pilot, "red_flags", "major_bleeding")
        await settle(pilot)
        assert isinstance(app.screen, EmergencyModal)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is triage
        assert triage.form.red_flags == [] and triage.recommendation is None
    with Session(sqlite_desk.engine) as session:
        assert session.exec(select(Referral)).first() is None


async def test_a_different_cell_cannot_be_recorded_without_a_reason(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        triage = await start_call(pilot)
        await take_call(pilot, ETHEL)
        await pilot.press("f5")
        assert isinstance(app.focused, MatrixGrid)
        await pilot.press("down", "enter")  # Fast / Nurse instead of Rapid / Nurse
        await settle(pilot)
        assert (triage.form.chosen_response, triage.form.chosen_lead) == ("fast", "nurse")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)  # refused: still on the call
        error = triage.query_one("#override_reason-error", Static)
        assert "reason" in str(error.render())
        with Session(sqlite_desk.engine) as session:
            assert session.exec(select(Referral)).first() is None
        await type_into(pilot, "override_reason", "Family with her until tomorrow")
        reference = await record(pilot)
    row, _referrer, _patient = stored(sqlite_desk, reference)
    assert (row.rec_response, row.rec_lead) == ("rapid", "nurse")
    assert (row.response, row.lead) == ("fast", "nurse")
    assert row.override_reason == "Family with her until tomorrow"
    assert row.due_at == row.received_at + timedelta(hours=24)
    assert [entry.action for entry in sqlite_desk.history(reference)] == ["recorded", "override"]


async def test_a_known_nhs_number_fills_the_record_and_warns_of_an_open_referral(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        await take_call(pilot, ETHEL)
        first = await record(pilot)
        triage = await start_call(pilot)
        await type_into(pilot, "given_name", "Eth")  # typed before the look-up: never replaced
        await type_into(pilot, "nhs_number", "9434765919")
        await settle(pilot)
        banner = str(triage.query_one("#patient-known", Static).render())
        assert "OPEN REFERRAL" in banner and first in banner
        # The record is offered, not poured in while the handler may be typing elsewhere:
        assert triage.query_one("#family_name", Input).value == ""
        await pilot.press("enter")  # in the NHS number: fill the empty fields from the record
        await settle(pilot)
        assert triage.query_one("#family_name", Input).value == "Example"
        assert triage.query_one("#given_name", Input).value == "Eth"
        assert triage.query_one("#postcode", Input).value == "HP20 1AA"
        assert triage.query_one("#lives_alone", Choice).value == "yes"
        # ... and the cursor goes to the first thing still needed, after the NHS number
        assert app.focused is not None and app.focused.id == "pathway"
        await check(pilot, "red_flags_cleared")
        for name in ("referrer_name", "referrer_phone"):
            await type_into(pilot, name, ETHEL[name])
        await choose(pilot, "referrer_role", "gp_or_practice_nurse")
        await choose(pilot, "pathway", "step_up")
        await choose(pilot, "setting", "home")
        await tick(pilot, "needs", "meals")
        await choose(pilot, "locality", "Aylesbury")
        await pilot.press("ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ConfirmCallModal)
        assert modal.warning is not None and first in modal.warning
        assert "open referral" in modal.warning


async def test_a_wrong_nhs_number_says_why_at_the_field_and_keeps_what_was_typed(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        triage = await start_call(pilot)
        await type_into(pilot, "given_name", "Ethel")
        await type_into(pilot, "nhs_number", "943 476 5918", keys=True)
        await settle(pilot)
        error = str(triage.query_one("#nhs_number-error", Static).render())
        assert "check digit" in error
        assert triage.query_one("#nhs_number", Input).value == "943 476 5918"
        assert triage.query_one("#given_name", Input).value == "Ethel"
        await pilot.press("backspace", "9")
        await settle(pilot)
        assert str(triage.query_one("#nhs_number-error", Static).render()) == ""


async def test_a_call_left_unsaved_is_offered_again_and_resumes_whole(
    sqlite_desk: DeskService,
) -> None:
    first = build_app(sqlite_desk, user="desk1")
    async with first.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        await check(pilot, "red_flags_cleared")
        await type_into(pilot, "referrer_name", "Dr Amy Stone")
        await type_into(pilot, "given_name", "Ethel")
        await tick(pilot, "needs", "dehydration")
        await settle(pilot)
        first.exit()  # the desk closed mid-call: nothing was recorded
    assert len(sqlite_desk.open_drafts()) == 1
    second = build_app(sqlite_desk, user="desk1")
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(second.screen, ResumeDraftModal)
        await pilot.press("enter")
        await settle(pilot)
        triage = screen(pilot)
        assert triage.query_one("#referrer_name", Input).value == "Dr Amy Stone"
        assert triage.query_one("#given_name", Input).value == "Ethel"
        assert triage.form.needs == ["dehydration"] and triage.form.red_flags_cleared


async def test_what_is_typed_after_resuming_a_call_is_saved_too(sqlite_desk: DeskService) -> None:
    """Found in tmux: a resumed call started counting its saves from 0 again, so every change
    was refused as older than the stored draft until it had made as many: a second crash would
    have lost them."""
    first = build_app(sqlite_desk, user="desk1")
    async with first.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        await check(pilot, "red_flags_cleared")
        # Key by key, as a handler types: each key is a saved revision (30 of them).
        await type_into(
            pilot, "referrer_name", "Dr Amy Stone of Meadowbank Surgery"[:30], keys=True
        )
        await settle(pilot)
        first.exit()
    second = build_app(sqlite_desk, user="desk1")
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # resume
        await settle(pilot)
        await type_into(pilot, "given_name", "Ethel")
        await settle(pilot)
        second.exit()  # closed again mid-call
    (draft,) = sqlite_desk.open_drafts()
    assert draft.payload["given_name"] == "Ethel"
    assert draft.payload["referrer_name"] == "Dr Amy Stone of Meadowbank Sur"


async def test_escape_asks_before_leaving_and_keeps_the_call_as_a_draft(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        await type_into(pilot, "given_name", "Ethel")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")  # "stay"
        await settle(pilot)
        assert isinstance(app.screen, TriageScreen)
        await pilot.press("escape", "k")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    [draft] = sqlite_desk.open_drafts()
    assert draft.payload["given_name"] == "Ethel"


@pytest.mark.parametrize("typed", ["[bold red]X[/]", "[link=http://x]y[/link]"])
async def test_markup_typed_into_the_call_is_shown_literally(
    sqlite_desk: DeskService, typed: str
) -> None:
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        await take_call(pilot, {**ETHEL, "given_name": typed, "gp_practice": typed})
        await pilot.press("ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ConfirmCallModal)
        shown = modal.query_one("#confirm-summary", Static)
        text = "\n".join(line.text for line in shown.render_lines(shown.region.reset_offset))
        lines = {line.split("  ", 1)[0]: line for line in text.splitlines() if line.strip()}
        assert f"EXAMPLE, {typed}" in lines["Patient"], text
        assert lines["GP practice"].split("  ", 1)[1].strip() == typed, text


async def test_a_save_meeting_a_locked_database_is_kept_retried_and_recorded_once(
    sqlite_desk: DeskService,
) -> None:
    """Another process holds the database's write lock past the busy timeout: the handler is
    told the call is kept and being retried, everything typed stays, and once the lock goes the
    desk records it by itself, once (tests/app/test_faults_in_words.py has every other fault)."""
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        triage = await start_call(pilot)
        await take_call(pilot, ETHEL)
        blocker = sqlite3.connect(sqlite_desk.engine.url.database, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            await pilot.press("ctrl+s")
            await settle(pilot)
            await pilot.press("enter")
            deadline = time.monotonic() + 60
            while not any(BUSY_WORDS in str(note.message) for note in app._notifications):
                assert time.monotonic() < deadline, "never said the database was busy"
                await pilot.pause(0.05)
            assert app.screen is triage
            assert triage.query_one("#family_name", Input).value == "Example"
            assert triage.form.needs == ["dehydration", "personal_care"]
            assert blocker.execute("SELECT count(*) FROM referral").fetchone() == (0,)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        await settle(pilot)  # the retry, now the lock has gone
        modal = app.screen
        assert isinstance(modal, ReferenceModal), type(modal).__name__
        assert not any("NOT RECORDED" in str(note.message) for note in app._notifications)
        await pilot.press("enter")
        await settle(pilot)
    with Session(sqlite_desk.engine) as session:
        [row] = session.exec(select(Referral)).all()
    assert row.reference == modal.reference and row.status == "recorded"


async def test_at_23_00_on_the_rota_regs_therapist_led_call_falls_back_to_the_night_nurse(
    sqlite_demo_desk: DeskService,
) -> None:
    """Only the night team's nurses are on at 23:00: Rapid stays Rapid, the lead moves to a
    nurse, and the panel and the record both say why and name the therapist follow-up
    (DESIGN.md, the matrix rule 4; hazard H005)."""
    night = DeskService(
        sqlite_demo_desk.engine,
        clock=lambda: datetime(2026, 11, 23, 23, 0, tzinfo=UTC),
        rules=sqlite_demo_desk.rules,
    )
    app = build_app(night, user="night1")
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        await take_call(pilot, REG)
        call = screen(pilot)
        assert not call.availability.can(Response.RAPID, Lead.THERAPIST)
        assert call.recommendation is not None
        assert call.recommendation.fallback_from is Lead.THERAPIST
        outcome = str(call.query_one("#panel-outcome", Static).render())
        reasons = str(call.query_one("#panel-reasons", Static).render())
        assert outcome.startswith("Rapid / Nurse")
        assert "No Therapist can be mobilised" in reasons
        assert "arrange a Therapist follow-up" in reasons
        reference = await record(pilot)
    row, _, _ = stored(night, reference)
    assert (row.response, row.lead, row.rec_lead, row.rec_fallback_from) == (
        "rapid",
        "nurse",
        "nurse",
        "therapist",
    )
    assert any("Therapist follow-up" in reason for reason in row.rec_reasons)
