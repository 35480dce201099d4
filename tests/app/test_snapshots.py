"""Pictures of the main screens at the sizes handlers use, on frozen demo data and a frozen clock.

Review `snapshot_report.html` before accepting a change with `--snapshot-update`.
"""

from __future__ import annotations

import pytest
from call_script import settle
from textual.pilot import Pilot

from db.desk import DeskService
from spr_desk.entrypoints.bootstrap import build_app

queue_loaded = settle


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_queue_shows_open_referrals_most_urgent_first(
    snap_compare, sqlite_demo_desk: DeskService, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    """The home screen: the countdown, its state in words, reference, patient and cell."""
    assert snap_compare(
        build_app(sqlite_demo_desk, user="desk1"), terminal_size=size, run_before=queue_loaded
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_referral_view_shows_everything_about_one_referral(
    snap_compare, sqlite_demo_desk: DeskService, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    """The referral under the cursor, opened with enter: state, due, cell, people, history."""

    async def opened(pilot: Pilot[None]) -> None:
        await queue_loaded(pilot)
        await pilot.press("enter")
        await queue_loaded(pilot)

    assert snap_compare(
        build_app(sqlite_demo_desk, user="desk1"), terminal_size=size, run_before=opened
    )
