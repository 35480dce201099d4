"""Rich tables as the desk's report screens draw them: plain, headed, one line a row."""

from __future__ import annotations

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
