"""Sign off a response set lower than the facts asked for: the whole override, and a comment."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from screens.desk_modal import DeskModal
from screens.widgets.form_input import FormInput
from spr_desk.due import format_time_left
from spr_desk.supervision import HeldOverride
from spr_desk.uktime import short_local
from spr_desk.vocabulary import cell_words


def override_text(held: HeldOverride, now: datetime) -> Text:
    """The whole override, wrapped: what the facts asked for and when it was due, what was
    agreed, why, and who recorded it."""
    left = held.time_left(now)
    due = short_local(held.asked_due_at)
    when = (
        f"was due {due} (passed {format_time_left(-left)} ago)"
        if left.total_seconds() < 0
        else (f"due {due} ({format_time_left(left)} left)")
    )
    return Text.assemble(
        ("Asked for  ", "bold"),
        cell_words(held.rec_response, held.rec_lead),
        f", {when}\n",
        ("Agreed     ", "bold"),
        cell_words(held.response, held.lead),
        "\n",
        ("Recorded   ", "bold"),
        f"by {held.recorded_by}, {short_local(held.recorded_at)}\n",
        ("Reason     ", "bold"),
        held.reason,
    )


class SignOffModal(DeskModal[str | None]):
    """Dismisses with the comment, or None on escape. `ctrl+s` or enter confirms; an empty
    comment is refused at the field."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Sign off", priority=True, id="sign-off-modal.confirm"),
    ]

    def __init__(self, held: HeldOverride, now: datetime) -> None:
        super().__init__()
        self.held = held
        self.now = now

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Text(f"Sign off {self.held.reference}: a response lower than asked for"),
                classes="dialog-title",
            )
            with VerticalScroll(id="sign-off-override"):
                yield Static(override_text(self.held, self.now))
            yield Static(Text("Your comment (why the lower response is safe)"))
            yield FormInput(
                placeholder="what you checked, and with whom", id="sign-off-comment", compact=True
            )
            yield Static("", id="sign-off-comment-error", classes="sign-off-error")
            yield Static("ctrl+s  sign off     esc  cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#sign-off-comment", Input).focus()

    @on(Input.Submitted, "#sign-off-comment")
    def _submitted(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        comment = self.query_one("#sign-off-comment", Input).value.strip()
        if not comment:
            self.query_one("#sign-off-comment-error", Static).update(
                Text("Say why the lower response is safe: a sign-off needs a comment.")
            )
            self.query_one("#sign-off-comment", Input).focus()
            return
        self.dismiss(comment)
