"""The 3x3 response / intervention-lead matrix: availability, the recommended cell and the choice.

The grid reads without colour: every cell says Y or N (can be mobilised now), `★` marks the
matrix's recommendation and `[✓]` the handler's own choice when it differs. The screen sets the
reactives ("attributes down") and hears `MatrixGrid.CellChosen` ("messages up").
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Offset
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from spr_desk.matrix import ALL_AVAILABLE, Availability, Cell
from spr_desk.vocabulary import Lead, Response

ROWS: tuple[Response, ...] = tuple(Response)
"""Matrix rows, top to bottom, most urgent first."""
COLUMNS: tuple[Lead, ...] = tuple(Lead)
"""Matrix columns, left to right."""

LABEL_WIDTH = 10
"""Columns taken by the row labels (`Rapid  <3h`) on the left of every row."""
CELL_WIDTH = 8
"""Columns taken by one matrix cell."""
HEADER_LINES = 1
"""Lines above the first matrix row (the column headings)."""
GRID_WIDTH = LABEL_WIDTH + CELL_WIDTH * len(COLUMNS)
"""Width of the whole grid: 34, so it fits beside the triage form at 80x24."""
GRID_HEIGHT = HEADER_LINES + len(ROWS) + 2
"""Headings, three rows, then the key line and the status line."""

ROW_LABELS: dict[Response, str] = {
    Response.RAPID: "Rapid  <3h",
    Response.FAST: "Fast   <1d",
    Response.NORMAL: "Normal <3d",
}
COLUMN_HEADINGS: dict[Lead, str] = {
    Lead.NURSE: "  Nurse ",
    Lead.THERAPIST: " Therapy",
    Lead.SOCIAL_CARE: " Social ",
}

RECOMMENDED_MARK = "★"
CHOSEN_MARK = "✓"
KEY_LINE = "Y can mobilise now · N cannot"


def cell_at(x: int, y: int) -> Cell | None:
    """The matrix cell under a point of the grid's content.

    Args:
        x: column within the widget's content region.
        y: line within the widget's content region.

    Returns:
        The (response, lead) cell there, or None for the headings, row labels, key and margins.
    """
    row = y - HEADER_LINES
    column = (x - LABEL_WIDTH) // CELL_WIDTH  # a cell's margins belong to it too
    if not 0 <= row < len(ROWS) or not 0 <= column < len(COLUMNS):
        return None
    return (ROWS[row], COLUMNS[column])


def _clamp(index: int, size: int) -> int:
    return max(0, min(size - 1, index))


class MatrixGrid(Widget, can_focus=True):
    """The response / lead matrix with Y/N availability, the recommendation and the choice."""

    DEFAULT_CSS = """
    MatrixGrid {
        width: 34;
        height: 6;
        & > .matrix-grid--heading { text-style: bold; }
        & > .matrix-grid--label { text-style: bold; }
        /* blue against orange stays apart in every common colour-vision deficiency;
           the letters Y and N carry the meaning on their own */
        & > .matrix-grid--yes { color: $text-primary; }
        & > .matrix-grid--no { color: $text-warning; text-style: bold; }
        & > .matrix-grid--recommended { text-style: bold; }
        & > .matrix-grid--chosen { text-style: bold; }
        & > .matrix-grid--key { text-style: dim; }
        &:focus { background-tint: $foreground 5%; }
    }
    """

    COMPONENT_CLASSES = {
        "matrix-grid--heading",
        "matrix-grid--label",
        "matrix-grid--yes",
        "matrix-grid--no",
        "matrix-grid--recommended",
        "matrix-grid--chosen",
        "matrix-grid--key",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "up",
            "cursor_up",
            "Row up",
            show=False,
            tooltip="Move to the more urgent row",
            id="matrix-grid.cursor-up",
        ),
        Binding(
            "down",
            "cursor_down",
            "Row down",
            show=False,
            tooltip="Move to the less urgent row",
            id="matrix-grid.cursor-down",
        ),
        Binding(
            "left",
            "cursor_left",
            "Lead left",
            show=False,
            tooltip="Move to the lead before",
            id="matrix-grid.cursor-left",
        ),
        Binding(
            "right",
            "cursor_right",
            "Lead right",
            show=False,
            tooltip="Move to the lead after",
            id="matrix-grid.cursor-right",
        ),
        Binding(
            "enter",
            "choose",
            "Choose cell",
            show=False,  # in F1 help: at 80 columns the footer keeps room for F1 Help itself
            tooltip="Choose the response and lead under the cursor",
            id="matrix-grid.choose",
        ),
        Binding(
            "space",
            "choose",
            "Choose cell",
            show=False,
            tooltip="Choose the response and lead under the cursor",
            id="matrix-grid.choose-space",
        ),
        Binding(
            "a",
            "agree",
            "Agree",
            tooltip="Accept the recommended response and lead",
            id="matrix-grid.agree",
        ),
    ]

    availability: reactive[Availability] = reactive(ALL_AVAILABLE)
    """Which cells can be mobilised now (Y) and which cannot (N)."""
    recommended: reactive[Cell | None] = reactive(None, bindings=True)
    """The matrix's recommendation (`Recommendation.cell`); None for emergency, redirect or
    escalate, when no cell is marked and "Agree" is greyed out."""
    chosen: reactive[Cell | None] = reactive(None)
    """The cell the handler chose; None means "accept the recommendation"."""
    agreed_by_handler: reactive[bool] = reactive(False)
    """The handler said so (`a`, or the recommended cell chosen): until then the status line
    says the recommendation is not yet agreed."""
    cursor: reactive[Cell] = reactive((Response.RAPID, Lead.NURSE))
    """The keyboard cursor, drawn in reverse only while the grid has focus."""

    class CellChosen(Message):
        """The handler chose a cell (by key or click), or agreed with the recommendation.

        When `cell` equals the grid's `recommended`, the handler agreed.
        """

        def __init__(self, grid: MatrixGrid, cell: Cell) -> None:
            self.grid = grid
            """The grid the choice was made on."""
            self.cell = cell
            """The (response, lead) chosen."""
            super().__init__()

        @property
        def control(self) -> MatrixGrid:
            """The grid the choice was made on (for `@on(..., "#selector")`)."""
            return self.grid

    @property
    def agreed(self) -> bool:
        """Whether the choice is the recommendation (or no choice was made, which accepts it)."""
        return self.recommended is not None and self.chosen in (None, self.recommended)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002 - Textual's signature
        if action == "agree" and self.recommended is None:
            return None  # shown greyed out: there is no recommendation to agree with
        return True

    def on_focus(self) -> None:
        self.refresh()  # the cursor is drawn only while focused

    def on_blur(self) -> None:
        self.refresh()

    def _move(self, rows: int, columns: int) -> None:
        response, lead = self.cursor
        row = _clamp(ROWS.index(response) + rows, len(ROWS))
        column = _clamp(COLUMNS.index(lead) + columns, len(COLUMNS))
        self.cursor = (ROWS[row], COLUMNS[column])

    def action_cursor_up(self) -> None:
        self._move(-1, 0)

    def action_cursor_down(self) -> None:
        self._move(1, 0)

    def action_cursor_left(self) -> None:
        self._move(0, -1)

    def action_cursor_right(self) -> None:
        self._move(0, 1)

    def choose(self, cell: Cell) -> None:
        """Choose a cell, move the cursor there and post `CellChosen`.

        Args:
            cell: the (response, lead) to choose; unavailable cells may be chosen (an override).
        """
        self.cursor = cell
        self.chosen = cell
        self.agreed_by_handler = cell == self.recommended
        self.post_message(self.CellChosen(self, cell))

    def action_choose(self) -> None:
        self.choose(self.cursor)

    def action_agree(self) -> None:
        if self.recommended is not None:
            self.choose(self.recommended)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        cell = cell_at(offset.x, offset.y)
        if cell is not None:
            self.choose(cell)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"matrix-grid--{name}", partial=True)

    def _cell_text(self, cell: Cell) -> Text:
        """One cell, `CELL_WIDTH` wide: `  [★Y]  `, with the brackets only on the choice."""
        response, lead = cell
        available = self.availability.can(response, lead)
        is_recommended = cell == self.recommended
        is_chosen = cell == self.chosen
        if is_recommended:
            mark = Text(RECOMMENDED_MARK, self._style("recommended"))
        elif is_chosen:
            mark = Text(CHOSEN_MARK, self._style("chosen"))
        else:
            mark = Text(" ")
        bracket_style = self._style("chosen")
        inner = Text.assemble(
            ("[", bracket_style) if is_chosen else " ",
            mark,
            ("Y", self._style("yes")) if available else ("N", self._style("no")),
            ("]", bracket_style) if is_chosen else " ",
        )
        if self.has_focus and cell == self.cursor:
            inner = Text.assemble(" ", inner, " ")
            inner.stylize(Style(reverse=True))
            return Text.assemble(" ", inner, " ")
        return Text.assemble("  ", inner, "  ")

    def _status_text(self) -> Text:
        if self.recommended is None:
            if self.chosen is None:
                return Text("No matrix cell recommended", self._style("key"))
            return Text.assemble(("[✓]", self._style("chosen")), " chosen · no recommendation")
        recommended = Text.assemble((RECOMMENDED_MARK, self._style("recommended")), " recommended")
        if self.agreed and self.agreed_by_handler:
            return Text.assemble(recommended, " · AGREED")
        if self.agreed:
            return Text.assemble(recommended, " · a to agree")
        return Text.assemble(recommended, " · ", ("[✓]", self._style("chosen")), " chosen")

    def cursor_line(self) -> Offset:
        """The cell under the cursor."""
        response, lead = self.cursor
        return Offset(
            LABEL_WIDTH + CELL_WIDTH * COLUMNS.index(lead), HEADER_LINES + ROWS.index(response)
        )

    def render(self) -> Text:
        heading = self._style("heading")
        lines = [
            Text.assemble(
                " " * LABEL_WIDTH, *((COLUMN_HEADINGS[lead], heading) for lead in COLUMNS)
            )
        ]
        for response in ROWS:
            lines.append(
                Text.assemble(
                    (ROW_LABELS[response], self._style("label")),
                    *(self._cell_text((response, lead)) for lead in COLUMNS),
                )
            )
        lines.append(Text(KEY_LINE, self._style("key")))
        lines.append(self._status_text())
        return Text("\n").join(lines)
