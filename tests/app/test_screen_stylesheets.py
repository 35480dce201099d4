"""A screen's own stylesheet is added to the app's as it first opens, without parsing the whole
stylesheet again (`SprDeskApp._load_screen_css`), and its rules apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from call_script import settle
from test_help import SCREENS
from textual.css.stylesheet import Stylesheet
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from db.desk import DeskService
from spr_desk.entrypoints.bootstrap import build_app

OPENED_WITH_A_STYLESHEET = [
    name for name in SCREENS if name not in {"QueueScreen", "LockScreen", "ExportModal"}
]
"""The screens of `test_help.SCREENS` opened after the queue, each with a .tcss of its own."""


@pytest.fixture
def reparses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each whole-stylesheet parse from here on, by the screen in front then (the real parse
    runs: this only counts)."""
    seen: list[str] = []
    real = Stylesheet.reparse

    def counted(self: Stylesheet) -> None:
        seen.append("reparse")
        real(self)

    monkeypatch.setattr(Stylesheet, "reparse", counted)
    return seen


def own_paths(screen: Screen[Any]) -> list[Path]:
    paths = list(screen.css_path)
    assert paths, f"{type(screen).__name__} has a stylesheet of its own"
    return paths


def mapped_rules(pilot: Pilot[Any]) -> tuple[set[int], set[int]]:
    """The rules parsed, and those the style pass finds by selector (a stale map misses new
    ones)."""
    stylesheet = pilot.app.stylesheet
    parsed = {id(rule) for rule in stylesheet.rules if rule.selector_names}
    mapped = {id(rule) for rules in stylesheet.rules_map.values() for rule in rules}
    return parsed, mapped


@pytest.mark.parametrize("name", OPENED_WITH_A_STYLESHEET)
async def test_a_screen_opens_without_parsing_the_whole_stylesheet_again(
    sqlite_demo_desk: DeskService, name: str, reparses: list[str]
) -> None:
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)  # the next call is built after sign-in: its styles are in
        await settle(pilot)
        before = len(reparses)
        await SCREENS[name](pilot)
        assert type(app.screen).__name__ == name
        assert len(reparses) == before
        for path in own_paths(app.screen):
            assert app.stylesheet.has_source(str(path)), path.name
        parsed, mapped = mapped_rules(pilot)
        assert parsed == mapped


async def test_the_audit_trail_is_laid_out_by_its_own_stylesheet(
    sqlite_demo_desk: DeskService,
) -> None:
    """`audit.tcss` puts the three filters on one line, side by side."""
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await SCREENS["AuditScreen"](pilot)
        filters = app.screen.query_one("#audit-filters")
        inputs = list(filters.query(Input))
        assert filters.outer_size.height == 1
        assert len({field.region.y for field in inputs}) == 1
        assert len({field.region.x for field in inputs}) == len(inputs) > 1
