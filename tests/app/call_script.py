"""Drive the triage screen as a handler would: focus a field, type, tick, choose."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from screens.confirm_call_modal import ConfirmCallModal
from screens.queue import QueueScreen
from screens.reference_modal import ReferenceModal
from screens.triage import TriageScreen
from screens.triage_form import EXTRAS, urgency_lines
from screens.widgets.choice import Choice
from screens.widgets.ticks import TickList
from spr_desk.rules import default_rules
from spr_desk.sample_calls import ETHEL, REG  # noqa: F401 - the scripts the tests take


async def settle(pilot: Pilot[Any]) -> None:
    """Let the screen settle: pending messages, then every worker (database reads and
    writes run in threads), then the repaint they cause."""
    await pilot.pause()
    # A worker's result may start another (a write, then the read that shows it), and a dialog's
    # answer reaches the screen under it as a message: wait until no worker runs and no message
    # waits anywhere on screen, not only for what ran when the wait began (a loaded machine
    # shows the difference).
    for _ in range(50):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not _busy(pilot.app):
            break


async def until(
    pilot: Pilot[Any], done: Callable[[], bool], what: str, seconds: float = 30
) -> None:
    """Settle until `done()` holds, as a handler waits to see what a key did before the next:
    on a loaded machine a write's reload can come after the workers `settle` saw finish."""
    end = time.monotonic() + seconds
    await settle(pilot)
    while not done():
        assert time.monotonic() < end, f"waited {seconds} s for {what}"
        await pilot.pause(0.05)
        await settle(pilot)


def _busy(app: Any) -> bool:
    if not all(worker.is_finished for worker in app.workers):
        return True
    pumps = [app, *app.screen_stack, *app.screen.walk_children()]
    return any(not pump._message_queue.empty() for pump in pumps)


def screen(pilot: Pilot[Any]) -> TriageScreen:
    current = pilot.app.screen
    assert isinstance(current, TriageScreen), type(current).__name__
    return current


async def start_call(pilot: Pilot[Any]) -> TriageScreen:
    """ctrl+n from a settled queue: the call on screen, its widgets settled."""
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    return screen(pilot)


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


def key_event(key: str) -> events.Key:
    character = {"space": " ", "tab": "\t", "enter": "\r"}.get(key, key if len(key) == 1 else None)
    return events.Key(key, character)


def post(app: Any, *keys: str) -> None:
    """Keys as a terminal delivers them: all at once, before the app has handled any."""
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        app.post_message(event)


def typed(text: str) -> list[str]:
    return [{" ": "space"}.get(character, character) for character in text]


async def keys_handled(pilot: Pilot[Any], seconds: float = 30) -> None:
    """Until every key posted has been handled, then the screen settles and the draft is saved."""
    app = pilot.app
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        await pilot.pause(0.02)
        if app._exception is not None:
            raise app._exception
        if not any(isinstance(m, events.Key) for m in app._message_queue.values):
            break
    await settle(pilot)
    if isinstance(app.screen, TriageScreen):
        app.screen._saver.flush()


def choice_keys(options: list[str], value: str) -> list[str]:
    """Open the list (down: enter would take a suggested locality), arrow from the top to
    `value`, enter (which chooses and moves on)."""
    return ["down", "home", *(["down"] * options.index(value)), "enter"]


def tick_keys(options: list[str], values: list[str]) -> list[str]:
    keys: list[str] = []
    for value in values:
        keys += ["home", *(["down"] * options.index(value)), "space"]
    return keys


PATIENT_TEXT = ("given_name", "family_name", "date_of_birth", "address", "postcode", "gp_practice")


def call_keys(call_screen: TriageScreen, call: dict[str, Any]) -> list[str]:
    """The keys a handler presses for `call`, field after field in the form's Tab order, from
    the red-flag questions: what `take_call` sends as one burst."""
    from spr_desk.caller_questions import caller_questions

    def options(name: str) -> list[str]:
        control = call_screen.query_one(f"#{name}")
        assert isinstance(control, Choice | TickList)
        return [value for _, value in control.options]

    def text(name: str) -> list[str]:
        return [*typed(call.get(name, "")), "tab"]

    asked = caller_questions().for_role(call["referrer_role"]).questions
    keys = ["n", *text("referrer_name")]
    keys += choice_keys(options("referrer_role"), call["referrer_role"])
    keys += text("referrer_organisation") + text("referrer_phone")
    keys += ["tab"] * len(asked)
    keys += text("nhs_number") + ["tab"]  # past "NHS number checked"
    for name in PATIENT_TEXT:
        keys += text(name)
    keys += choice_keys(options("lives_alone"), call["lives_alone"])
    keys += text("access_notes") + text("next_of_kin")
    keys += choice_keys(options("pathway"), call["pathway"])
    keys += choice_keys(options("setting"), call["setting"])
    keys += tick_keys(options("needs"), call["needs"]) + ["tab"]
    # The urgency list's order follows the caller (a crew's first), as the form will show it.
    first = caller_questions().for_role(call["referrer_role"]).urgency_first
    urgency = [
        line[1] for line in urgency_lines(default_rules(), first) if not isinstance(line, str)
    ]
    keys += tick_keys(urgency, call["urgency"]) + ["tab"]
    keys += ["tab"]  # past the primary need
    keys += tick_keys(options("extras"), [name for name in EXTRAS if call.get(name)]) + ["tab"]
    keys += tick_keys(options("records_reviewed"), call["records_reviewed"]) + ["tab"]
    keys += choice_keys(options("locality"), call["locality"])
    if "ucr_condition" in call:  # asked on a Rapid response; the field is there on every call
        keys += choice_keys(options("ucr_condition"), call["ucr_condition"])
    return keys


async def take_call(pilot: Pilot[Any], call: dict[str, Any]) -> None:
    """Everything up to recording, in the order of the conversation: the handler's keys, from
    the red-flag questions on, sent in one burst (the desk takes them in order, each in the
    field that has the focus); then every field is checked to hold what was meant for it."""
    call_screen = screen(pilot)
    call_screen.set_focus(call_screen.query_one("#red_flags"))
    await pilot.pause()
    post(pilot.app, *call_keys(call_screen, call))
    await keys_handled(pilot)
    form = screen(pilot).form
    for name, value in call.items():
        if name in EXTRAS:
            assert getattr(form, name) is bool(value), name
        elif isinstance(value, list):  # a tick list keeps its own order
            assert sorted(getattr(form, name)) == sorted(value), name
        elif hasattr(form, name):
            assert getattr(form, name) == value, (name, getattr(form, name), value)
    assert form.red_flags_cleared


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


async def record(pilot: Pilot[Any]) -> str:
    """Record from the call: ctrl+s, confirm the read-back, note the reference, back to the
    queue."""
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmCallModal), type(pilot.app.screen).__name__
    await pilot.press("enter")
    await settle(pilot)
    modal = pilot.app.screen
    assert isinstance(modal, ReferenceModal), type(modal).__name__
    reference = modal.reference
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, QueueScreen)
    return reference
