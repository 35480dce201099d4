"""Hazard H014, the wrong locality from the postcode: the postcode only suggests a locality, the
handler confirms it, a postcode corrected later never changes the locality chosen behind the
handler's back (its own suggestion stays beside the postcode), and the read-back repeats the
locality beside the postcode for the caller to hear both."""

from __future__ import annotations

from call_script import ETHEL, screen, settle, start_call, take_call, type_into
from textual.widgets import Input, Static

from db.desk import DeskService
from screens.confirm_call_modal import ConfirmCallModal
from screens.widgets.choice import Choice
from spr_desk.entrypoints.bootstrap import build_app

SIZE = (120, 40)


def hint(triage: object, name: str) -> str:
    return str(triage.query_one(f"#{name}-hint", Static).render())  # type: ignore[attr-defined]


async def test_a_postcode_corrected_after_the_locality_was_chosen_leaves_the_choice_and_says_so(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        await take_call(pilot, ETHEL)  # HP20 1AA, the Aylesbury locality chosen
        triage = screen(pilot)
        assert triage.form.locality == "Aylesbury"
        # The caller corrects the postcode: a Thame one.
        postcode = triage.query_one("#postcode", Input)
        postcode.value = ""
        await type_into(pilot, "postcode", "OX9 3AB")
        await settle(pilot)
        locality = triage.query_one("#locality", Choice)
        assert (locality.value, triage.form.locality) == ("Aylesbury", "Aylesbury")  # kept
        assert locality.suggestion == "Thame"
        assert "Suggests the Thame locality" in hint(triage, "postcode")
        await pilot.press("ctrl+s")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ConfirmCallModal)
        lines = dict(modal.lines)
    # Both read back: the caller hears a Thame postcode with the Aylesbury locality.
    assert lines["Locality"] == "Aylesbury"
    assert lines["Address"].endswith("OX9 3AB")


async def test_an_unknown_postcode_suggests_nothing_and_the_locality_must_still_be_chosen(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        await take_call(pilot, {**ETHEL, "postcode": "SW1A 1AA", "locality": "Aylesbury"})
        triage = screen(pilot)
        triage.set_focus(triage.query_one("#locality", Choice))
        await pilot.press("delete")  # the chosen locality taken off: the only way to empty it
        await settle(pilot)
        assert triage.form.locality == ""
        assert triage.query_one("#locality", Choice).suggestion == ""
        assert "Suggests" not in hint(triage, "postcode")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is triage  # not to the read-back: the locality is missing
        assert "Locality" in str(triage.query_one("#problems", Static).render())
        assert sqlite_desk.open_queue() == []
