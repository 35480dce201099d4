"""Columns fitted to the width a table has: whole columns dropped by priority, never a cell cut
to a misleading stub, and the one free-text column given what is left (to wrap at whole words;
the whole value is a key away)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PADDING = 2
"""A DataTable cell's padding: one column each side."""


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int
    """What the column's widest value needs (its label included)."""
    priority: int
    """Lower is kept longer: the column dropped first has the highest number."""
    flexible: bool = False
    """The free-text column: takes the width left over, at least `width`."""


def fit_columns(columns: Sequence[Column], room: int) -> list[tuple[Column, int]]:
    """The columns that fit in `room` cells, in their given order, with the width of each.

    Columns are added by priority while they fit whole; the flexible column needs only its
    minimum to be added, and then grows into whatever is left (up to `room`).
    """
    kept: list[Column] = []
    used = 0
    for column in sorted(columns, key=lambda c: c.priority):
        need = column.width + PADDING
        if used + need <= room:
            kept.append(column)
            used += need
    spare = room - used
    fitted = []
    for column in columns:
        if column not in kept:
            continue
        width = column.width
        if column.flexible:
            width += spare
        fitted.append((column, width))
    return fitted


def needed(label: str, values: Sequence[str], cap: int | None = None) -> int:
    """The width a column needs for its label and values, at most `cap`."""
    width = max([len(label), *(len(v) for v in values)])
    return width if cap is None else min(width, cap)
