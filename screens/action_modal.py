"""One dialog for the referral's actions: pick from a list, give a reason, tick a box."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from screens.desk_modal import DeskModal
from screens.widgets.form_input import FormInput
from screens.widgets.ticks import TickBox


@dataclass(frozen=True, slots=True)
class ActionAnswer:
    choice: str | None
    reason: str
    ticked: bool


class ActionModal(DeskModal[ActionAnswer | None]):
    """Dismisses with the answer, or None on escape. Only `ctrl+s` confirms: enter moves to the
    next field (trial problem 14). The escape key is named for what it does here (`esc keep it`
    in a dialog about cancelling, trial problem 27), never "cancel"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="action-modal.back"),
    ]

    def __init__(
        self,
        title: str,
        *,
        choices: list[tuple[str, str]] | None = None,
        reason: str | None = None,
        reason_required: bool = False,
        tick: str | None = None,
        confirm_words: str = "confirm",
        back_words: str = "back",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.reason_label = reason
        self.reason_required = reason_required
        self.tick_label = tick
        self.confirm_words = confirm_words
        self.back_words = back_words

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text), classes="dialog-title")
            if self.choices:
                yield OptionList(
                    *(Option(Text(label), id=value) for label, value in self.choices),
                    id="action-choices",
                )
            if self.reason_label is not None:
                yield Static(Text(self.reason_label))
                yield FormInput(id="action-reason", compact=True)
            if self.tick_label:
                yield TickBox(self.tick_label, id="action-tick", compact=True)
            yield Static("", id="action-error")
            yield Static(
                Text(f"ctrl+s {self.confirm_words}   enter next field   esc {self.back_words}"),
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        if self.choices:
            options = self.query_one(OptionList)
            options.highlighted = 0
            options.focus()
        elif self.reason_label is not None:
            self.query_one(Input).focus()

    @on(OptionList.OptionSelected)
    @on(Input.Submitted)
    def _next(self, event: OptionList.OptionSelected | Input.Submitted) -> None:
        # Enter moves on; it never confirms a dialog with more to fill in (trial problem 14).
        # A bare list of places to go (the handover's packs) opens the one chosen, as before.
        event.stop()
        if self.reason_label is None and not self.tick_label:
            self.action_confirm()
        else:
            self.focus_next()

    def action_confirm(self) -> None:
        choice = None
        if self.choices:
            options = self.query_one(OptionList)
            index = options.highlighted
            if index is None:
                self._say("Choose one.")
                return
            choice = options.get_option_at_index(index).id
        reason = self.query_one(Input).value.strip() if self.reason_label is not None else ""
        if self.reason_required and not reason:
            self._say("A reason is needed.")
            return
        ticked = self.query_one(TickBox).value if self.tick_label else False
        self.dismiss(ActionAnswer(choice, reason, ticked))

    def _say(self, message: str) -> None:
        self.query_one("#action-error", Static).update(Text(message))

    def action_back(self) -> None:
        self.dismiss(None)
