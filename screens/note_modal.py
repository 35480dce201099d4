"""A note, or a follow-up call ("daughter rang again": who rang, what they said), added to a
referral at any status. ctrl+s adds it; enter moves to the next field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from screens.desk_modal import DeskModal
from screens.widgets.form_input import FormInput
from spr_desk.validation import plain_text
from spr_desk.vocabulary import NoteKind


@dataclass(frozen=True, slots=True)
class NoteAnswer:
    kind: NoteKind
    caller: str
    text: str


class NoteModal(DeskModal[NoteAnswer | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Add", priority=True, id="note-modal.confirm"),
        Binding("escape", "back", "Back", id="note-modal.back"),
    ]
    ENTER_MOVES_ON = True

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Text(f"Add to {self.reference}"), classes="dialog-title")
            yield OptionList(
                Option("A follow-up call (someone rang about it)", id=NoteKind.FOLLOW_UP_CALL),
                Option("A note", id=NoteKind.NOTE),
                id="note-kind",
            )
            yield Static("Who rang (for a follow-up call)", classes="field-label")
            yield FormInput(id="note-caller", compact=True)
            yield Static("What was said, or the note", classes="field-label")
            yield FormInput(id="note-text", compact=True)
            yield Static("", id="note-error")
            yield Static("ctrl+s add   tab/enter next field   esc back", classes="dialog-keys")

    def on_mount(self) -> None:
        kinds = self.query_one(OptionList)
        kinds.highlighted = 0
        kinds.focus()

    @on(OptionList.OptionSelected)
    def _next(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.focus_next()

    def action_confirm(self) -> None:
        kinds = self.query_one(OptionList)
        option = kinds.get_option_at_index(kinds.highlighted or 0)
        assert option.id is not None  # each option's id is its kind
        kind = NoteKind(option.id)
        # as the call's fields: a note keeps no control character (one pasted in is dropped)
        caller = plain_text(self.query_one("#note-caller", Input).value).strip()
        text = plain_text(self.query_one("#note-text", Input).value).strip()
        error = ""
        if kind is NoteKind.FOLLOW_UP_CALL and not caller:
            error, field = "Say who rang.", "#note-caller"
        elif not text:
            error, field = "Say what was said, or what the note is.", "#note-text"
        if error:
            self.query_one("#note-error", Static).update(Text(error))
            self.query_one(field, Input).focus()
            return
        self.dismiss(NoteAnswer(kind, caller, text))

    def action_back(self) -> None:
        self.dismiss(None)
