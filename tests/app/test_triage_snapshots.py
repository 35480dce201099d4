"""Pictures of each step of a call at 80x24 and 120x40, on a frozen clock and a fresh database.

Review `snapshot_report.html` before accepting a change with `--snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from call_script import ETHEL, choose, fill, settle, tick, type_into
from textual.pilot import Pilot

from db.desk import DeskService
from spr_desk.entrypoints.bootstrap import build_app

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


def steps(*actions: Callable[[Pilot[Any]], Awaitable[None]]) -> Callable[[Pilot[Any]], Any]:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        for action in actions:
            await action(pilot)
            await settle(pilot)

    return run


async def filled(pilot: Pilot[Any]) -> None:
    fill(pilot, ETHEL)


async def half_filled(pilot: Pilot[Any]) -> None:
    fill(pilot, {k: v for k, v in ETHEL.items() if k not in ("date_of_birth", "postcode")})


def press(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        await pilot.press(*keys)

    return run


async def chest_pain(pilot: Pilot[Any]) -> None:
    await tick(pilot, "red_flags", "chest_pain")


async def crew(pilot: Pilot[Any]) -> None:
    await type_into(pilot, "referrer_name", "Crew 12")
    await choose(pilot, "referrer_role", "ambulance_crew")


async def role_list_open(pilot: Pilot[Any]) -> None:
    await type_into(pilot, "referrer_name", "Sister Jo Marsh")
    await pilot.press("tab", "w")


async def second_call(pilot: Pilot[Any]) -> None:
    await type_into(pilot, "given_name", "Doris")
    await type_into(pilot, "family_name", "Killtest")
    await pilot.press("ctrl+n")


STEPS: dict[str, Callable[[Pilot[Any]], Any]] = {
    "01-red-flags-first": steps(),
    "02-caller": steps(filled, press("f2")),
    "03-role-found-by-its-first-letter": steps(role_list_open),
    "04-crew-on-scene-asks-its-own-questions": steps(crew),
    "05-patient": steps(filled, press("f3")),
    "06-facts-and-recommendation": steps(filled, press("f4")),
    "07-override-needs-a-reason": steps(filled, press("f5", "down", "enter")),
    "08-every-problem-listed": steps(half_filled, press("ctrl+s")),
    "09-read-back": steps(filled, press("ctrl+s")),
    "10-reference-to-read-out": steps(filled, press("ctrl+s"), press("enter")),
    "11-red-flag-emergency": steps(chest_pain),
    "12-second-call-first-on-hold": steps(second_call),
    "13-leave-asks": steps(filled, press("escape")),
}


@SIZES
@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_of_a_call(
    snap_compare: Any, sqlite_desk: DeskService, size: tuple[int, int], step: str
) -> None:
    """Each step as the handler sees it: red flags first, caller, a role found by its first
    letter, a crew's own questions and clock, patient, facts with the live matrix, an override
    waiting for its reason, every problem listed, the read-back, the reference, the 999
    advice, a second call with the first on hold, and leaving."""
    app = build_app(sqlite_desk, user="handler1")
    assert snap_compare(app, terminal_size=size, run_before=STEPS[step])
