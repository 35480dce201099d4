"""Dialogs that ask for a decision hear only keys pressed after they appeared.

A handler typing fast may press enter, meaning the field they were in, in the instant a dialog
opens; that enter must not record a referral that was never read back, or leave a call. The app
reads keys one at a time (`screens/key_order.py`) and gives a `Deliberate` screen none that was
pressed before it was mounted: such a key is passed over, with a bell.
"""

from __future__ import annotations

from textual import events
from textual._time import get_time


class Deliberate:
    """Mixed into a `ModalScreen` that asks for a decision."""

    opened_at: float | None = None
    """When the dialog was mounted, on the clock Textual stamps events with."""

    def _on_mount(self, _event: events.Mount) -> None:
        self.opened_at = get_time()

    def pressed_before_opening(self, event: events.Key) -> bool:
        return self.opened_at is None or event.time < self.opened_at
