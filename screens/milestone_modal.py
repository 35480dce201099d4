"""The dialog for a clinical milestone (allocated, first response, in service, closed): what a
supervisor will later rely on, asked deliberately. The time it really happened (now unless
edited; never in the future, never before the referral was received, refused at the field with
what was typed kept), who responded (from the rota, or a name typed), and a note where it
matters. Only ctrl+s records it: enter moves to the next field (trial problem 14)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from screens.desk_modal import DeskModal
from screens.widgets.form_input import FormInput
from screens.widgets.ticks import TickBox
from spr_desk.milestones import GivenTimeError, given_time_text, parse_given_time


@dataclass(frozen=True, slots=True)
class MilestoneAnswer:
    choice: str | None
    at: datetime
    responded_by: str
    note: str
    ticked: bool


@dataclass(frozen=True, slots=True)
class MilestoneAsk:
    """What the dialog asks for one milestone."""

    title: str
    time_label: str
    choices: list[tuple[str, str]] | None = None
    choice_label: str = ""
    people: list[str] | None = None
    """Who can be named as responding (from the rota); a name not listed can be typed."""
    note_label: str | None = None
    note_required: bool = False
    tick: str | None = None
    late_after: datetime | None = None
    """The due time: a note is needed when the time given is after it (why it was late)."""


class MilestoneModal(DeskModal[MilestoneAnswer | None]):
    """Dismisses with the answer on ctrl+s once every field is right, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Record", priority=True, id="milestone-modal.confirm"),
        Binding("escape", "back", "Back", id="milestone-modal.back"),
    ]
    ENTER_MOVES_ON = True

    def __init__(
        self, ask: MilestoneAsk, *, clock: Callable[[], datetime], received_at: datetime
    ) -> None:
        super().__init__()
        self.ask = ask
        self.clock = clock  # read again on ctrl+s: a dialog left open is not "in the future"
        self.received_at = received_at

    def compose(self) -> ComposeResult:
        ask = self.ask
        # The title and the keys stay in sight at 80x24; the fields between them scroll.
        with Vertical(classes="dialog", id="milestone-dialog"):
            yield Static(Text(ask.title), classes="dialog-title")
            yield from self._fields()
            yield Static("ctrl+s record   tab/enter next field   esc back", classes="dialog-keys")

    def _fields(self) -> ComposeResult:
        ask = self.ask
        with VerticalScroll(id="milestone-body"):
            if ask.choices:
                yield Static(Text(ask.choice_label), classes="field-label")
                yield OptionList(
                    *(Option(Text(words), id=value) for words, value in ask.choices),
                    id="milestone-choices",
                )
                yield Static("", id="choice-error", classes="field-error")
            yield Static(Text(ask.time_label), classes="field-label")
            yield FormInput(given_time_text(self.clock()), id="milestone-time", compact=True)
            yield Static("", id="time-error", classes="field-error")
            if ask.people is not None:
                yield Static(
                    Text("Who responded (on shift now or recently)"), classes="field-label"
                )
                yield OptionList(
                    *(Option(Text(name), id=f"person:{n}") for n, name in enumerate(ask.people)),
                    id="milestone-people",
                )
                yield Static(Text("or a name not on the rota"), classes="field-label")
                yield FormInput(id="milestone-other", compact=True)
                yield Static("", id="people-error", classes="field-error")
            if ask.note_label is not None:
                yield Static(Text(ask.note_label), classes="field-label")
                yield FormInput(id="milestone-note", compact=True)
                yield Static("", id="note-error", classes="field-error")
            if ask.tick:
                yield TickBox(ask.tick, id="milestone-tick", compact=True)

    def on_mount(self) -> None:
        # modals.tcss (the screen's CSS_PATH) outranks DEFAULT_CSS: its padding and margins
        # would push the keys line off a 24-row terminal, so they are set here.
        self.query_one("#milestone-dialog").styles.padding = (0, 2)
        self.query_one(".dialog-title").styles.margin = (0, 0)
        self.query_one(".dialog-keys").styles.margin = (0, 0)
        for options in self.query(OptionList):
            options.highlighted = None if options.id == "milestone-people" else 0
        first = self.query(OptionList).first() if self.ask.choices else self.query_one(Input)
        first.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        # Enter on a choice moves on; it never records the milestone (trial problem 14).
        event.stop()
        self.focus_next()

    def action_confirm(self) -> None:
        errors = {"#choice-error": "", "#time-error": "", "#people-error": "", "#note-error": ""}
        choice = None
        first_wrong: Widget | None = None
        if self.ask.choices:
            options = self.query_one("#milestone-choices", OptionList)
            if options.highlighted is None:
                errors["#choice-error"] = f"{self.ask.choice_label}: choose one."
                first_wrong = first_wrong or options
            else:
                choice = options.get_option_at_index(options.highlighted).id
        time_field = self.query_one("#milestone-time", Input)
        at = None
        try:
            at = parse_given_time(time_field.value, now=self.clock(), received_at=self.received_at)
        except GivenTimeError as wrong:
            errors["#time-error"] = str(wrong)
            first_wrong = first_wrong or time_field
        responded_by = ""
        if self.ask.people is not None:
            other = self.query_one("#milestone-other", Input)
            people = self.query_one("#milestone-people", OptionList)
            responded_by = other.value.strip()
            if not responded_by and people.highlighted is not None:
                responded_by = str(people.get_option_at_index(people.highlighted).prompt)
            if not responded_by:
                errors["#people-error"] = "Say who responded: choose from the rota or type a name."
                first_wrong = first_wrong or people
        note = ""
        if self.ask.note_label is not None:
            note_field = self.query_one("#milestone-note", Input)
            note = note_field.value.strip()
            late = self.ask.late_after is not None and at is not None and at > self.ask.late_after
            if (self.ask.note_required or late) and not note:
                errors["#note-error"] = "A reason is needed."
                first_wrong = first_wrong or note_field
        for where, message in errors.items():
            for shown in self.query(where).results(Static):
                shown.update(Text(message))
                shown.display = bool(message)
        if first_wrong is not None or at is None:
            if first_wrong is not None:
                first_wrong.focus()
            return
        ticked = self.query_one(TickBox).value if self.ask.tick else False
        self.dismiss(MilestoneAnswer(choice, at, responded_by, note, ticked))

    def action_back(self) -> None:
        self.dismiss(None)
