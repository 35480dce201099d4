"""Signing out asks first, from any screen: what happens to the calls open, and who is next."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from screens.deliberate import Deliberate

SIGN_OUT_KEY = "f12"
"""The app's key for signing out; pressed again in this dialog it says yes."""
KEYS = "s / F12  sign out      esc / enter  stay"


def calls_words(calls: int) -> str:
    """What happens to the calls open (on screen and on hold) when their handler signs out."""
    if calls == 0:
        return "No call is open."
    open_calls = "The call open is" if calls == 1 else f"The {calls} calls open are"
    return (
        f"{open_calls} kept as your draft, as typed, and offered to you (not to the next "
        "person) when you sign in again."
    )


class SignOutModal(Deliberate, ModalScreen[bool]):
    """Dismisses True to sign out; enter and esc stay (signing out is a key pressed on
    purpose)."""

    CSS_PATH = "modals.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "answer(True)", "Sign out", id="sign-out-modal.sign-out"),
        Binding("escape", "answer(False)", "Stay", id="sign-out-modal.stay"),
        Binding(
            "enter",
            "answer(False)",
            "Stay",
            show=False,
            priority=True,
            id="sign-out-modal.stay-enter",
        ),
    ]

    def __init__(self, shown_as: str, calls: int) -> None:
        super().__init__()
        self.shown_as = shown_as
        self.calls = calls

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(f"Sign out {self.shown_as}?"), classes="dialog-title")
            yield Static(calls_words(self.calls), id="sign-out-calls")
            yield Static("The next person signs in to their own queue.")
            yield Static(KEYS, classes="dialog-keys")

    def action_answer(self, sign_out: bool) -> None:
        self.dismiss(sign_out)
