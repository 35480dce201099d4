"""Columns fitted to a table's width: dropped whole by priority, the free text given the rest."""

from __future__ import annotations

from screens.widgets.fitted_columns import PADDING, Column, fit_columns, needed

COLUMNS = [
    Column("ref", "Reference", 15, 0),
    Column("why", "Why", 14, 2, flexible=True),
    Column("due", "Due", 16, 3),
    Column("state", "State", 18, 1),
]


def test_every_column_fits_when_there_is_room_and_the_free_text_takes_the_rest() -> None:
    fitted = fit_columns(COLUMNS, 120)
    assert [c.key for c, _ in fitted] == ["ref", "why", "due", "state"]  # the given order
    assert sum(w + PADDING for _, w in fitted) == 120
    assert {c.key: w for c, w in fitted}["why"] == 120 - 4 * PADDING - 15 - 16 - 18


def test_the_lowest_priority_column_is_dropped_whole_first() -> None:
    room = 15 + 18 + 14 + 3 * PADDING  # no room for Due
    assert [c.key for c, _ in fit_columns(COLUMNS, room)] == ["ref", "why", "state"]
    assert [c.key for c, _ in fit_columns(COLUMNS, room - 1)] == ["ref", "state"]


def test_a_column_needs_its_widest_value_up_to_a_cap() -> None:
    assert needed("Who", ["supervisor", "hal"]) == 10
    assert needed("Who", ["supervisor", "hal"], cap=8) == 8
