"""A window smaller than 80 x 24 shows one message over the desk, and keeps the desk as it was."""

from __future__ import annotations

from typing import Any

from call_script import settle
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from db.desk import DeskService
from screens.help_screen import HelpScreen
from screens.queue import QueueScreen
from screens.sign_in import SignInScreen
from screens.too_small import TooSmall, cover_of
from screens.widgets.queue_board import QueueBoard
from spr_desk.entrypoints.bootstrap import build_app

BIG, SMALL = (80, 24), (60, 20)
MESSAGE = "Make the window at least 80 x 24 (it is 60 x 20 now)"


def words(cover: TooSmall) -> str:
    return str(cover.query_one(Static).render())


def covered(screen: Screen[Any]) -> bool:
    """Whether the cover's words are what shows at every cell of the screen."""
    cover = cover_of(screen)
    if cover is None or not cover.display:
        return False
    top = cover.query_one(Static)
    width, height = screen.size
    return all(screen.get_widget_at(x, y)[0] is top for x in range(width) for y in range(height))


async def resize(pilot: Pilot[Any], size: tuple[int, int]) -> None:
    await pilot.resize_terminal(*size)
    await settle(pilot)


async def test_a_small_window_says_what_size_it_needs_and_the_desk_comes_back(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen) and cover_of(queue) is None
        await pilot.press("down", "down")
        focused, cursor = app.focused, queue.query_one(QueueBoard).cursor

        await resize(pilot, SMALL)
        cover = cover_of(queue)
        assert cover is not None and MESSAGE in words(cover)
        assert covered(queue)
        assert app.focused is focused  # the focus stays underneath

        await resize(pilot, BIG)
        assert app.screen is queue and not cover.display and not covered(queue)
        assert app.focused is focused
        assert queue.query_one(QueueBoard).cursor == cursor
        await pilot.press("enter")  # the desk answers as before
        await settle(pilot)
        assert type(app.screen).__name__ == "ReferralScreen"


async def test_the_cover_is_mounted_once_and_only_when_needed(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for size in ((100, 30), BIG, (200, 60)):
            await resize(pilot, size)
            assert all(cover_of(screen) is None for screen in app.screen_stack)
        await resize(pilot, SMALL)
        cover = cover_of(app.screen)
        await resize(pilot, (70, 22))
        assert cover_of(app.screen) is cover  # reworded, not mounted again
        assert cover is not None and "(it is 70 x 22 now)" in words(cover)


async def test_keys_typed_while_small_reach_the_field_that_had_the_focus(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        search = app.screen.query_one("#queue-search", Input)
        assert app.focused is search
        await resize(pilot, SMALL)
        await pilot.press(*"smith")
        await settle(pilot)
        assert covered(app.screen)
        assert app.focused is search and search.value == "smith"
        await resize(pilot, BIG)
        assert app.focused is search and search.value == "smith"


async def test_the_call_keeps_its_focused_field_and_what_is_typed_into_it(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="desk1")
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        call = app.screen
        name = call.query_one("#referrer_name", Input)
        name.focus()
        await settle(pilot)
        await resize(pilot, SMALL)
        assert covered(call)
        await pilot.press(*"Amy")
        await settle(pilot)
        await resize(pilot, BIG)
        assert app.screen is call and app.focused is name and name.value == "Amy"


async def test_sign_in_is_covered_too_and_the_name_typed_blind_is_kept(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and covered(app.screen)
        await pilot.press(*"jsmith")
        await resize(pilot, BIG)
        assert not covered(app.screen)
        assert app.screen.query_one("#sign-in-user", Input).value == "jsmith"


async def test_a_dialog_opened_while_small_is_covered_and_so_is_the_desk_beneath(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        queue = app.screen
        assert covered(queue)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen) and covered(app.screen)
        await resize(pilot, BIG)
        assert not covered(app.screen) and not covered(queue)
        await resize(pilot, SMALL)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is queue and covered(queue)


async def test_an_open_list_does_not_show_through_the_cover(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        status = app.screen.query_one("#filter-status", Select)
        status.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert status.expanded
        app.notify("A toast is under the cover too.")
        await resize(pilot, SMALL)
        assert covered(app.screen)


def test_a_small_window_looks_like_this(snap_compare, sqlite_demo_desk: DeskService) -> None:  # type: ignore[no-untyped-def]
    """The queue at 60 x 20: only the message, centred."""
    assert snap_compare(
        build_app(sqlite_demo_desk, user="desk1"), terminal_size=SMALL, run_before=settle
    )
