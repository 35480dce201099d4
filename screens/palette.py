"""The desk's colours for how late a referral is, defined once.

Okabe-Ito colours stay apart in every common colour-vision deficiency, and each state also has
its word or letter beside it. The app registers them as theme variables (`$breached`,
`$due-soon`) for the .tcss files; Rich styles in tables, which CSS does not reach, use the same
values from here.
"""

from __future__ import annotations

from typing import Final

BREACHED: Final = "#d55e00"
"""Okabe-Ito vermilion: past its due time."""
DUE_SOON: Final = "#e69f00"
"""Okabe-Ito orange: due within the warning window."""

THEME_VARIABLES: Final[dict[str, str]] = {"breached": BREACHED, "due-soon": DUE_SOON}
"""The palette as CSS variables, by name without the `$`."""
