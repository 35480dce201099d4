"""What the desk's dialogs share: ctrl+s confirms, escape cancels, enter moves field to field.

A dialog names its ctrl+s in its own words by binding the key again (the key keeps its place,
first, in the keys shown); escape and `action_cancel` come from here. Only a dialog of several
fields sets `ENTER_MOVES_ON`: in one whose last field confirms, enter is its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, TypeVar

from textual import on
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Input

T = TypeVar("T")


class DeskModal(ModalScreen[T]):
    """A dialog of the desk, dismissed with a `T`; escape dismisses None (`action_cancel`)."""

    # Beside this module, wherever a dialog is defined: Textual reads a relative path beside the
    # module of each subclass.
    CSS_PATH = Path(__file__).with_name("modals.tcss").resolve()
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Confirm", priority=True, id="desk-modal.confirm"),
        Binding("escape", "cancel", "Cancel", id="desk-modal.cancel"),
    ]
    ENTER_MOVES_ON: ClassVar[bool] = False
    """Enter in a field moves to the next field (it never confirms)."""

    def action_confirm(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if self.ENTER_MOVES_ON:
            event.stop()
            self.focus_next()
