"""Hazard H009, a referral recorded against the wrong patient: the NHS number look-up names the
patient it found (name, date of birth, earlier referrals) before anything is filled, never
replaces what the handler typed, follows the number as it changes, and the read-back repeats who
the patient is for the caller to confirm."""

from __future__ import annotations

from call_script import ETHEL, screen, settle, start_call, take_call, type_into
from textual.widgets import Input, Static

from db.desk import DeskService
from screens.confirm_call_modal import ConfirmCallModal
from spr_desk.call_form import CallForm, referral_from
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.uktime import as_local

SIZE = (120, 40)
REGS_NUMBER = "4010232137"
"""A valid number no patient on record holds."""


def record_ethel(desk: DeskService) -> str:
    form = CallForm.from_dict({**ETHEL, "red_flags_cleared": True})
    call = referral_from(form, desk.now(), as_local(desk.now()).date())
    return desk.record_referral(call, by="handler1").reference


def banner(triage: object) -> str:
    return str(triage.query_one("#patient-known", Static).render())  # type: ignore[attr-defined]


async def test_a_number_on_record_names_its_patient_and_never_replaces_what_was_typed(
    sqlite_desk: DeskService,
) -> None:
    earlier = record_ethel(sqlite_desk)
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        triage = await start_call(pilot)
        # The caller gave another name: the number typed is Ethel's.
        await type_into(pilot, "given_name", "Doris")
        await type_into(pilot, "family_name", "Smith")
        await type_into(pilot, "nhs_number", "9434765919")
        await settle(pilot)
        shown = banner(triage)
        # Who the number belongs to, to hear against what the caller says ...
        assert "Known patient: EXAMPLE, Ethel, born 01/05/1945; 1 earlier referral(s)." in shown
        assert earlier in shown and "OPEN REFERRAL" in shown
        # ... and nothing typed is replaced by the record: enter fills the empty fields only.
        await pilot.press("enter")
        await settle(pilot)
        assert triage.query_one("#given_name", Input).value == "Doris"
        assert triage.query_one("#family_name", Input).value == "Smith"
        # The number corrected to one nobody holds: the banner follows the number typed now.
        number = triage.query_one("#nhs_number", Input)
        number.value = ""
        await settle(pilot)
        assert "Known patient" not in banner(triage)
        await type_into(pilot, "nhs_number", REGS_NUMBER)
        await settle(pilot)
        assert banner(triage) == "New patient: not known to the desk."
        assert screen(pilot).history is None


async def test_the_read_back_repeats_who_the_patient_is_before_anything_is_recorded(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        await take_call(pilot, ETHEL)
        await pilot.press("ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ConfirmCallModal)
        lines = dict(modal.lines)
        shown = modal.query_one("#confirm-summary", Static)
        text = "\n".join(line.text for line in shown.render_lines(shown.region.reset_offset))
    assert lines["Patient"] == "EXAMPLE, Ethel"
    assert lines["NHS number"] == "943 476 5919"
    assert lines["Date of birth"].startswith("01/05/1945 (age ")
    assert lines["Address"] == "12 Orchard Close, Aylesbury, HP20 1AA"
    assert lines["GP practice"] == "Meadowbank Surgery"
    for words in ("EXAMPLE, Ethel", "943 476 5919", "01/05/1945", "12 Orchard Close"):
        assert words in text, text  # on screen, to read out
    assert sqlite_desk.open_queue() == []  # nothing recorded until the caller has heard it
