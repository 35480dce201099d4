"""Who is on: the matrix cells that can be offered now by locality, who is on shift now with
their load, and who starts within a day. `o` opens the rota to edit or import."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from screens.context import DeskContext
from screens.desk_screen import DeskScreen
from screens.fault_words import failure_words
from screens.palette import BREACHED, theme_colour
from screens.widgets.desk_header import DeskHeader
from screens.widgets.tables import report_table
from spr_desk.availability import AvailabilityBoard, RotaShift
from spr_desk.reference_data import COUNTYWIDE, LOCALITIES
from spr_desk.uktime import as_local
from spr_desk.vocabulary import Lead, Response, label

if TYPE_CHECKING:
    from spr_desk.desk_api import WhoIsOn

NO_STYLE = f"bold reverse {BREACHED}"  # the letter N says it without colour
"""In the palette's colour; the screen passes its theme's."""
LEAD_LETTERS = {Lead.NURSE: "N", Lead.THERAPIST: "T", Lead.SOCIAL_CARE: "S"}


def matrix_table(board: AvailabilityBoard, no_style: str = NO_STYLE) -> Table | Group:
    """One line per locality: Y or N for each of the nine cells, Rapid then Fast then Normal."""
    heads = [f"{response.value.title()} {'/'.join(LEAD_LETTERS.values())}" for response in Response]
    table = report_table("Can be offered now (N: nobody to send in time)", "Locality", *heads)
    for place in (*LOCALITIES, COUNTYWIDE):
        availability = board.by_locality[place]
        cells = []
        for response in Response:
            cell = Text()
            for index, lead in enumerate(Lead):
                can = availability.can(response, lead)
                cell.append("Y" if can else "N", "" if can else no_style)
                if index < len(Lead) - 1:
                    cell.append(" ")
            cells.append(cell)
        table.add_row(Text(place, style="bold" if place == COUNTYWIDE else ""), *cells)
    if board.rota_known:
        return table
    warning = Text(
        "No shifts on the rota for the next three days: every cell is shown as Y and the "
        "handler decides. Import a rota with o.",
        style="bold",
    )
    return Group(warning, table)


def people_table(
    title: str, shifts: list[RotaShift], *, starting: bool, no_style: str = NO_STYLE
) -> Table | Text:
    if not shifts:
        return Text(f"{title}: nobody.")
    when = "Starts" if starting else "Until"
    table = report_table(f"{title} ({len(shifts)})", "Name", "Role", when, "Load", "Team")
    # On 80 columns a name, a role or a team wraps onto a second line of its row, never
    # narrower than its longest word, rather than end in a stub ("Peggy Chandl…").
    for column, words in zip(
        table.columns,
        (
            [shift.name for shift in shifts],
            [label(shift.role) for shift in shifts],
            [],
            [],
            [shift.team for shift in shifts],
        ),
        strict=True,
    ):
        if words:
            column.no_wrap = False
            column.min_width = max(cell_len(word) for text in words for word in text.split())
    for shift in shifts:
        moment = as_local(shift.starts_at if starting else shift.ends_at)
        load = f"{shift.open_allocations}/{shift.capacity}"
        full = shift.at_capacity
        table.add_row(
            Text(shift.name),
            Text(label(shift.role)),
            Text(moment.strftime("%a %H:%M") if starting else moment.strftime("%H:%M")),
            Text(load + (" FULL" if full else ""), style=no_style if full else ""),
            Text(shift.team),
        )
    return table


class AvailabilityScreen(DeskScreen):
    """The availability board, read in a worker; `r` reads it again."""

    CSS_PATH = "availability.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "o",
            "rota",
            "Rota",
            tooltip="The rota: shifts, add, delete, import a CSV",
            id="availability.rota",
        ),
        Binding(
            "r", "refresh", "Refresh", tooltip="Read the rota again now", id="availability.refresh"
        ),
        Binding("escape", "back", "Back", id="availability.back"),
    ]

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__(ctx)
        self.who: WhoIsOn | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="availability-body"):
            yield Static("Reading the rota...", id="availability-matrix", classes="section")
            yield Static("", id="availability-now", classes="section")
            yield Static("", id="availability-later", classes="section")

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = "Who is on"
        self.action_refresh()

    def action_refresh(self) -> None:
        self._load()

    def _load(self) -> None:
        self.load(
            self.desk.who_is_on,
            group="availability",
            exclusive=True,
            then=self._show,
            failed=lambda error: self._failed(failure_words(error)),
        )

    def _failed(self, words: str) -> None:
        self.query_one("#availability-matrix", Static).update(
            Text(f"Could not read the rota: {words} Press r to try again.")
        )

    def _show(self, who: WhoIsOn) -> None:
        self.who = who
        self.query_one(DeskHeader).now = who.board.at
        no_style = f"bold reverse {theme_colour(self.app, 'breached')}"
        self.query_one("#availability-matrix", Static).update(matrix_table(who.board, no_style))
        self.query_one("#availability-now", Static).update(
            people_table("On shift now", who.on_now, starting=False, no_style=no_style)
        )
        self.query_one("#availability-later", Static).update(
            people_table(
                "Starting in the next 24 hours", who.starting, starting=True, no_style=no_style
            )
        )

    def action_rota(self) -> None:
        from screens.rota import RotaScreen

        self.app.push_screen(RotaScreen(self.ctx), lambda _: self.action_refresh())

    def action_back(self) -> None:
        self.dismiss(None)
