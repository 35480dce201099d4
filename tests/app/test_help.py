"""F1 on every screen: help that names the screen and lists its own keys; esc and F1 close it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from call_script import settle
from textual.containers import VerticalScroll
from textual.pilot import Pilot

from db.desk import DeskService
from screens.help_screen import HelpScreen, own_bindings
from spr_desk.entrypoints.app import SprDeskApp
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.help_text import DIALOG_HELP, HELP, keys_named

Opener = Callable[[Pilot[Any]], Awaitable[None]]


def pressing(*keys: str) -> Opener:
    async def open_it(pilot: Pilot[Any]) -> None:
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
            await settle(pilot)

    return open_it


async def lock(pilot: Pilot[Any]) -> None:
    assert isinstance(pilot.app, SprDeskApp)
    pilot.app.lock()
    await settle(pilot)


SCREENS: dict[str, Opener] = {
    "QueueScreen": pressing(),
    "ReferralScreen": pressing("enter"),
    "SupervisorScreen": pressing("f7"),
    "AuditScreen": pressing("f7", "a"),
    "AvailabilityScreen": pressing("f4"),
    "RotaScreen": pressing("f4", "o"),
    "HandoverScreen": pressing("f6"),
    "LockScreen": lock,
    "ExportModal": pressing("f7", "e"),
}
"""How each screen is reached from the queue, signed in as an administrator."""


async def open_help(pilot: Pilot[Any]) -> HelpScreen:
    await pilot.press("f1")
    await settle(pilot)
    help_screen = pilot.app.screen
    assert isinstance(help_screen, HelpScreen)
    return help_screen


async def check_help_of(pilot: Pilot[Any], name: str) -> HelpScreen:
    """F1 over the screen named: its title, one of its own keys in the footer's name and its
    words, the keys everywhere; then esc closes it, and F1 opens and closes it again."""
    app = pilot.app
    about = app.screen
    assert type(about).__name__ == name
    help_screen = await open_help(pilot)
    assert help_screen.about is about
    title = HELP[name].title if name in HELP else DIALOG_HELP.title
    text = help_screen.plain_text()
    assert text.startswith(f"Help: {title}")
    own = own_bindings(about)
    assert own, f"{name} has keys of its own"
    assert any(
        f"{app.get_key_display(binding)}" in text and binding.description in text for binding in own
    )
    for everywhere in ("^n", "^o", "f1", "^q"):
        assert any(line.startswith(everywhere) for line in text.splitlines()), everywhere

    await pilot.press("escape")
    await settle(pilot)
    assert app.screen is about
    await open_help(pilot)
    await pilot.press("f1")
    await settle(pilot)
    assert app.screen is about
    return help_screen


@pytest.mark.parametrize("name", list(SCREENS))
async def test_f1_explains_the_screen_in_front(sqlite_demo_desk: DeskService, name: str) -> None:
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await SCREENS[name](pilot)
        await check_help_of(pilot, name)


async def test_f1_explains_signing_in(sqlite_desk: DeskService) -> None:
    app = build_app(sqlite_desk)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await check_help_of(pilot, "SignInScreen")


async def test_the_call_help_says_what_the_call_asks_and_the_call_has_those_keys(
    sqlite_desk: DeskService,
) -> None:
    """Written for the rebuilt call (F6 red flags, F7 notes, F8 the held call): until it
    lands, the last assertion names the keys the call does not bind yet."""
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        call = app.screen
        help_screen = await check_help_of(pilot, "TriageScreen")
        text = help_screen.plain_text()
        assert "Red flags (f6)" in text and "Stroke signs: face, arm, speech?" in text
        # Every key the words name does something on the call (Tab, space and enter are the
        # fields' own; n is the red-flag list's).
        named = {
            key
            for section in HELP["TriageScreen"].sections
            for line in (section.heading, *section.paragraphs)
            for key in keys_named(line)
        }
        bound = {key for key, _ in call._bindings} | {key for key, _ in app._bindings}
        fields_own = {"tab", "shift+tab", "space", "enter", "n", "a"}
        assert named - fields_own - bound == set(), "named in the help, not bound on the call"


async def test_long_help_scrolls_and_nothing_is_cut_off_at_80_by_24(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        help_screen = await open_help(pilot)
        body = help_screen.query_one("#help-body", VerticalScroll)
        assert app.focused is body
        assert body.max_scroll_x == 0  # every line wraps within the window
        assert body.max_scroll_y > 0
        await pilot.press("pagedown")
        await settle(pilot)
        assert body.scroll_y > 0
        await pilot.press("end")
        await settle(pilot)
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("up")
        await settle(pilot)
        assert body.scroll_y == body.max_scroll_y - 1
        assert help_screen.region.right <= 80 and help_screen.region.bottom <= 24


async def test_help_is_not_opened_twice(sqlite_demo_desk: DeskService) -> None:
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        queue = app.screen
        await open_help(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert app.screen is queue
        assert not any(isinstance(screen, HelpScreen) for screen in app.screen_stack)


def _queue_help(snap_compare: Any, desk: DeskService, size: tuple[int, int]) -> bool:
    async def opened(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await open_help(pilot)

    result: bool = snap_compare(
        build_app(desk, user="desk1"), terminal_size=size, run_before=opened
    )
    return result


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_the_queue_help_looks_like_this(
    snap_compare: Any, sqlite_demo_desk: DeskService, size: tuple[int, int]
) -> None:
    """The queue's help over the queue: its words, wrapped, and the top of its keys."""
    assert _queue_help(snap_compare, sqlite_demo_desk, size)
