"""A labelled field with its message underneath: the value typed is never cleared by a check.

The field with the focus is marked so it reads from across the room, and without colour: a
thick bar down its left edge, and its label in reverse. Both are drawn without changing any
size (an outline, a text style), so moving the focus repaints two fields, not the whole form.

The marks are the field's component classes, set as inline styles when the focus comes or
goes, not a `:focus-within` rule: Textual answers a focus move into or out of a node with a
`:focus-within` rule by matching everything that node holds against the whole stylesheet again,
some 5 ms a field on the call's form, twice a Tab, which alone took a Tab past one 60 Hz frame.
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

    COMPONENT_CLASSES = {"field--focused", "field--focused-label"}
    """How the field, and its label, look while the focus is in the field."""

    DEFAULT_CSS = """
    Field {
        height: auto;
        padding-left: 1;
        /* A blank outline when unfocused: an outline that appears asks Textual for a layout */
        outline-left: blank;
        & > .field--focused { outline-left: thick $accent; }
        & > Label { color: $text-muted; width: 1fr; height: 1; }
        & > .field--focused-label { color: $text; text-style: bold reverse; }
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
        self._label_line = Label(label, markup=False)
        self._marked = False
        self._follows_theme = False

    @property
    def control(self) -> Widget:
        return self._control

    def compose(self) -> ComposeResult:
        if self._label:
            yield self._label_line
        yield self._control
        if self._with_hint:
            yield Static("", classes="field-hint", id=f"{self._control.id}-hint")
        yield Static("", classes="field-error", id=f"{self._control.id}-error")

    def on_descendant_focus(self) -> None:
        self._show_focus()

    def on_descendant_blur(self) -> None:
        self._show_focus()

    def _theme_changed(self, _theme: object) -> None:
        if self._marked:  # the marks in the new theme's colours (its styles are in by now)
            self._mark(True)

    def _show_focus(self) -> None:
        # From where the focus is now, not from the event: a move between two controls of one
        # field can deliver its blur after its focus.
        focused = self.has_focus_within
        if focused != self._marked:
            self._marked = focused
            self._mark(focused)
            if focused and not self._follows_theme:  # once, when it matters (not on mount)
                self._follows_theme = True
                self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _mark(self, focused: bool) -> None:
        marks: list[tuple[Widget, str]] = [(self, "field--focused")]
        if self._label:
            marks.append((self._label_line, "field--focused-label"))
        for node, component in marks:
            inline = node.styles.inline
            for rule, value in self.get_component_styles(component).base.get_rules().items():
                if focused:
                    inline.set_rule(rule, value)
                else:
                    inline.clear_rule(rule)
            node.refresh()

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
