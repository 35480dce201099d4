"""The dialog that makes a call a paper call (F9 in the call): the sheet's reserved reference,
the received time written on it and who took it, checked with the desk in a worker; a refusal
is said at its field and everything typed stays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from screens.context import DeskContext
from screens.desk_modal import DeskModal
from screens.widgets.form_input import FormInput
from spr_desk.desk_api import DeskError
from spr_desk.downtime.paper import PaperRefused, parse_written_time
from spr_desk.faults import fault_of
from spr_desk.validation import plain_text

REFERENCE, WRITTEN, TAKEN_BY = "paper-reference", "paper-written", "paper-taken-by"
"""The dialog's three fields; each of the first two has its message under it (`-error`)."""
NEEDED = {
    REFERENCE: "Type the sheet's reference, as printed on it (SPR-2026-000121).",
    WRITTEN: "Type the received time written on the sheet: DD/MM/YYYY HH:MM, or HH:MM today.",
}
"""The two fields a paper call cannot do without, with what each says while empty."""


@dataclass(frozen=True, slots=True)
class PaperSheet:
    """A sheet the desk accepted: its reference as the desk writes it, the written received
    time (UTC) and who took the call on paper (may be empty)."""

    reference: str
    received_at: datetime
    taken_by: str


class PaperSheetModal(DeskModal[PaperSheet | None]):
    """Dismisses with the sheet accepted, or None on escape. Opened again on a paper call, it
    holds what was accepted before, to correct."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Check", priority=True, id="paper-sheet-modal.confirm"),
    ]

    def __init__(
        self, ctx: DeskContext, *, reference: str = "", written: str = "", taken_by: str = ""
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.values = {REFERENCE: reference, WRITTEN: written, TAKEN_BY: taken_by}
        self.checking = False
        """A check is with the desk: a second enter waits for its answer."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("From paper: a call taken on a sheet in downtime", classes="dialog-title")
            yield Static(
                "Its due time runs from the received time written on the sheet, not from now."
            )
            yield Static("Reference, as printed on the sheet", classes="field-label")
            yield FormInput(
                self.values[REFERENCE], placeholder="SPR-YYYY-NNNNNN", id=REFERENCE, compact=True
            )
            yield Static("", id=f"{REFERENCE}-error", classes="paper-error")
            yield Static("Received, as written on the sheet", classes="field-label")
            yield FormInput(
                self.values[WRITTEN], placeholder="DD/MM/YYYY HH:MM", id=WRITTEN, compact=True
            )
            yield Static("", id=f"{WRITTEN}-error", classes="paper-error")
            yield Static("Taken on paper by (if written on the sheet)", classes="field-label")
            yield FormInput(self.values[TAKEN_BY], id=TAKEN_BY, compact=True)
            yield Static("", id="paper-checking")
            yield Static("enter  check     tab  next field     esc  cancel", classes="dialog-keys")

    def on_mount(self) -> None:
        self._input(REFERENCE).focus()

    def _input(self, name: str) -> Input:
        return self.query_one(f"#{name}", Input)

    def _typed(self, name: str) -> str:
        # kept in the call's draft and stored: no control character (a paste may carry one)
        return plain_text(self._input(name).value).strip()

    def say(self, name: str, message: str) -> None:
        """A message under the field `name`; what was typed stays."""
        self.query_one(f"#{name}-error", Static).update(Text(message))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter checks the sheet, unless another field it needs is still empty: on to that."""
        event.stop()
        empty = next((name for name in NEEDED if not self._typed(name)), None)
        if empty is not None and empty != event.input.id:
            self._input(empty).focus()
            return
        self.action_confirm()

    def action_confirm(self) -> None:
        if self.checking:
            return
        for name in NEEDED:
            self.say(name, "")
        for name, words in NEEDED.items():
            if not self._typed(name):
                self.say(name, words)
                self._input(name).focus()
                return
        self.checking = True
        self.query_one("#paper-checking", Static).update("Checking the sheet with the desk...")
        self._check(self._typed(REFERENCE), self._typed(WRITTEN), self._typed(TAKEN_BY))

    @work(thread=True, exclusive=True, exit_on_error=False, group="paper-check")
    def _check(self, reference: str, written: str, taken_by: str) -> None:
        """The reference with the desk, then the written time against when that sheet was
        printed: in a thread, as the desk may be slow (or just back from being down)."""
        try:
            sheet = self.ctx.desk.check_sheet(reference)
        except DeskError as refused:
            self.app.call_from_thread(self._refused, REFERENCE, str(refused))
            return
        except Exception as error:  # noqa: BLE001 - said in the dialog; nothing typed is lost
            self.app.call_from_thread(self._refused, REFERENCE, f"Not checked: {fault_of(error)}")
            return
        try:
            received = parse_written_time(
                written, now=self.ctx.clock(), printed_at=sheet.reserved_at
            )
        except PaperRefused as refused:
            self.app.call_from_thread(self._refused, WRITTEN, str(refused))
            return
        self.app.call_from_thread(self._accepted, PaperSheet(sheet.reference, received, taken_by))

    def _refused(self, name: str, message: str) -> None:
        self.checking = False
        if not self.is_attached:
            return  # closed (escape) while the desk was asked
        self.query_one("#paper-checking", Static).update("")
        self.say(name, message)
        self._input(name).focus()

    def _accepted(self, sheet: PaperSheet) -> None:
        self.checking = False
        if self.is_attached and self.app.screen is self:
            self.dismiss(sheet)
