"""The GP update of one referral: the draft as prose, editable while it is drafted; ctrl+s sends
it (the edit is kept first), escape keeps the edit as the draft. Once queued or sent it is read
only, with where it is (waiting to send, sent with its MESH id, acknowledged, failed).

The dialog talks to the desk itself (in a worker), so a refusal ("no MESH mailbox for ...") is
said at the text, and the text stays as typed: nothing the handler wrote is lost."""

from __future__ import annotations

from typing import ClassVar, Protocol

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static, TextArea

from screens.desk_modal import DeskModal
from screens.fault_words import failure_words
from spr_desk.gp_update.views import GpUpdateView
from spr_desk.refusal import Refused
from spr_desk.uktime import short_local
from spr_desk.validation import plain_text
from spr_desk.vocabulary import GpUpdateState, label


class GpUpdates(Protocol):
    """What the dialog needs of the desk."""

    def draft_gp_update(self, reference: str, *, by: str) -> GpUpdateView: ...

    def edit_gp_update(
        self, update_id: int, body: str, *, by: str, version: int
    ) -> GpUpdateView: ...

    def send_gp_update(self, update_id: int, *, by: str) -> GpUpdateView: ...


def state_text(update: GpUpdateView) -> Text:
    """Where the update is, in one or two lines: its state, its due time and what it waits on."""
    text = Text(f"{label(update.state)}", style="bold")
    if update.state is GpUpdateState.DRAFTED:
        text.append(f" by {update.drafted_by} at {short_local(update.drafted_at)}")
    elif update.state is GpUpdateState.QUEUED and update.queued_at is not None:
        text.append(f" since {short_local(update.queued_at)} (the MESH sender delivers it)")
    elif update.state is GpUpdateState.SENT and update.sent_at is not None:
        text.append(f" {short_local(update.sent_at)}, MESH id {update.mesh_message_id or '-'}")
    elif update.state is GpUpdateState.ACKNOWLEDGED and update.acknowledged_at is not None:
        text.append(f" by the practice {short_local(update.acknowledged_at)}")
    if update.state is not GpUpdateState.ACKNOWLEDGED:
        overdue = update.overdue  # the desk's rule: closed, the GP not told, past due
        text.append("  ·  ")
        text.append(
            f"GP update overdue since {short_local(update.due_at)}"
            if overdue
            else f"to be acknowledged by {short_local(update.due_at)}",
            style="bold reverse" if overdue else "",
        )
    if update.last_error:
        text.append(f"\nLast try: {update.last_error}")
    return text


class GpUpdateModal(DeskModal[None]):
    """Dismisses None: what was done is stored as it is done (edit, send)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Send", priority=True, id="gp-update-modal.confirm"),
        Binding("escape", "cancel", "Keep", id="gp-update-modal.cancel"),
    ]

    def __init__(self, desk: GpUpdates, reference: str, *, by: str, update: GpUpdateView) -> None:
        super().__init__()
        self.desk = desk
        self.reference = reference
        self.by = by
        self.update = update
        self.busy = False

    @property
    def editable(self) -> bool:
        return self.update.state is GpUpdateState.DRAFTED

    def compose(self) -> ComposeResult:
        update = self.update
        with VerticalScroll(classes="dialog", id="gp-update-dialog"):
            yield Static(
                Text(f"GP update for {self.reference} to {update.practice or 'no practice'}"),
                classes="dialog-title",
            )
            yield Static(state_text(update), id="gp-update-state")
            yield TextArea(
                update.body, id="gp-update-body", soft_wrap=True, read_only=not self.editable
            )
            yield Static("", id="gp-update-error")
            yield Static(self._keys(), classes="dialog-keys", id="gp-update-keys")

    def _keys(self) -> str:
        if self.editable:
            return "ctrl+s  send to the practice     esc  keep as the draft"
        return "esc  back"

    def on_mount(self) -> None:
        body = self.query_one("#gp-update-body", TextArea)
        body.focus()
        # What the handler types adds to the draft (TextArea has no key for the document's end).
        body.move_cursor(body.document.end)

    def _say(self, words: str) -> None:
        self.query_one("#gp-update-error", Static).update(Text(words, style="bold"))

    def _typed(self) -> str:
        # As every typed field: no control character (a pasted escape is dropped); lines kept.
        return "\n".join(plain_text(line) for line in self.query_one(TextArea).text.split("\n"))

    def action_confirm(self) -> None:
        if not self.editable:
            self._say(f"This update is {label(self.update.state)}: it cannot be changed.")
            return
        if not self._typed().strip():
            self._say("The update is empty: write what the GP should know.")
            return
        if not self.busy:
            self.busy = True
            self._store(self._typed(), send=True)

    def action_cancel(self) -> None:
        if self.busy:
            return  # a save is under way: its end closes the dialog (a second close would not)
        if self.editable and self._typed() != self.update.body:
            self.busy = True
            self._store(self._typed(), send=False)
            return
        self.dismiss(None)

    @work(thread=True, exit_on_error=False, group="gp-update")
    def _store(self, body: str, *, send: bool) -> None:
        """`body` is read on the UI thread; this runs in a worker."""
        update = self.update
        try:
            if body != update.body:
                update = self.desk.edit_gp_update(
                    update.id, body, by=self.by, version=update.version
                )
                self.app.call_from_thread(self._stored, update)
            if send:
                update = self.desk.send_gp_update(update.id, by=self.by)
        except Refused as refused:
            self.app.call_from_thread(self._refused, str(refused))
            return
        except Exception as error:  # noqa: BLE001 - a failed save is said, never fatal
            self.app.call_from_thread(self._refused, f"Not saved: {failure_words(error)}")
            return
        self.app.call_from_thread(self._done, update, send)

    def _stored(self, update: GpUpdateView) -> None:
        self.update = update

    def _refused(self, words: str) -> None:
        self.busy = False
        self._say(words)

    def _done(self, update: GpUpdateView, sent: bool) -> None:
        self.update = update
        self.app.notify(
            f"GP update for {self.reference} "
            + ("queued for the practice." if sent else "kept as the draft."),
            markup=False,
        )
        self.dismiss(None)
