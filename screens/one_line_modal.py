"""A dialog that asks for one line of text (a name, a file's path, an NHS number): enter or
ctrl+s gives it, stripped; empty (or wrong, by the subclass's `problem`), it says what is wanted
at the field and keeps what was typed; escape gives None."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from screens.desk_modal import DeskModal
from screens.widgets.form_input import FormInput


class OneLineModal(DeskModal[str | None]):
    """Subclasses set the words; `field_id` names the input, `error_id` its message."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "OK", priority=True, id="one-line-modal.confirm"),
    ]
    field_id = "one-line"
    error_id = "one-line-error"
    keys = "enter  confirm     esc  cancel"
    when_empty = "Type something."

    def __init__(self, title: str, intro: str, *, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_words = title
        self.intro = intro
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_words), classes="dialog-title")
            yield Static(Text(self.intro))
            yield FormInput(
                self.value, placeholder=self.placeholder, id=self.field_id, compact=True
            )
            yield Static("", id=self.error_id, classes="one-line-error")
            yield Static(self.keys, classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def problem(self, text: str) -> str | None:
        """What is wrong with the line typed (stripped), to say at the field; None when it will
        do. Empty is wrong; a subclass may check more."""
        return None if text else self.when_empty

    def say(self, message: str) -> None:
        """A message under the field; what was typed stays."""
        self.query_one(f"#{self.error_id}", Static).update(Text(message))

    @on(Input.Submitted)
    def action_confirm(self) -> None:
        text = self.query_one(Input).value.strip()
        problem = self.problem(text)
        if problem is not None:
            self.say(problem)
            return
        self.dismiss(text)
