"""The desk's colours for how late a referral is, defined once.

Okabe-Ito colours stay apart in every common colour-vision deficiency, and each state also has
its word or letter beside it. The app registers them as theme variables (`$breached`,
`$due-soon`) for the .tcss files; Rich styles in tables, which CSS does not reach, use the same
values from here, or the current theme's through `theme_colour`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from textual.app import App

BREACHED: Final = "#d55e00"
"""Okabe-Ito vermilion: past its due time."""
DUE_SOON: Final = "#e69f00"
"""Okabe-Ito orange: due within the warning window."""

THEME_VARIABLES: Final[dict[str, str]] = {"breached": BREACHED, "due-soon": DUE_SOON}
"""The palette as CSS variables, by name without the `$`."""


def theme_colour(app: App[Any], name: str) -> str:
    """`$breached` or `$due-soon` in the app's current theme, for Rich styles built at render
    time: an SPR theme's AAA value, or the palette's where a theme sets none."""
    variables = app.theme_variables or app.get_css_variables()
    return variables.get(name, THEME_VARIABLES[name])
