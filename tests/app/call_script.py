"""Drive the triage screen as a handler would: focus a field, type, tick, choose."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, SelectionList

from screens.triage import TriageScreen
from spr_desk.sample_calls import ETHEL, REG  # noqa: F401 - the scripts the tests take

NEED_LIST_OF = {
    "dehydration": "needs_clinical",
    "medication": "needs_clinical",
    "reduced_mobility": "needs_function",
    "fall_no_injury": "needs_function",
    "personal_care": "needs_daily_living",
    "meals": "needs_daily_living",
}


async def settle(pilot: Pilot[Any]) -> None:
    """Let the screen settle: pending messages, then every worker (database reads and
    writes run in threads), then the repaint they cause."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen(pilot: Pilot[Any]) -> TriageScreen:
    current = pilot.app.screen
    assert isinstance(current, TriageScreen), type(current).__name__
    return current


async def type_into(pilot: Pilot[Any], name: str, text: str, *, keys: bool = False) -> None:
    """Focus a field and enter text: key by key, or (the default, much faster under Pilot,
    which waits for idle after every key) as one terminal paste, as a handler pasting would."""
    field = pilot.app.screen.query_one(f"#{name}", Input)
    field.focus()
    await pilot.pause()
    if not text:
        return
    if keys:
        await pilot.press(*text)
    else:
        field.post_message(events.Paste(text))
        await pilot.pause()
    assert field.value.endswith(text)


async def choose(pilot: Pilot[Any], name: str, value: str) -> None:
    """Pick a Select option with the keyboard: open it, type to find, enter."""
    select = pilot.app.screen.query_one(f"#{name}", Select)
    select.focus()
    await pilot.press("enter")
    options = [value for _, value in select._options if isinstance(value, str)]
    # The list opens on the current choice: go to the top (the blank prompt) first.
    await pilot.press("home", *(["down"] * (options.index(value) + 1)), "enter")
    await pilot.pause()
    assert select.value == value


async def tick(pilot: Pilot[Any], list_id: str, value: str) -> None:
    """Tick one option of a selection list with the keyboard: arrow to it, space."""
    selection = pilot.app.screen.query_one(f"#{list_id}", SelectionList)
    selection.focus()
    await pilot.pause()
    index = [option.value for option in selection._options].index(value)
    selection.highlighted = 0
    await pilot.press(*(["down"] * index), "space")
    await pilot.pause()
    assert value in selection.selected


async def check(pilot: Pilot[Any], name: str) -> None:
    box = pilot.app.screen.query_one(f"#{name}", Checkbox)
    box.focus()
    await pilot.press("space")
    await pilot.pause()
    assert box.value


async def take_call(
    pilot: Pilot[Any], call: dict[str, Any], *, red_flags_cleared: bool = True
) -> None:
    """Everything up to recording, in the order of the conversation."""
    if red_flags_cleared:
        await check(pilot, "red_flags_cleared")
    for name in ("referrer_name",):
        await type_into(pilot, name, call[name])
    await choose(pilot, "referrer_role", call["referrer_role"])
    for name in (
        "referrer_organisation",
        "referrer_phone",
        "nhs_number",
        "given_name",
        "family_name",
        "date_of_birth",
        "address",
        "postcode",
        "gp_practice",
    ):
        await type_into(pilot, name, call[name])
    await choose(pilot, "lives_alone", call["lives_alone"])
    await type_into(pilot, "access_notes", call["access_notes"])
    await type_into(pilot, "next_of_kin", call["next_of_kin"])
    await choose(pilot, "pathway", call["pathway"])
    await choose(pilot, "setting", call["setting"])
    for need in call["needs"]:
        await tick(pilot, NEED_LIST_OF[need], need)
    for factor in call["urgency"]:
        await tick(pilot, "urgency_hours" if factor in HOURS else "urgency_day", factor)
    if call.get("home_from_hospital"):
        await check(pilot, "home_from_hospital")
    for record in call["records_reviewed"]:
        await tick(pilot, "records_reviewed", record)
    await choose(pilot, "locality", call["locality"])
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def fill(pilot: Pilot[Any], call: dict[str, Any]) -> None:
    """Set every field at once through the widgets (their change events still run): for
    snapshots, where the keys that got there are not the point."""
    form_screen = screen(pilot)
    form_screen.query_one("#red_flags_cleared", Checkbox).value = True
    for name, value in call.items():
        matches = form_screen.query(f"#{name}")
        if isinstance(value, bool):
            form_screen.query_one(f"#{name}", Checkbox).value = value
        elif isinstance(value, list):
            for item in value:
                target = NEED_LIST_OF.get(item) if name == "needs" else None
                if name == "urgency":
                    target = "urgency_hours" if item in HOURS else "urgency_day"
                form_screen.query_one(f"#{target or name}", SelectionList).select(item)
        elif matches and isinstance(matches.first(), Select):
            form_screen.query_one(f"#{name}", Select).value = value
        elif matches:
            form_screen.query_one(f"#{name}", Input).value = value


HOURS = frozenset(
    {
        "admission_risk_within_hours",
        "unsafe_alone_tonight",
        "carer_breakdown_now",
        "crew_on_scene",
        "discharge_today",
    }
)
