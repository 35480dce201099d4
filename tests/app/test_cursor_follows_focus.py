"""Where the app puts the terminal's cursor (`screens/cursor_spot.py`), read in process on the
screen as drawn: a table's highlighted row as it scrolls, the matrix's cell under the cursor, a
choice's highlighted option. (The tmux test reads it from a real terminal.)"""

from __future__ import annotations

from call_script import settle, start_call
from cut_off import screen_lines
from textual.widgets import DataTable

from db.desk import DeskService
from screens.widgets.choice import Choice
from screens.widgets.matrix_grid import MatrixGrid
from spr_desk.entrypoints.bootstrap import build_app

SIZE = (80, 24)


def row_words(table: DataTable[object]) -> str:
    """The highlighted row's first cell, as drawn."""
    return str(table.get_row_at(table.cursor_row)[0]).strip()


async def test_the_cursor_follows_a_tables_highlighted_row_as_it_scrolls(
    sqlite_demo_desk: DeskService,
) -> None:
    app = build_app(sqlite_demo_desk, user="desk1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4", "o")  # who is on, then the rota
        await settle(pilot)
        table = app.focused
        assert isinstance(table, DataTable) and table.row_count > 20, table
        for move in range(25):  # past the bottom of the screen: the table scrolls
            spot = app.cursor_position
            line = screen_lines(app)[spot.y]
            assert spot.x == table.content_region.x, (move, spot)
            assert line[spot.x :].strip().startswith(row_words(table)[:10]), (move, line)
            await pilot.press("down")
            await settle(pilot)
        assert table.scroll_offset.y > 0  # it did scroll


async def test_the_cursor_is_on_the_matrix_cell_and_a_choices_option(
    sqlite_desk: DeskService,
) -> None:
    app = build_app(sqlite_desk, user="handler1")
    async with app.run_test(size=(100, 30)) as pilot:
        call = await start_call(pilot)
        grid = call.query_one(MatrixGrid)
        grid.focus()
        await settle(pilot)
        for key, want in [("down", "Fast"), ("right", "Fast"), ("down", "Normal")]:
            await pilot.press(key)
            await settle(pilot)
            spot = app.cursor_position
            line = screen_lines(app)[spot.y]
            assert line[grid.content_region.x :].startswith(want), (key, line)
            response, lead = grid.cursor
            assert spot.x == grid.content_region.x + 10 + 8 * list(type(lead)).index(lead)
        choice = call.query_one("#referrer_role", Choice)
        choice.focus()
        await pilot.press("enter")  # opens the list
        await settle(pilot)
        for _move in range(3):
            await pilot.press("down")
            await settle(pilot)
            spot = app.cursor_position
            assert screen_lines(app)[spot.y][spot.x] == "▶", screen_lines(app)[spot.y]
