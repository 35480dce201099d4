"""Text cells for CSV files a spreadsheet may open: no formula runs from what was typed."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@")
"""A text cell starting with one of these is prefixed with `'` so a spreadsheet shows it as text."""


def safe_text(value: str) -> str:
    """A text cell, with the formula-injection guard applied."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
