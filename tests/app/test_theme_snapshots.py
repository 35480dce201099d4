"""The main screens in the SPR themes and with NO_COLOR, at 80x24 on frozen demo data.

The colours themselves are checked by `test_theme_contrast.py`; these pictures show them in
place (and that NO_COLOR leaves words and symbols to say each state). Review
`snapshot_report.html` before accepting a change with `--snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from call_script import ETHEL, fill, settle
from test_supervisor_screen import open_supervisor
from textual.pilot import Pilot

from db.desk import DeskService
from screens.themes import THEME_NAMES, register_themes
from spr_desk.entrypoints.bootstrap import build_app

SIZE = (80, 24)


async def referral(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def call_recommended(pilot: Pilot[Any]) -> None:
    """A call filled in and its facts shown: the Rapid recommendation beside them."""
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    fill(pilot, ETHEL)
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)


async def supervisor(pilot: Pilot[Any]) -> None:
    # Pushed as `test_supervisor_view_snapshot` does: its pictures have been steady that way.
    await open_supervisor(pilot, pilot.app.desk)


SCREENS: dict[str, Callable[[Pilot[Any]], Awaitable[None]]] = {
    "queue": settle,
    "referral": referral,
    "call": call_recommended,
    "supervisor": supervisor,
}


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("theme", THEME_NAMES)
def test_main_screens_in_the_spr_themes(
    snap_compare, sqlite_demo_desk: DeskService, theme: str, screen: str
) -> None:  # type: ignore[no-untyped-def]
    app = build_app(sqlite_demo_desk, user="sup1")
    register_themes(app)
    app.theme = theme
    assert snap_compare(app, terminal_size=SIZE, run_before=SCREENS[screen])


@pytest.mark.parametrize("screen", SCREENS)
def test_with_no_color_states_read_in_words_and_symbols(
    snap_compare, sqlite_demo_desk: DeskService, monkeypatch: pytest.MonkeyPatch, screen: str
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NO_COLOR", "1")  # read when the app is made
    app = build_app(sqlite_demo_desk, user="sup1")
    assert app.no_color
    assert snap_compare(app, terminal_size=SIZE, run_before=SCREENS[screen])
