"""What every desk dialog shares (`screens/desk_modal.py`): escape dismisses None, ctrl+s
confirms, and in a dialog of several fields enter moves on and never confirms."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.widgets import Input

from screens.desk_modal import DeskModal


class TwoFields(DeskModal[str | None]):
    ENTER_MOVES_ON: ClassVar[bool] = True

    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Input(id="second")

    def action_confirm(self) -> None:
        self.dismiss(self.query_one("#second", Input).value)


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[str | None] = []

    def on_mount(self) -> None:
        self.push_screen(TwoFields(), self.results.append)


async def test_escape_dismisses_the_dialog_with_none() -> None:
    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]


async def test_enter_moves_to_the_next_field_and_ctrl_s_confirms() -> None:
    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "first"
        await pilot.press("enter")
        assert app.focused is not None and app.focused.id == "second"
        assert app.results == []
        await pilot.press("o", "k", "ctrl+s")
        await pilot.pause()
        assert app.results == ["ok"]
