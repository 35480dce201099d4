"""Every screen and dialog of the desk, walked on the demo database at 80x24 and 120x40: no key
hint, heading, label, placeholder, cell or option is cut off (see `cut_off` for what counts).

Screens are reached by their actions (`run_action`), not their keys, so a key moved to another
letter does not stop the walk; each screen or dialog is its own test.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest
from call_script import ETHEL, fill, settle, type_into
from cut_off import cut_off
from tests_support import context_of
from textual.pilot import Pilot
from textual.screen import ModalScreen, Screen

from db.desk import DeskService
from screens.handover import HandoverScreen
from screens.leave_call_modal import LeaveCallModal
from screens.nhs_number_modal import NhsNumberModal
from screens.referral import ReferralScreen
from spr_desk.entrypoints.app import SprDeskApp
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.roles import Role
from spr_desk.sign_in import SignedIn
from spr_desk.vocabulary import Status

Step = Callable[[Pilot[Any], DeskService], Awaitable[None]]
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
WIDE = {"queue", "referral", "who-is-on", "rota", "handover-built", "supervisor", "audit"}
"""Walked at 120x40 as well: the main screens (every dialog is walked at 80x24, where it is
tightest; the snapshots hold the main screens at both sizes). The whole walk at both sizes took
CI's two cores several minutes more."""


async def settled(pilot: Pilot[Any]) -> None:
    # Twice: a screen's first read in a worker often starts a second (its table, its header).
    await settle(pilot)
    await settle(pilot)


async def act(pilot: Pilot[Any], action: str) -> Screen[Any]:
    """Run the action of the screen on show, as its key would, and wait for what it opens."""
    await pilot.app.screen.run_action(action)
    await settled(pilot)
    return pilot.app.screen


async def dialog(pilot: Pilot[Any], action: str) -> None:
    before = pilot.app.screen
    shown = await act(pilot, action)
    assert shown is not before and isinstance(shown, ModalScreen), (
        f"{action} opened no dialog: {type(shown).__name__}"
    )


# the walk ------------------------------------------------------------------------------------


async def queue(pilot: Pilot[Any], desk: DeskService) -> None:
    await settled(pilot)


def call_section(key: str) -> Step:
    async def step(pilot: Pilot[Any], desk: DeskService) -> None:
        await act(pilot, "app.call")
        await pilot.press(key)
        await settled(pilot)

    return step


async def read_back(pilot: Pilot[Any], desk: DeskService) -> None:
    await act(pilot, "app.call")
    fill(pilot, ETHEL)
    await settled(pilot)
    await pilot.press("ctrl+s")
    await settled(pilot)
    assert isinstance(pilot.app.screen, ModalScreen), type(pilot.app.screen).__name__


def leave_call(*keys: str) -> Step:
    """A call with a name typed, left with esc: the dialog that asks, after `keys`."""

    async def step(pilot: Pilot[Any], desk: DeskService) -> None:
        await act(pilot, "app.call")
        await type_into(pilot, "referrer_name", "Ann Harper")
        await pilot.press("escape", *keys)
        await settled(pilot)
        assert isinstance(pilot.app.screen, LeaveCallModal), type(pilot.app.screen).__name__

    return step


def referral_at(*statuses: Status) -> Step:
    """The first referral on the demo queue at one of `statuses`, opened."""

    async def step(pilot: Pilot[Any], desk: DeskService) -> None:
        await settled(pilot)
        for row in desk.open_queue():
            if row.status not in statuses:
                continue
            pilot.app.push_screen(ReferralScreen(context_of(pilot.app, "desk1"), row.reference))
            await settled(pilot)
            return
        pytest.fail(f"no demo referral at {statuses}")

    return step


def referral_dialog(action: str, *statuses: Status) -> Step:
    opened = referral_at(*statuses)

    async def step(pilot: Pilot[Any], desk: DeskService) -> None:
        await opened(pilot, desk)
        await dialog(pilot, action)

    return step


async def nhs_number(pilot: Pilot[Any], desk: DeskService) -> None:
    """The NHS number dialog over a referral (every demo patient has a number, so the
    referral's own key would refuse), with a refusal shown as the desk shows one."""
    await referral_at(Status.RECORDED)(pilot, desk)
    reference = desk.open_queue()[0].reference
    pilot.app.push_screen(
        NhsNumberModal(reference, value="123", error="Not a valid NHS number: check it")
    )
    await settled(pilot)


def then(*actions: str, modal_last: bool = False) -> Step:
    """From the queue, run `actions` in turn (each on the screen it opened)."""

    async def step(pilot: Pilot[Any], desk: DeskService) -> None:
        await settled(pilot)
        for action in actions[:-1] if modal_last else actions:
            await act(pilot, action)
        if modal_last:
            await dialog(pilot, actions[-1])

    return step


async def sbar(pilot: Pilot[Any], desk: DeskService) -> None:
    await then("handover", "build")(pilot, desk)
    await dialog(pilot, "edit")


async def acknowledge(pilot: Pilot[Any], desk: DeskService) -> None:
    """Built by the day handler, taken by night staff (the builder may not take their own)."""
    await then("handover", "build")(pilot, desk)
    app = pilot.app
    assert isinstance(app, SprDeskApp)
    night = SignedIn("night1", "Night One", Role.NIGHT_STAFF)
    app.signed_in = night
    handover = app.screen
    assert isinstance(handover, HandoverScreen)
    handover.ctx = replace(handover.ctx, user=night)  # it was handed the day handler's
    await dialog(pilot, "acknowledge")


async def help_on_queue(pilot: Pilot[Any], desk: DeskService) -> None:
    await settled(pilot)
    await pilot.press("f1")
    await settled(pilot)


async def too_small(pilot: Pilot[Any], desk: DeskService) -> None:
    await settled(pilot)
    await pilot.resize_terminal(60, 20)
    await settled(pilot)


async def sign_in(pilot: Pilot[Any], desk: DeskService) -> None:
    await settled(pilot)


WALK: dict[str, tuple[str | None, Step]] = {
    "sign-in": (None, sign_in),
    "queue": ("desk1", queue),
    "help": ("desk1", help_on_queue),
    "too-small": ("desk1", too_small),
    **{
        f"call-{name}": ("desk1", call_section(key))
        for name, key in (
            ("caller", "f2"),
            ("patient", "f3"),
            ("facts", "f4"),
            ("decide", "f5"),
            ("flags", "f6"),
            ("notes", "f7"),
        )
    },
    "call-read-back": ("desk1", read_back),
    "call-leave": ("desk1", leave_call()),
    "call-leave-discard": ("desk1", leave_call("d")),
    "referral": ("desk1", referral_at(Status.RECORDED)),
    "referral-allocate": ("desk1", referral_dialog("allocate", Status.RECORDED)),
    "referral-respond": ("desk1", referral_dialog("respond", Status.ALLOCATED)),
    "referral-start-service": ("desk1", referral_dialog("start_service", Status.RESPONDED)),
    "referral-close": ("desk1", referral_dialog("close", Status.IN_SERVICE)),
    "referral-cancel": ("desk1", referral_dialog("cancel", Status.RECORDED)),
    "referral-nhs-number": ("desk1", nhs_number),
    "who-is-on": ("desk1", then("who_is_on")),
    "rota": ("desk1", then("who_is_on", "rota")),
    "rota-add-shift": ("desk1", then("who_is_on", "rota", "add", modal_last=True)),
    "rota-import": ("desk1", then("who_is_on", "rota", "import_file", modal_last=True)),
    "handover": ("desk1", then("handover")),
    "handover-built": ("desk1", then("handover", "build")),
    "handover-sbar": ("desk1", sbar),
    "handover-acknowledge": ("desk1", acknowledge),
    "handover-packs": ("desk1", then("handover", "build", "packs")),
    "supervisor": ("sup1", then("supervisor")),
    "supervisor-flag": ("sup1", then("supervisor", "flag", modal_last=True)),
    "supervisor-export": ("sup1", then("supervisor", "export", modal_last=True)),
    "audit": ("sup1", then("supervisor", "audit")),
}

OTHERS: dict[str, str] = {}
"""Test ids of screens owned by others that still cut something: id -> the reason."""


def cases() -> list[Any]:
    found = []
    for size_id, size in SIZES.items():
        for name, (user, step) in WALK.items():
            if size_id != "80x24" and name not in WIDE:
                continue
            marks = []
            reason = OTHERS.get(f"{name}-{size_id}") or OTHERS.get(name)
            if reason:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            found.append(pytest.param(size, user, step, id=f"{name}-{size_id}", marks=marks))
    return found


@pytest.mark.parametrize(("size", "user", "step"), cases())
async def test_nothing_is_cut_off(
    sqlite_demo_desk: DeskService, size: tuple[int, int], user: str | None, step: Step
) -> None:
    app = build_app(sqlite_demo_desk, user=user)
    async with app.run_test(size=size) as pilot:
        await step(pilot, sqlite_demo_desk)
        problems = cut_off(app)
        assert not problems, f"{type(app.screen).__name__}:\n" + "\n".join(problems)


# the rules that make things fit -------------------------------------------------------------


def test_columns_wrap_where_fewest_rows_wrap_and_never_below_their_longest_word() -> None:
    from screens.widgets.tables import Fit, fitted_widths

    name = Fit(15, 7, cells=(11, 15, 12))
    team = Fit(36, 10, cells=(13, 15, 36, 21))
    fixed = Fit(10, 10)
    # 10 + 15 + 36 and a gap of 2 each is 67: 7 cells to give, all from the team's long rows.
    assert fitted_widths([fixed, name, team], 60, gap=2) == [10, 15, 29]
    # 29 cells for the two: the team's 21 and 36 wrap first, then one row each.
    assert fitted_widths([fixed, name, team], 45, gap=2) == [10, 14, 15]
    assert fitted_widths([fixed, name, team], 10, gap=2) == [10, 7, 10]


def test_a_column_that_cannot_fit_is_dropped_by_its_priority_never_cut() -> None:
    from screens.widgets.tables import Fit, fitted_widths

    columns = [Fit(10, 10), Fit(8, 8, drop=1), Fit(6, 6, drop=2), Fit(5, 5)]
    assert fitted_widths(columns, 30, gap=1) == [10, 8, None, 5]
    assert fitted_widths(columns, 20, gap=1) == [10, None, None, 5]


def test_the_footer_keeps_help_and_drops_keys_from_the_end_palette_first() -> None:
    from screens.widgets.desk_footer import keys_that_fit

    keys = [("add", 10), ("back", 9), ("app.call", 13), ("app.help", 9), ("command_palette", 12)]
    assert keys_that_fit(keys, 80) == {0, 1, 2, 3, 4}
    assert keys_that_fit(keys, 42) == {0, 1, 2, 3}
    assert keys_that_fit(keys, 30) == {0, 1, 3}
    assert keys_that_fit(keys, 9) == {3}
