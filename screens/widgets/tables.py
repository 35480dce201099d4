"""Rich tables as the desk's report screens draw them: plain, headed, one line a row."""

from __future__ import annotations

from dataclasses import dataclass

from rich import box
from rich.table import Table


def report_table(title: str, *columns: str) -> Table:
    """A table with a bold title and simple headings; cells must be `Text`, never markup."""
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        pad_edge=False,
        show_edge=False,
    )
    for column in columns:
        table.add_column(column, no_wrap=True)
    return table


@dataclass(frozen=True)
class Fit:
    """A column as the space it wants: `natural` cells, down to `least` by wrapping its words
    (equal to `natural` when it must not wrap), and the order in which it is dropped (`drop`:
    0 never, higher first) when even the least widths do not fit."""

    natural: int
    least: int
    drop: int = 0
    cells: tuple[int, ...] = ()
    """The width of each of its cells: the column that gives up a cell is the one where that
    wraps the fewest rows."""


def _newly_wrapped(column: Fit, width: int) -> tuple[int, int]:
    """What narrowing `column` from `width` by one cell costs: the rows that fit on one line
    now and would not (long ones wrap anyway), then the narrower column the dearer."""
    return sum(cell == width for cell in column.cells), -width


def fitted_widths(columns: list[Fit], room: int, gap: int) -> list[int | None]:
    """Each column's width in `room` cells with `gap` cells beside each column, or None where
    it is dropped: wrapping columns give up cells first (where the fewest rows wrap), then
    whole columns go by their `drop` order. A column is never narrower than its `least`."""
    widths: list[int | None] = [column.natural for column in columns]
    dropping = sorted(
        (index for index, column in enumerate(columns) if column.drop),
        key=lambda index: -columns[index].drop,
    )
    while True:
        over = sum(width + gap for width in widths if width is not None) - room
        while over > 0:
            shrinkable = {
                index: width
                for index, width in enumerate(widths)
                if width is not None and width > columns[index].least
            }
            if not shrinkable:
                break
            cheapest = min(
                shrinkable, key=lambda index: _newly_wrapped(columns[index], shrinkable[index])
            )
            widths[cheapest] = shrinkable[cheapest] - 1
            over -= 1
        if over <= 0 or not dropping:
            return widths
        gone = dropping.pop(0)
        widths = [
            None if index == gone or width is None else columns[index].natural
            for index, width in enumerate(widths)
        ]
