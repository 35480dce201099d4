"""The desk's palette is defined once: CSS variables and Rich styles hold the same colours."""

from __future__ import annotations

from rich.style import Style

from screens.availability import NO_STYLE
from screens.palette import BREACHED, DUE_SOON
from screens.themes import SPR_DARK
from screens.widgets.queue_board import STATE_STYLES
from spr_desk.due import DueState
from spr_desk.entrypoints.bootstrap import build_app


def test_the_palette_is_a_theme_variable_for_css() -> None:
    app = build_app(lambda: None)  # type: ignore[arg-type, return-value]
    variables = app.get_css_variables()  # the desk's own theme sets its own (AAA) values
    assert (variables["breached"], variables["due-soon"]) == (
        SPR_DARK.variables["breached"],
        SPR_DARK.variables["due-soon"],
    )
    app.theme = "nord"  # a theme that sets none: the palette's
    variables = app.get_css_variables()
    assert variables["breached"] == BREACHED
    assert variables["due-soon"] == DUE_SOON


def test_tables_colour_their_states_from_the_palette() -> None:
    assert STATE_STYLES[DueState.BREACHED].color == Style(color=BREACHED).color
    assert STATE_STYLES[DueState.DUE_SOON].color == Style(color=DUE_SOON).color
    assert Style.parse(NO_STYLE).color == Style(color=BREACHED).color
