"""Pictures of each step of a call at 80x24 and 120x40, on a frozen clock and a fresh database.

Review `snapshot_report.html` before accepting a change with `--snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from call_script import ETHEL, fill, settle, tick
from textual.pilot import Pilot

from db.desk import DeskService
from spr_desk.app import SprDeskApp

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


def press(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        await pilot.press(*keys)

    return run


async def chest_pain(pilot: Pilot[Any]) -> None:
    await tick(pilot, "red_flags", "chest_pain")


STEPS: dict[str, Callable[[Pilot[Any]], Any]] = {
    "1-red-flags-first": steps(),
    "2-caller": steps(filled, press("f2")),
    "3-patient": steps(filled, press("f3")),
    "4-facts-and-recommendation": steps(filled, press("f4")),
    "5-override-needs-a-reason": steps(filled, press("f5", "down", "enter")),
    "6-read-back": steps(filled, press("ctrl+s")),
    "7-reference-to-read-out": steps(filled, press("ctrl+s", "enter")),
    "8-red-flag-emergency": steps(chest_pain),
}


@SIZES
@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_of_a_call(
    snap_compare: Any, sqlite_desk: DeskService, size: tuple[int, int], step: str
) -> None:
    """Each step as the handler sees it: red flags first, caller, patient, facts with the live
    matrix, an override waiting for its reason, the read-back, the reference, the 999 advice."""
    app = SprDeskApp(sqlite_desk, user="handler1")
    assert snap_compare(app, terminal_size=size, run_before=STEPS[step])
