"""The desk's one-line text field: typing in it never re-lays out the whole screen, and its
cursor does not blink."""

from __future__ import annotations

from typing import Any

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class FormInput(Input):
    """Textual's `Input`, with its virtual size set quietly and a steady cursor.

    `Input` sets its virtual size to the width of what is typed on every key, and a change of
    virtual size asks for a layout of the screen: on the call's form that was a full layout per
    key, 5-10 ms, so a burst of keys came out a frame each. The field's own size never changes
    (one line, the form's width); its scrolling reads the virtual size, which is still kept.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A blinking cursor is not there half the time a handler looks back at the screen (and
        # a screenshot of the desk depended on when it was taken); a steady one always is.
        self.cursor_blink = False
