"""Flag a referral for review: which referral, and why."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from screens.desk_modal import DeskModal
from screens.widgets.form_input import FormInput
from spr_desk.reference import parse_reference


def reference_problem(reference: str) -> str:
    """What is wrong with a typed reference, or "" when it has the form of one."""
    if not reference:
        return "Give the referral's reference."
    try:
        parse_reference(reference)
    except ValueError as wrong:
        return str(wrong)
    return ""


@dataclass(frozen=True, slots=True)
class FlagAnswer:
    reference: str
    comment: str


class FlagModal(DeskModal[FlagAnswer | None]):
    """Dismisses with the reference and comment, or None on escape. `ctrl+s` confirms; enter in
    the reference moves to the comment, enter in the comment confirms."""

    def __init__(self, reference: str = "") -> None:
        super().__init__()
        self.initial_reference = reference

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Flag a referral for review"), classes="dialog-title")
            yield Static(Text("Reference"))
            yield FormInput(
                self.initial_reference,
                placeholder="SPR-YYYY-NNNNNN",
                id="flag-reference",
                compact=True,
            )
            yield Static("", id="flag-reference-error", classes="flag-error")
            yield Static(Text("Why does it need review?"))
            yield FormInput(id="flag-comment", compact=True)
            yield Static("", id="flag-comment-error", classes="flag-error")
            yield Static("ctrl+s  confirm     esc  cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        target = "#flag-comment" if self.initial_reference else "#flag-reference"
        self.query_one(target, Input).focus()

    @on(Input.Submitted, "#flag-reference")
    def _reference_given(self) -> None:
        reference = self.query_one("#flag-reference", Input).value.strip()
        problem = reference_problem(reference)
        self._say("#flag-reference-error", problem)
        if not problem:
            self.query_one("#flag-comment", Input).focus()

    @on(Input.Submitted, "#flag-comment")
    def _comment_given(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        reference = self.query_one("#flag-reference", Input).value.strip().upper()
        comment = self.query_one("#flag-comment", Input).value.strip()
        # Each field's problem under that field (a short reference is the reference's, not
        # the comment's), and the focus taken to the first one.
        problem = reference_problem(reference)
        self._say("#flag-reference-error", problem)
        self._say("#flag-comment-error", "" if comment else "Say why it needs review.")
        if problem:
            self.query_one("#flag-reference", Input).focus()
        elif not comment:
            self.query_one("#flag-comment", Input).focus()
        else:
            self.dismiss(FlagAnswer(reference, comment))

    def _say(self, where: str, message: str) -> None:
        self.query_one(where, Static).update(Text(message))
