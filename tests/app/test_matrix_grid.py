"""The matrix grid on its own: Y/N per cell, the recommended and chosen marks, keys, clicks."""

from __future__ import annotations

import pytest
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Button

from screens.widgets.matrix_grid import MatrixGrid, cell_at
from spr_desk.matrix import ALL_AVAILABLE, Availability, Cell
from spr_desk.vocabulary import Lead, Response

RAPID, FAST, NORMAL = Response.RAPID, Response.FAST, Response.NORMAL
NURSE, THERAPIST, SOCIAL = Lead.NURSE, Lead.THERAPIST, Lead.SOCIAL_CARE

HEADINGS = "            Nurse  Therapy Social "


class GridApp(App[None]):
    """A host that composes just the grid (and a button to move focus to) and records choices."""

    def __init__(
        self,
        availability: Availability = ALL_AVAILABLE,
        recommended: Cell | None = None,
        chosen: Cell | None = None,
    ) -> None:
        super().__init__()
        self.start = (availability, recommended, chosen)
        self.chosen_cells: list[Cell] = []
        self.controls: list[MatrixGrid] = []

    def compose(self) -> ComposeResult:
        grid = MatrixGrid()
        grid.availability, grid.recommended, grid.chosen = self.start
        yield grid
        yield Button("elsewhere")

    def on_matrix_grid_cell_chosen(self, message: MatrixGrid.CellChosen) -> None:
        self.chosen_cells.append(message.cell)
        self.controls.append(message.control)


def lines(grid: MatrixGrid) -> list[str]:
    return grid.render().plain.split("\n")


def reversed_text(grid: MatrixGrid) -> list[str]:
    """The stretches of the render drawn in reverse (the cursor)."""
    text: Text = grid.render()
    return [
        text.plain[span.start : span.end]
        for span in text.spans
        if isinstance(span.style, Style) and span.style.reverse
    ]


async def test_each_cell_says_y_or_n_from_the_availability() -> None:
    app = GridApp(availability=Availability(frozenset({(RAPID, THERAPIST), (NORMAL, SOCIAL)})))
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        grid = app.query_one(MatrixGrid)
        assert lines(grid)[:4] == [
            HEADINGS,
            "Rapid  <3h    Y       N       Y   ",
            "Fast   <1d    Y       Y       Y   ",
            "Normal <3d    Y       Y       N   ",
        ]


async def test_changing_the_availability_repaints_the_grid() -> None:
    app = GridApp()
    async with app.run_test(size=(40, 10)) as pilot:
        grid = app.query_one(MatrixGrid)
        grid.availability = Availability(frozenset({(FAST, NURSE)}))
        await pilot.pause()
        # render_line reads the widget's cached lines, which only a repaint renews
        assert grid.render_line(2).text.startswith("Fast   <1d    N       Y       Y")


async def test_the_grid_fits_in_34_columns_and_6_lines() -> None:
    app = GridApp(recommended=(NORMAL, SOCIAL), chosen=(RAPID, NURSE))
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        grid = app.query_one(MatrixGrid)
        assert (grid.size.width, grid.size.height) == (34, 6)
        rendered = grid.render()
        assert len(rendered.plain.split("\n")) == 6
        assert max(line.cell_len for line in rendered.split("\n")) <= 34


async def test_the_recommended_cell_carries_the_star_and_says_it_is_not_agreed_yet() -> None:
    app = GridApp(recommended=(FAST, THERAPIST))
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        grid = app.query_one(MatrixGrid)
        assert lines(grid)[1:] == [
            "Rapid  <3h    Y       Y       Y   ",
            "Fast   <1d    Y      ★Y       Y   ",
            "Normal <3d    Y       Y       Y   ",
            "Y can mobilise now · N cannot",
            "★ recommended · a to agree",
        ]


async def test_a_choice_other_than_the_recommendation_is_bracketed_and_ticked() -> None:
    app = GridApp(
        availability=Availability(frozenset({(RAPID, THERAPIST)})),
        recommended=(RAPID, NURSE),
        chosen=(FAST, SOCIAL),
    )
    async with app.run_test(size=(40, 10)) as pilot:
        app.query_one(Button).focus()
        await pilot.pause()
        grid = app.query_one(MatrixGrid)
        assert lines(grid)[1:] == [
            "Rapid  <3h   ★Y       N       Y   ",
            "Fast   <1d    Y       Y     [✓Y]  ",
            "Normal <3d    Y       Y       Y   ",
            "Y can mobilise now · N cannot",
            "★ recommended · [✓] chosen",
        ]
        assert not grid.agreed


async def test_without_a_recommendation_the_grid_shows_availability_and_no_star() -> None:
    app = GridApp(availability=Availability(frozenset({(RAPID, NURSE)})), recommended=None)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        grid = app.query_one(MatrixGrid)
        assert lines(grid)[1:] == [
            "Rapid  <3h    N       Y       Y   ",
            "Fast   <1d    Y       Y       Y   ",
            "Normal <3d    Y       Y       Y   ",
            "Y can mobilise now · N cannot",
            "No matrix cell recommended",
        ]
        assert not grid.agreed


async def test_the_cursor_is_drawn_in_reverse_only_while_the_grid_has_focus() -> None:
    app = GridApp(recommended=(RAPID, NURSE))
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        grid = app.query_one(MatrixGrid)
        assert grid.has_focus
        assert reversed_text(grid) == ["  ★Y  "]
        await pilot.press("down", "right")
        assert reversed_text(grid) == ["   Y  "]
        assert lines(grid)[2] == "Fast   <1d    Y       Y       Y   "
        app.query_one(Button).focus()
        await pilot.pause()
        assert reversed_text(grid) == []


@pytest.mark.parametrize(
    ("keys", "cursor"),
    [
        ((), (RAPID, NURSE)),
        (("down",), (FAST, NURSE)),
        (("right", "down"), (FAST, THERAPIST)),
        (("up", "left"), (RAPID, NURSE)),
        (("right",) * 3, (RAPID, SOCIAL)),
        (("down",) * 3, (NORMAL, NURSE)),
        (("down",) * 5 + ("right",) * 5, (NORMAL, SOCIAL)),
        (("down", "down", "right", "right", "up", "left"), (FAST, THERAPIST)),
    ],
    ids=[
        "start",
        "down",
        "right-down",
        "clamped-top-left",
        "clamped-right",
        "clamped-bottom",
        "clamped-bottom-right",
        "back",
    ],
)
async def test_arrows_move_the_cursor_and_stop_at_the_edges(
    keys: tuple[str, ...], cursor: Cell
) -> None:
    app = GridApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.press(*keys)
        grid = app.query_one(MatrixGrid)
        assert grid.cursor == cursor
        assert app.chosen_cells == []
        assert grid.chosen is None


@pytest.mark.parametrize("key", ["enter", "space"])
async def test_enter_or_space_chooses_the_cell_under_the_cursor(key: str) -> None:
    app = GridApp(recommended=(RAPID, NURSE))
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.press("down", "right", key)
        await pilot.pause()
        grid = app.query_one(MatrixGrid)
        assert app.chosen_cells == [(FAST, THERAPIST)]
        assert app.controls == [grid]
        assert grid.chosen == (FAST, THERAPIST)
        assert lines(grid)[-1] == "★ recommended · [✓] chosen"


async def test_choosing_the_recommended_cell_posts_it_and_reads_agreed() -> None:
    app = GridApp(recommended=(FAST, NURSE), chosen=(NORMAL, SOCIAL))
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        grid = app.query_one(MatrixGrid)
        assert app.chosen_cells == [(FAST, NURSE)]
        assert grid.chosen == (FAST, NURSE)
        assert grid.agreed
        assert lines(grid)[2] == "Fast   <1d  [★Y]      Y       Y   "
        assert lines(grid)[-1] == "★ recommended · AGREED"


async def test_a_agrees_with_the_recommendation_wherever_the_cursor_is() -> None:
    app = GridApp(recommended=(NORMAL, THERAPIST), chosen=(RAPID, SOCIAL))
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        grid = app.query_one(MatrixGrid)
        assert app.chosen_cells == [(NORMAL, THERAPIST)]
        assert grid.chosen == (NORMAL, THERAPIST)
        assert grid.cursor == (NORMAL, THERAPIST)
        assert lines(grid)[-1] == "★ recommended · AGREED"


async def test_a_does_nothing_without_a_recommendation() -> None:
    app = GridApp(recommended=None)
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        grid = app.query_one(MatrixGrid)
        assert app.chosen_cells == []
        assert grid.chosen is None
        assert grid.check_action("agree", ()) is None
        grid.action_agree()  # called directly, past the greyed-out binding
        await pilot.pause()
        assert app.chosen_cells == []
        grid.recommended = (FAST, NURSE)
        assert grid.check_action("agree", ()) is True


@pytest.mark.parametrize(
    ("offset", "cell"),
    [((14, 1), (RAPID, NURSE)), ((22, 2), (FAST, THERAPIST)), ((30, 3), (NORMAL, SOCIAL))],
)
async def test_clicking_a_cell_moves_the_cursor_there_and_chooses_it(
    offset: tuple[int, int], cell: Cell
) -> None:
    app = GridApp(recommended=(RAPID, NURSE))
    async with app.run_test(size=(40, 10)) as pilot:
        assert await pilot.click(MatrixGrid, offset=offset)
        await pilot.pause()
        grid = app.query_one(MatrixGrid)
        assert app.chosen_cells == [cell]
        assert grid.chosen == cell
        assert grid.cursor == cell


@pytest.mark.parametrize("offset", [(14, 0), (3, 2), (20, 4), (20, 5)])
async def test_clicking_a_heading_label_or_the_key_chooses_nothing(
    offset: tuple[int, int],
) -> None:
    app = GridApp(recommended=(RAPID, NURSE))
    async with app.run_test(size=(40, 10)) as pilot:
        assert await pilot.click(MatrixGrid, offset=offset)
        await pilot.pause()
        assert app.chosen_cells == []
        assert app.query_one(MatrixGrid).chosen is None


@pytest.mark.parametrize(
    ("x", "y", "cell"),
    [
        (9, 1, None),
        (10, 1, (RAPID, NURSE)),
        (17, 1, (RAPID, NURSE)),
        (18, 1, (RAPID, THERAPIST)),
        (25, 2, (FAST, THERAPIST)),
        (26, 2, (FAST, SOCIAL)),
        (33, 3, (NORMAL, SOCIAL)),
        (34, 3, None),
        (12, 0, None),
        (12, 4, None),
        (-1, 1, None),
        (12, -1, None),
    ],
)
def test_cell_at_maps_a_point_to_the_cell_drawn_there(x: int, y: int, cell: Cell | None) -> None:
    assert cell_at(x, y) == cell


def test_matrix_grid_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """Rapid/therapist reads N; the star sits on rapid/nurse, under the (focused) cursor; fast/nurse
    is bracketed and ticked as the handler's own choice; the status line says so in words."""
    app = GridApp(
        availability=Availability(frozenset({(RAPID, THERAPIST)})),
        recommended=(RAPID, NURSE),
        chosen=(FAST, NURSE),
    )
    assert snap_compare(app, terminal_size=(40, 10))
