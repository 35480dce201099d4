"""Text cells for CSV files a spreadsheet may open: no formula runs from what was typed."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is prefixed with `'` so a spreadsheet shows it as text
(OWASP's list: a tab or a carriage return before `=` still starts a formula in some)."""


def safe_text(value: str) -> str:
    """A text cell, with the formula-injection guard applied."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
