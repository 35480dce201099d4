"""The 2-hour UCR condition, asked in the call when the response is Rapid (issue 19 point 3):
refused at its field without one, nothing typed lost; a Fast call is not asked."""

from __future__ import annotations

from call_script import ETHEL, fill, record, screen, settle, start_call, typed
from sqlmodel import Session, select
from textual.widgets import Input, Static

from db.desk import DeskService
from db.models import Referral
from screens.confirm_call_modal import ConfirmCallModal
from screens.triage_form import UCR_ASKED, UCR_NOT_ASKED
from screens.widgets.choice import Choice
from spr_desk.call_form import UCR_CONDITION_NEEDED, UCR_REASON_NEEDED, CallForm
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.vocabulary import Response

SIZE = (120, 40)


def stored(desk: DeskService, reference: str) -> Referral:
    with Session(desk.engine) as session:
        return session.exec(select(Referral).where(Referral.reference == reference)).one()


def message_at(pilot: object, name: str) -> str:
    line = screen(pilot).query_one(f"#{name}-error", Static)  # type: ignore[arg-type]
    return str(line.render()) if line.has_class("-shown") else ""


async def test_a_rapid_call_is_refused_at_the_ucr_field_until_not_ucr_has_its_reason(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="handler1")
    async with app.run_test(size=SIZE) as pilot:
        triage = await start_call(pilot)
        # everything but the UCR question (its keys are the test's)
        fill(pilot, {name: value for name, value in ETHEL.items() if name != "ucr_condition"})
        await settle(pilot)
        assert triage.recommendation is not None
        assert triage.recommendation.response is Response.RAPID
        choice = triage.query_one("#ucr_condition", Choice)
        assert choice.prompt == UCR_ASKED  # asked: the response is Rapid

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmCallModal)  # not recorded
        assert message_at(pilot, "ucr_condition") == f"✗ {UCR_CONDITION_NEEDED}"
        assert app.focused is choice  # at the field
        assert triage.form.given_name == "Ethel" and triage.form.postcode == "hp20 1aa"

        # "n" finds "not UCR"; enter chooses it and moves on into its reason, shown at once
        await pilot.press("n", "enter")
        await settle(pilot)
        assert triage.form.ucr_condition == "not_ucr"
        assert app.focused is not None and app.focused.id == "ucr_not_reason"
        assert message_at(pilot, "ucr_condition") == ""

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmCallModal)
        assert message_at(pilot, "ucr_not_reason") == f"✗ {UCR_REASON_NEEDED}"
        assert isinstance(app.focused, Input) and app.focused.id == "ucr_not_reason"

        await pilot.press(*typed("Needs a carer tonight"))
        await settle(pilot)
        triage._saver.flush()
        (draft,) = sqlite_desk.open_drafts()
        kept = CallForm.from_dict(draft.payload)  # a crash now loses nothing
        assert (kept.ucr_condition, kept.given_name) == ("not_ucr", "Ethel")
        reference = await record(pilot)
    row = stored(sqlite_desk, reference)
    assert (row.response, row.ucr_condition) == ("rapid", "not_ucr")
    assert row.ucr_not_reason == "Needs a carer tonight"
    assert sqlite_desk.detail(reference).ucr_condition == "not_ucr"


async def test_a_fast_call_is_not_asked_and_stores_no_condition(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="handler1")
    async with app.run_test(size=SIZE) as pilot:
        triage = await start_call(pilot)
        fill(pilot, {**ETHEL, "urgency": ["deteriorating"]})
        await settle(pilot)
        assert triage.recommendation is not None
        assert triage.recommendation.response is Response.FAST
        choice = triage.query_one("#ucr_condition", Choice)
        assert choice.prompt == UCR_NOT_ASKED  # in its place, saying it is not asked
        triage.set_focus(triage.query_one("#locality"))
        await pilot.press("tab")
        assert app.focused is choice  # Tab order is the same on every call
        await pilot.press("f", "enter")  # chosen anyway: kept on the form, not recorded
        await settle(pilot)
        assert triage.form.ucr_condition == "fall"
        reference = await record(pilot)
    row = stored(sqlite_desk, reference)
    assert (row.response, row.ucr_condition, row.ucr_not_reason) == ("fast", None, None)
