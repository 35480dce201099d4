"""`select` for rows of more than four columns, and the type of such a statement.

sqlmodel's `select` is typed for at most four columns (its generated overloads stop there), so
mypy finds no overload for a wider row. `select_columns` builds the very statement sqlmodel's
`select` builds for two or more columns (its `Select`, whose rows `Session.exec` returns as
they are), typed as rows of columns mypy does not follow.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from sqlmodel.sql.expression import Select

RowsSelect: TypeAlias = "Select[*tuple[Any, ...]]"
"""A select of any number of columns of any type."""


def select_columns(*columns: Any) -> RowsSelect:
    """`sqlmodel.select(*columns)` for two or more columns, typed for any number of them."""
    return Select(*columns)
