"""Drive the triage screen as a handler would: focus a field, type, tick, choose."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from screens.triage import TriageScreen
from screens.triage_form import EXTRAS
from screens.widgets.choice import Choice
from screens.widgets.ticks import TickList
from spr_desk.sample_calls import ETHEL, REG  # noqa: F401 - the scripts the tests take


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


async def focus(pilot: Pilot[Any], name: str) -> Any:
    control = pilot.app.screen.query_one(f"#{name}")
    pilot.app.screen.set_focus(control)
    await pilot.pause()
    return control


async def type_into(pilot: Pilot[Any], name: str, text: str, *, keys: bool = False) -> None:
    """Focus a field and enter text: key by key, or (the default, much faster under Pilot,
    which waits for idle after every key) as one terminal paste, as a handler pasting would."""
    field = await focus(pilot, name)
    assert isinstance(field, Input)
    if not text:
        return
    if keys:
        await pilot.press(*text)
    else:
        field.post_message(events.Paste(text))
        await pilot.pause()
    assert field.value.endswith(text)


async def choose(pilot: Pilot[Any], name: str, value: str) -> None:
    """Pick an option with the keyboard: open the list, arrow to it from the top, enter."""
    choice = await focus(pilot, name)
    assert isinstance(choice, Choice)
    index = [v for _, v in choice.options].index(value)
    await pilot.press("enter", "home", *(["down"] * index), "enter")
    await pilot.pause()
    assert choice.value == value


async def tick(pilot: Pilot[Any], list_id: str, value: str) -> None:
    """Tick one line of a tick list with the keyboard: arrow to it from the top, space."""
    ticks = await focus(pilot, list_id)
    assert isinstance(ticks, TickList)
    index = [v for _, v in ticks.options].index(value)
    await pilot.press("home", *(["down"] * index), "space")
    await pilot.pause()
    assert value in ticks.selected


async def check(pilot: Pilot[Any], name: str) -> None:
    """Tick a yes/no: "asked all seven", or one of the extras."""
    if name == "red_flags_cleared":
        await tick(pilot, "red_flags_cleared", "yes")
    else:
        assert name in EXTRAS, name
        await tick(pilot, "extras", name)


async def take_call(
    pilot: Pilot[Any], call: dict[str, Any], *, red_flags_cleared: bool = True
) -> None:
    """Everything up to recording, in the order of the conversation."""
    if red_flags_cleared:
        await check(pilot, "red_flags_cleared")
    await type_into(pilot, "referrer_name", call["referrer_name"])
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
        await tick(pilot, "needs", need)
    for factor in call["urgency"]:
        await tick(pilot, "urgency", factor)
    for extra in EXTRAS:
        if call.get(extra):
            await check(pilot, extra)
    for record in call["records_reviewed"]:
        await tick(pilot, "records_reviewed", record)
    await choose(pilot, "locality", call["locality"])
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def fill(pilot: Pilot[Any], call: dict[str, Any]) -> None:
    """Set every field at once through the widgets (their change events still run): for
    snapshots, where the keys that got there are not the point."""
    form_screen = screen(pilot)
    form_screen.query_one("#red_flags_cleared", TickList).set_selected(["yes"])
    extras = [name for name in EXTRAS if call.get(name)]
    form_screen.query_one("#extras", TickList).set_selected(extras)
    for name, value in call.items():
        matches = form_screen.query(f"#{name}")
        if not matches or name in EXTRAS:
            continue
        control = matches.first()
        if isinstance(control, TickList):
            control.set_selected(list(value))
        elif isinstance(control, Choice):
            control.choose(value)
        elif isinstance(control, Input):
            control.value = value
