"""The field with the focus is marked, and only that one: a thick bar in the theme's accent down
its left edge and its label in bold reverse, as the focus moves by Tab, by a click and between
the controls of one field, and in the new theme's colours when the theme changes."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.color import Color
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label

from screens.widgets.field import Field


class TwoFields(App[None]):
    AUTO_FOCUS = None

    def compose(self) -> ComposeResult:
        yield Field("First", Input(id="first"))
        yield Field("Second", Input(id="second"))
        yield Field("Answer", Horizontal(Button("Yes", id="yes"), Button("No", id="no")))


def marked(app: App[None]) -> list[str]:
    """The labels of the fields drawn as focused; each must be drawn so in full."""
    shown = []
    for field in app.query(Field):
        bar = field.styles.outline_left[0] == "thick"
        reversed_label = bool(field.query_one(Label).styles.text_style.reverse)
        assert bar == reversed_label, field
        if bar:
            shown.append(str(field.query_one(Label).content))
    return shown


def accent(app: App[None]) -> Color:
    return Color.parse(app.get_css_variables()["accent"])


async def test_only_the_field_with_the_focus_is_marked() -> None:
    app = TwoFields()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert marked(app) == []
        app.query_one("#first").focus()
        await pilot.pause()
        assert marked(app) == ["First"]
        await pilot.press("tab")
        assert marked(app) == ["Second"]
        await pilot.press("tab")
        assert app.focused is app.query_one("#yes")
        assert marked(app) == ["Answer"]
        await pilot.press("tab")  # within the one field: still marked
        assert app.focused is app.query_one("#no")
        assert marked(app) == ["Answer"]
        await pilot.click("#first")
        assert marked(app) == ["First"]
        app.set_focus(None)
        await pilot.pause()
        assert marked(app) == []


async def test_the_marks_take_the_new_themes_colours() -> None:
    app = TwoFields()
    async with app.run_test() as pilot:
        app.query_one("#first").focus()
        await pilot.pause()
        field = app.query_one("#first").parent
        assert isinstance(field, Field)
        assert field.styles.outline_left[1] == accent(app)
        before = accent(app)
        app.theme = "nord"
        await pilot.pause()
        await pilot.pause()
        assert accent(app) != before
        assert field.styles.outline_left[1] == accent(app)
        await pilot.press("tab")
        assert field.styles.outline_left[0] == "blank"
