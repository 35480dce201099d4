"""The supervisor's staffing panel: one day's hours of `rota check` (issue 19 point 5), as text.

The words carry the meaning (SHORT is written, not only coloured), so it reads without colour.
"""

from __future__ import annotations

from rich.text import Text

from spr_desk.call_profile import StaffingTable, row_line, source_lines, table_heading
from spr_desk.uktime import as_local


def staffing_text(table: StaffingTable, *, weekday: int | None = None) -> Text:
    """The hours of `weekday` (0 Monday; default the rota week's first day, today) with the
    handlers each needs and has, then what the figures came from."""
    day = as_local(table.rota_start).weekday() if weekday is None else weekday
    rows = table.for_weekday(day)
    text = Text()
    text.append(table_heading(table) + "\n", style="bold")
    for row in rows:
        line = row_line(row)
        if row.short:
            text.append(line.removesuffix("SHORT"))
            text.append("SHORT", style="bold reverse")
        else:
            text.append(line)
        text.append("\n")
    short = sum(1 for row in rows if row.short)
    text.append(f"SHORT in {short} of {len(rows)} hours.\n" if short else "No hour is short.\n")
    text.append("\n".join(source_lines(table)), style="dim")
    return text
