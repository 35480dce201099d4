"""A labelled field with its message underneath: the value typed is never cleared by a check.

The field with the focus is marked so it reads from across the room, and without colour: a
thick bar down its left edge, and its label in reverse. Both are drawn without changing any
size (an outline, a text style), so moving the focus repaints two fields, not the whole form.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Static


class Field(Vertical):
    """A label, one control (an `Input`, `Choice`, `TickList`, ...) and a line for its message.

    The control keeps the form's field name as its id; the message line is `#<name>-error`, the
    hint line (an age worked out, a locality suggested) `#<name>-hint`.
    """

    DEFAULT_CSS = """
    Field {
        height: auto;
        padding-left: 1;
        /* A blank outline when unfocused: an outline that appears asks Textual for a layout */
        outline-left: blank;
        &:focus-within { outline-left: thick $accent; }
        & > Label { color: $text-muted; width: 1fr; height: 1; }
        &:focus-within > Label { color: $text; text-style: bold reverse; }
        & > .field-error { color: $text-error; padding: 0 1; display: none; }
        & > .field-error.-shown { display: block; }
        & > .field-hint { color: $text-muted; padding: 0 1; display: none; }
        & > .field-hint.-shown { display: block; }
    }
    """

    def __init__(
        self, label: str, control: Widget, *, hint: bool = False, id: str | None = None
    ) -> None:
        super().__init__(classes="field", id=id)
        self._label = label
        self._control = control
        self._with_hint = hint

    @property
    def control(self) -> Widget:
        return self._control

    def compose(self) -> ComposeResult:
        if self._label:
            yield Label(self._label, markup=False)
        yield self._control
        if self._with_hint:
            yield Static("", classes="field-hint", id=f"{self._control.id}-hint")
        yield Static("", classes="field-error", id=f"{self._control.id}-error")

    def show_error(self, message: str | None) -> None:
        """Show a message under the control, or hide the line; never touches the value."""
        self._show(".field-error", f"✗ {message}" if message else "")

    def show_hint(self, text: str | None) -> None:
        """A helpful line under the control (the age from a date of birth, say)."""
        self._show(".field-hint", text or "")

    def _show(self, selector: str, text: str) -> None:
        # Only on a change: an update re-lays the whole form out, and this runs on every key.
        line = self.query_one(selector, Static)
        if getattr(line, "_shown_text", "") == text:
            return
        line._shown_text = text  # type: ignore[attr-defined]
        line.update(Text(text))
        line.set_class(bool(text), "-shown")
