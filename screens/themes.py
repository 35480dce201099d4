"""The desk's own themes, dark and light, for handlers who need more contrast than Textual's.

Every colour the desk draws text in, or shows a state by, reaches 7:1 (WCAG AAA) against what
it is drawn on, in both: `tests/app/test_theme_contrast.py` works each pair out from the
stylesheets and fails below it. The hues stay near Okabe-Ito's (vermilion for breached, orange
for due soon, sky blue for the desk's own marks) so they keep apart in colour-vision
deficiencies, lightened on dark and darkened on light until contrast is met; contrast wins
where the two pull apart. Every state also has its word or symbol, so no colour stands alone.
"""

from __future__ import annotations

from typing import Any, Final

from textual.app import App
from textual.theme import Theme

SPR_DARK: Final = Theme(
    name="spr-dark",
    primary="#56b4e9",
    secondary="#0072b2",
    accent="#2d5a80",
    warning="#f0e442",
    error="#ff8f66",
    success="#5fd7a7",
    foreground="#f2f2f2",
    background="#0b0b0b",
    surface="#141414",
    panel="#1c1c1c",
    dark=True,
    variables={
        "breached": "#ffb08f",
        "due-soon": "#ffc34d",
        "text": "#f2f2f2",
        "text-muted": "#c2c2c2",
        "text-disabled": "#b4b4b4",
        "text-primary": "#8fd0f5",
        "text-error": "#ff9c7a",
        "text-warning": "#f0e442",
        "text-success": "#6fe0b4",
        "text-accent": "#8fd0f5",
        "error-muted": "#3a1408",
        "primary-muted": "#0f2c40",
        "block-cursor-foreground": "#ffffff",
        "block-cursor-background": "#0a3152",
        "block-cursor-blurred-foreground": "#f2f2f2",
        "block-cursor-blurred-background": "#1f2b36",
        "footer-key-foreground": "#8fd0f5",
        "footer-description-foreground": "#f2f2f2",
        "input-cursor-foreground": "#0b0b0b",
        "input-cursor-background": "#f2f2f2",
    },
)
"""Light text on near-black."""

SPR_LIGHT: Final = Theme(
    name="spr-light",
    primary="#005a8c",
    secondary="#0072b2",
    accent="#8ccbef",
    warning="#6b4e00",
    error="#a32c00",
    success="#00664a",
    foreground="#0b0b0b",
    background="#ffffff",
    surface="#f5f5f5",
    panel="#e8e8e8",
    dark=False,
    variables={
        "breached": "#852300",
        "due-soon": "#5a3c00",
        "text": "#0b0b0b",
        "text-muted": "#3d3d3d",
        "text-disabled": "#4a4a4a",
        "text-primary": "#004a75",
        "text-error": "#852300",
        "text-warning": "#5e4300",
        "text-success": "#005a40",
        "text-accent": "#004a75",
        "error-muted": "#fbe3d9",
        "primary-muted": "#dcecf7",
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#dcedf8",
        "block-cursor-blurred-foreground": "#0b0b0b",
        "block-cursor-blurred-background": "#e6eef4",
        "footer-key-foreground": "#004a75",
        "footer-description-foreground": "#0b0b0b",
        "input-cursor-foreground": "#ffffff",
        "input-cursor-background": "#0b0b0b",
    },
)
"""Dark text on white."""

SPR_THEMES: Final[tuple[Theme, ...]] = (SPR_DARK, SPR_LIGHT)
THEME_NAMES: Final[tuple[str, ...]] = tuple(theme.name for theme in SPR_THEMES)
"""What `--theme` accepts (Textual's own are not offered: its default, textual-dark, falls short
of AA in a table's cursor row, an empty field's hint and vermilion on its surface)."""
DEFAULT_THEME: Final = SPR_DARK.name
"""The desk's colours unless a handler asks for the light one."""


def register_themes(app: App[Any]) -> None:
    """Makes the SPR themes available to `app.theme`."""
    for theme in SPR_THEMES:
        app.register_theme(theme)
