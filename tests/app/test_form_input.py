"""The desk's one-line field keeps its cursor on screen: a blinking one is gone half the time a
handler looks back at the form (and made screenshots of the desk depend on their moment)."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult

from screens.widgets.form_input import FormInput


class OneField(App[None]):
    def compose(self) -> ComposeResult:
        yield FormInput(id="field")


async def test_the_cursor_stays_shown_while_the_field_has_focus() -> None:
    app = OneField()
    async with app.run_test() as pilot:
        field = app.query_one(FormInput)
        field.focus()
        await pilot.press("a")
        seen = []
        for _ in range(6):  # 1.5 s: Textual's blink would have hidden it at least twice
            await asyncio.sleep(0.25)
            seen.append(field._cursor_visible)
        assert seen == [True] * 6
        field.blur()
        await pilot.pause()
        assert not field._cursor_visible
