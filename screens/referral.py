"""One referral: everything about it, its history, and the actions its state allows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from screens.action_modal import ActionAnswer, ActionModal
from screens.bars_rows import bars_rows
from screens.context import DeskContext, permitted
from screens.desk_screen import DeskScreen
from screens.fault_words import failure_words
from screens.gp_update_modal import GpUpdateModal, state_text
from screens.milestone_modal import MilestoneAnswer, MilestoneAsk, MilestoneModal
from screens.nhs_number_modal import NhsNumberModal
from screens.note_modal import NoteAnswer, NoteModal
from screens.widgets.desk_header import DeskHeader
from spr_desk.allocation import allocation_offers
from spr_desk.audit_actions import AuditAction, label_of
from spr_desk.bars.prefill import triage_form
from spr_desk.bars.replies import REJECT_WORDS, RejectReason
from spr_desk.call_form import RECORDS_REVIEWED, CallForm
from spr_desk.caller_questions import caller_questions
from spr_desk.csds_ucr import ucr_words
from spr_desk.downtime.paper import breached_on_paper
from spr_desk.due import format_time_left, time_left
from spr_desk.fact_names import fact_name
from spr_desk.gp_update.views import GpUpdateView
from spr_desk.lifecycle import LEAD_CHANGE_STATUSES, OPEN_STATUSES, can_transition, why_not
from spr_desk.nhs_number import format_nhs_number
from spr_desk.printable import printable, printable_lines
from spr_desk.refusal import Refused
from spr_desk.roles import Permission
from spr_desk.uktime import short_local
from spr_desk.urgency_ratchet import is_downward
from spr_desk.validation import format_phone
from spr_desk.vocabulary import (
    CloseOutcome,
    GpUpdateState,
    Lead,
    Need,
    NhsNumberStatus,
    NoteKind,
    Outcome,
    Pathway,
    RedFlag,
    Response,
    Setting,
    Status,
    Urgency,
    label,
    no_nhs_number_words,
    word_for,
)

if TYPE_CHECKING:
    from spr_desk.desk_api import BarsDetail, ReferralDetail, ReferralSummary, WhoIsOn


@runtime_checkable
class TriageHost(Protocol):
    """The desk's app, which opens calls (`screens.call_desk.CallDesk`)."""

    def triage_sent(self, form: CallForm) -> None: ...


class ReferralScreen(DeskScreen):
    CSS_PATH = "referral.tcss"
    # The footer keeps to what fits at 80 columns (trial problem 32); every action's key is on
    # the keys line under the header, for the actions this status allows.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="referral.back"),
        Binding(
            "u",
            "undo",
            "Undo",
            tooltip="Take back the milestone you recorded in the last 5 min",
            id="referral.undo",
        ),
        Binding(
            "n",
            "add_nhs_number",
            "NHS number",
            tooltip="Add the NHS number the call could not give (traced, or from the record)",
            id="referral.add-nhs-number",
        ),
        Binding(
            "f",
            "add_note",
            "Note / call",
            tooltip="A note or a follow-up call, any status",
            id="referral.add-note",
        ),
        Binding("a", "allocate", "Allocate", show=False, id="referral.allocate"),
        Binding("r", "respond", "Responded", show=False, id="referral.respond"),
        Binding("s", "start_service", "In service", show=False, id="referral.start-service"),
        Binding("l", "change_lead", "Lead", show=False, id="referral.change-lead"),
        Binding("c", "close", "Close", show=False, id="referral.close"),
        Binding("x", "cancel", "Cancel", show=False, id="referral.cancel"),
        Binding("t", "triage", "Triage", show=False, id="referral.triage"),
        Binding("g", "gp_update", "GP update", show=False, id="referral.gp-update"),
        Binding("A", "bars_accept", "Accept (999)", show=False, id="referral.bars-accept"),
        Binding("b", "bars_reject", "Send back (999)", show=False, id="referral.bars-reject"),
    ]

    def __init__(self, ctx: DeskContext, reference: str) -> None:
        super().__init__(ctx)
        self.reference = reference
        self.detail: ReferralDetail | None = None
        self.teams: list[str] = []
        self.who: WhoIsOn | None = None
        self.undo_refused: str | None = "nothing recorded yet"
        self.gp_update: GpUpdateView | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="referral-keys")
        with VerticalScroll(id="referral-body"):
            # First once there is one (or the referral is closed): where the GP's update is.
            yield Static("", id="referral-gp-update")
            yield Static("Loading...", id="referral-main")
            yield Static("", id="referral-history")

    def make_footer(self) -> Footer:
        return Footer()

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = self.reference
        self._load()

    def on_screen_resume(self) -> None:
        if self.detail is not None:  # back from a call (a triage) or a dialog: read it again
            self._load()

    def _load(self) -> None:
        self.load(self._read, group="referral", exclusive=True, then=lambda read: self._show(*read))

    def _read(self) -> tuple[ReferralDetail, str | None, GpUpdateView | None]:
        """The referral, whether its last milestone may be undone, and its GP update (in the
        worker)."""
        detail = self.desk.detail(self.reference)
        if not self.teams:
            # Read here, not on the key press that needs them.
            self.teams = self.desk.team_names()
            self.who = self.desk.who_is_on()
        undo = self.desk.undo_refused(self.reference, by=self.ctx.by)
        return detail, undo, self.desk.gp_update(self.reference)

    def _show(
        self,
        detail: ReferralDetail,
        undo_refused: str | None = None,
        gp_update: GpUpdateView | None = None,
    ) -> None:
        self.detail = detail
        self.undo_refused = undo_refused
        self.gp_update = gp_update
        now = self.ctx.clock()
        self.query_one(DeskHeader).now = now
        keys = keys_line(detail, undo_refused, gp_update=gp_update is not None)
        self.query_one("#referral-keys", Static).update(Text(keys))
        self.query_one("#referral-main", Static).update(_main_table(detail, now))
        line = self.query_one("#referral-gp-update", Static)
        line.display = gp_update is not None or detail.summary.status is Status.CLOSED
        line.update(gp_update_line(gp_update) if line.display else "")
        self.query_one("#referral-history", Static).update(_history_table(detail))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002 - Textual's signature
        if action == "add_nhs_number":
            patient = self.detail.patient if self.detail else None
            return patient is not None and not patient.nhs_number
        if action == "undo":
            return self.undo_refused is None
        return True

    def _allowed(self, target: Status) -> bool:
        """The screen's own check of the lifecycle (the desk checks again): say why not."""
        if self.detail is None:
            return False
        refused = why_not(self.detail.summary.status, target)
        if refused:
            self.notify(refused, severity="error", markup=False, timeout=10)
            return False
        return True

    # the actions ------------------------------------------------------------------------------

    def _milestone(self, ask: MilestoneAsk, then: Callable[[MilestoneAnswer], None]) -> None:
        assert self.detail is not None
        modal = MilestoneModal(
            ask, clock=self.ctx.clock, received_at=self.detail.summary.received_at
        )
        self.app.push_screen(modal, lambda answer: then(answer) if answer else None)

    def action_allocate(self) -> None:
        if not self._allowed(Status.ALLOCATED) or self.detail is None:
            return
        summary = self.detail.summary
        offers = (
            allocation_offers(
                self.who.on_now,
                self.who.starting,
                locality=self.detail.locality,
                lead=Lead(summary.lead) if summary.lead else None,
                due_at=summary.due_at,
            )
            if self.who
            else []
        )
        choices = [(name, f"team:{name}") for name in self.teams]
        choices += [(offer.text, f"staff:{offer.staff_id}") for offer in offers]
        ask = MilestoneAsk(
            title=f"Allocate {self.reference}",
            choice_label="To a team, or a professional on shift (best fit first)",
            choices=choices,
            time_label=TIME_LABEL.format(what="Allocated at"),
        )
        self._milestone(ask, self._allocate)

    def _allocate(self, answer: MilestoneAnswer) -> None:
        kind, _, value = (answer.choice or "").partition(":")
        if kind == "staff":
            self._move(Status.ALLOCATED, staff_id=int(value), at=answer.at)
        else:
            self._move(Status.ALLOCATED, team=value, at=answer.at)

    def action_respond(self) -> None:
        if not self._allowed(Status.RESPONDED) or self.detail is None:
            return
        due = self.detail.summary.due_at
        names = [shift.name for shift in self.who.on_now] if self.who else []
        ask = MilestoneAsk(
            title=f"First face-to-face response to {self.reference}",
            time_label=TIME_LABEL.format(what="Responded at"),
            people=list(dict.fromkeys(names)),
            # The supervisor sees the reason beside a breach, judged at the time given.
            note_label=(
                f"Why after the due time, {short_local(due)}? (needed if it was)"
                if due is not None
                else None
            ),
            late_after=due,
        )
        self._milestone(
            ask,
            lambda answer: self._move(
                Status.RESPONDED, reason=answer.note, at=answer.at, responded_by=answer.responded_by
            ),
        )

    def action_start_service(self) -> None:
        if not self._allowed(Status.IN_SERVICE):
            return
        ask = MilestoneAsk(
            title=f"The episode of care for {self.reference} has started",
            time_label=TIME_LABEL.format(what="Service started at"),
        )
        self._milestone(ask, lambda answer: self._move(Status.IN_SERVICE, at=answer.at))

    def action_change_lead(self) -> None:
        if self.detail is None:
            return
        if self.detail.summary.status not in LEAD_CHANGE_STATUSES:
            self.notify(
                "The lead can change only while the referral is open.",
                severity="error",
                timeout=10,
            )
            return
        current = self.detail.summary.lead if self.detail else None
        choices = [(label(lead), lead.value) for lead in Lead if lead.value != current]
        modal = ActionModal(
            "Change the lead (the same referral carries on)",
            choices=choices,
            reason="Why?",
            reason_required=True,
        )
        self._ask(modal, self._change_lead)

    def _change_lead(self, answer: ActionAnswer) -> None:
        assert answer.choice is not None
        lead = Lead(answer.choice)
        self._run(
            lambda: self.desk.change_lead(
                self.reference, lead, reason=answer.reason, by=self.ctx.by
            )
        )

    def action_close(self) -> None:
        if not self._allowed(Status.CLOSED):
            return
        ask = MilestoneAsk(
            title=f"Close {self.reference} with an outcome",
            choice_label="Outcome",
            choices=[(label(outcome), outcome.value) for outcome in CloseOutcome],
            time_label=TIME_LABEL.format(what="Closed at"),
            note_label="Note (optional)",
            tick="The GP has been updated",
        )
        self._milestone(ask, self._close)

    def _close(self, answer: MilestoneAnswer) -> None:
        assert answer.choice is not None  # the outcome is asked for: the modal needs one
        self._move(
            Status.CLOSED,
            outcome=CloseOutcome(answer.choice),
            gp_updated=answer.ticked,
            reason=answer.note,
            at=answer.at,
            # The GP told another way owes no update; else its draft is shown to read and send.
            then=None if answer.ticked else self.action_gp_update,
        )

    def action_gp_update(self) -> None:
        self._open_gp_update()

    @work(thread=True, exit_on_error=False, group="referral-action")
    def _open_gp_update(self) -> None:
        """The referral's latest update, or a new draft of it (closed or not: on demand)."""
        try:
            update = self.desk.gp_update(self.reference)
            if update is None or update.state in REDRAFT_AFTER:
                update = self.desk.draft_gp_update(self.reference, by=self.ctx.by)
        except Refused as refused:
            self.app.call_from_thread(
                self.notify, str(refused), severity="error", markup=False, timeout=10
            )
            return
        except Exception as error:  # noqa: BLE001 - a failed read is said, never fatal
            self.app.call_from_thread(
                self.notify, f"Not read: {failure_words(error)}", severity="error", markup=False
            )
            return
        modal = GpUpdateModal(self.desk, self.reference, by=self.ctx.by, update=update)
        self.app.call_from_thread(self.app.push_screen, modal, lambda _: self._load())

    def action_cancel(self) -> None:
        if not self._allowed(Status.CANCELLED):
            return
        modal = ActionModal(
            f"Cancel {self.reference}: it leaves the queue",
            reason="Why is it cancelled?",
            reason_required=True,
            confirm_words="cancel the referral",
            back_words="keep it",
        )
        self._ask(modal, lambda answer: self._move(Status.CANCELLED, reason=answer.reason))

    def action_undo(self) -> None:
        if self.undo_refused is not None:
            self.notify(self.undo_refused, severity="error", markup=False, timeout=10)
            return
        self._undo()

    @work(thread=True, exit_on_error=False, group="referral-action")
    def _undo(self) -> None:
        try:
            undone = self.desk.undo_milestone(self.reference, by=self.ctx.by)
        except Refused as refused:
            self.app.call_from_thread(
                self.notify, str(refused), severity="error", markup=False, timeout=10
            )
        else:
            self.app.call_from_thread(self.notify, f"Undone: {undone}.", markup=False)
        self._load()

    def action_add_note(self) -> None:
        self.app.push_screen(NoteModal(self.reference), self._note_given)

    def _note_given(self, answer: NoteAnswer | None) -> None:
        if answer is None:
            return
        self._run(
            lambda: self.desk.add_note(
                self.reference,
                kind=answer.kind,
                text=answer.text,
                caller=answer.caller,
                by=self.ctx.by,
            )
        )

    def action_add_nhs_number(self) -> None:
        # Anyone who works the queue, on any referral with a patient: a finished one needs
        # its number for the record too (and a redirected call's, to link it to the person).
        if self.detail is None or not permitted(self, self.ctx, Permission.TAKE_CALLS):
            return
        patient = self.detail.patient
        if patient is None:
            self.notify(
                "The call recorded no patient: there is nobody to give a number to.",
                severity="error",
                timeout=10,
            )
            return
        if patient.nhs_number:
            self.notify("The patient already has an NHS number.", severity="error", timeout=10)
            return
        self._ask_number("", "")

    def _ask_number(self, typed: str, error: str) -> None:
        modal = NhsNumberModal(self.reference, value=typed, error=error)
        self.app.push_screen(modal, self._number_typed)

    def _number_typed(self, number: str | None) -> None:
        if number is not None:
            self._add_number(number, self.detail.summary.version if self.detail else None)

    @work(thread=True, exit_on_error=False, group="referral-action")
    def _add_number(self, number: str, version: int | None) -> None:
        """Add it; when the desk refuses, ask again with what was typed and why not."""
        try:
            self.desk.add_nhs_number(
                self.reference, number, by=self.ctx.by, expected_version=version
            )
        except Refused as refused:
            self.app.call_from_thread(self._ask_number, number, str(refused))
        except Exception as error:  # noqa: BLE001 - a failed save is said, never fatal
            self.app.call_from_thread(
                self._ask_number, number, f"Not saved: {failure_words(error)}"
            )
        else:
            self.app.call_from_thread(self.notify, "NHS number added.", markup=False)
        self._load()

    # a referral sent by 999 (BaRS) ------------------------------------------------------------

    def action_triage(self) -> None:
        """t: triage it in the call form, filled from what the 999 service sent."""
        detail = self.detail
        if detail is None or detail.summary.status is not Status.RECEIVED:
            self.notify("Only a referral sent by 999 and not yet triaged is triaged here.")
            return
        if not permitted(self, self.ctx, Permission.TAKE_CALLS):
            return
        host = self.app
        if not isinstance(host, TriageHost):
            self.notify("The triage opens at the desk itself.", severity="warning")
            return
        host.triage_sent(triage_form(detail, now=self.ctx.clock()))

    def action_bars_accept(self) -> None:
        """A: a clinician accepts the case; the 999 service is told (Interim Response)."""
        if self._bars_owed() is None:
            return
        modal = ActionModal(
            f"Accept {self.reference}: the 999 service is told a clinician has accepted it",
            reason="Accepted by (the clinician's name)",
            reason_required=True,
            confirm_words="accept and tell 999",
        )
        self._ask(modal, self._accepted)

    def _accepted(self, answer: ActionAnswer) -> None:
        self._run(
            lambda: self.desk.bars_accept(self.reference, by=self.ctx.by, clinician=answer.reason)
        )

    def action_bars_reject(self) -> None:
        """b: send the case back to the 999 service with a coded reason."""
        if self._bars_owed() is None:
            return
        modal = ActionModal(
            f"Send {self.reference} back: the 999 service takes the patient back",
            choices=[(words, reason.value) for reason, words in REJECT_WORDS.items()],
            reason="Why (needed for Other)",
            confirm_words="send it back",
            back_words="keep it",
        )
        self._ask(modal, self._rejected)

    def _rejected(self, answer: ActionAnswer) -> None:
        if answer.choice is None:
            self.notify("Choose why it is sent back.", severity="error")
            return
        reason = RejectReason(answer.choice)
        self._run(
            lambda: self.desk.bars_reject(
                self.reference, by=self.ctx.by, reason=reason, text=answer.reason
            )
        )

    def _bars_owed(self) -> BarsDetail | None:
        """The 999 side of a referral still owed its answer; else says why not and None."""
        bars = self.detail.bars if self.detail else None
        if bars is None:
            self.notify("Only a referral sent by 999 over BaRS is answered to its sender.")
            return None
        if bars.answer is not None:
            self.notify("Its sender has had the desk's answer already.", severity="warning")
            return None
        if not permitted(self, self.ctx, Permission.TAKE_CALLS):
            return None
        return bars

    def action_back(self) -> None:
        self.dismiss(None)

    # helpers ----------------------------------------------------------------------------------

    def _ask(self, modal: ActionModal, then: Callable[[ActionAnswer], None]) -> None:
        self.app.push_screen(modal, lambda answer: then(answer) if answer else None)

    def _move(
        self, target: Status, *, then: Callable[[], None] | None = None, **details: Any
    ) -> None:
        version = self.detail.summary.version if self.detail else None
        self._run(
            lambda: self.desk.move(
                self.reference, target, by=self.ctx.by, expected_version=version, **details
            ),
            then=then,
        )

    @work(thread=True, exit_on_error=False, group="referral-action")
    def _run(self, action: Callable[[], object], then: Callable[[], None] | None = None) -> None:
        try:
            action()
            if then is not None:
                self.app.call_from_thread(then)
        except Refused as refused:  # the lifecycle or the desk said no: say why
            self.app.call_from_thread(
                self.notify, str(refused), severity="error", markup=False, timeout=10
            )
        except Exception as error:  # noqa: BLE001 - a failed save is said, never fatal
            self.app.call_from_thread(
                self.notify,
                f"Not saved: {failure_words(error)}",
                severity="error",
                markup=False,
            )
        self._load()


TIME_LABEL = "{what} (now, or type HH:MM or DD/MM/YYYY HH:MM)"

REDRAFT_AFTER = frozenset({GpUpdateState.EXPIRED, GpUpdateState.FAILED})
"""`g` on a referral whose last update MESH gave up on drafts a new one (an event on the
referral, closed or not); an acknowledged one is shown as it was sent."""


def gp_update_line(update: GpUpdateView | None) -> Text:
    """The GP update in one line under the referral: none yet, or where it is."""
    if update is None:
        return Text("GP update: none drafted (g drafts one)")
    return Text.assemble(("GP update: ", "bold"), state_text(update))


_STEP_KEYS: tuple[tuple[str, Status, str], ...] = (
    ("a", Status.ALLOCATED, "allocate"),
    ("r", Status.RESPONDED, "responded"),
    ("s", Status.IN_SERVICE, "in service"),
    ("c", Status.CLOSED, "close"),
    ("x", Status.CANCELLED, "cancel"),
)


def keys_line(detail: ReferralDetail, undo_refused: str | None, *, gp_update: bool = False) -> str:
    """The keys this referral's status allows, on one line under the header (the footer
    holds only what fits at 80 columns)."""
    status = detail.summary.status
    keys = [f"{key} {words}" for key, target, words in _STEP_KEYS if can_transition(status, target)]
    if status is Status.RECEIVED:
        keys.insert(0, "t triage")
    if detail.bars is not None and detail.bars.answer is None and status in OPEN_STATUSES:
        keys.append("A accept")
        if status in (Status.RECEIVED, Status.RECORDED):
            keys.append("b send back")
    if status in LEAD_CHANGE_STATUSES:
        keys.append("l lead")
    keys.append("f note/call")
    if gp_update or status is Status.CLOSED:
        keys.append("g GP update")
    if undo_refused is None:
        keys.append("u undo")
    return "Keys: " + " · ".join(keys)


def matrix_words(outcome: str, response: str | None, lead: str | None) -> str:
    """What the matrix said, as the handler reads it: `Rapid / Nurse`, or the outcome that
    has no cell (`Emergency: advised 999 / A&E`)."""
    cell = f"{word_for(response, Response)} / {word_for(lead, Lead)}"
    if not outcome:  # sent by 999, not yet triaged at the desk
        return "not yet: triage it (t)"
    if outcome == Outcome.EMERGENCY.value:
        return "Emergency: advised 999 / A&E"
    if outcome == Outcome.REDIRECT.value:
        return "Redirect: another service"
    if outcome == Outcome.ESCALATE.value:
        return f"Escalate: no {word_for(response, Response)} cell can be mobilised"
    return cell


def nhs_number_words(detail: ReferralDetail) -> str:
    """`943 476 5919`, or why there is none: `not known (overseas patient) · TO TRACE`."""
    patient = detail.patient
    if patient is not None and patient.nhs_number:
        return format_nhs_number(patient.nhs_number)
    reason = detail.nhs_unavailable_reason
    words = no_nhs_number_words(reason)
    if detail.summary.status is Status.REDIRECTED and not reason:
        words = "not given (the call ended at the red flags)"
    return words + (" · TO TRACE" if detail.to_trace else "")


def _setting_words(detail: ReferralDetail) -> str:
    if detail.summary.status is Status.RECEIVED:  # stored as "other" until the triage asks
        return "not yet asked: triage it (t)"
    return word_for(detail.setting, Setting)


def _yes_no(value: bool | None) -> str:
    return "not asked" if value is None else "yes" if value else "no"


def _words(values: list[str] | tuple[str, ...], vocabulary: type[StrEnum]) -> str:
    """Stored values in the vocabulary's words, in order; `none` when there are none."""
    return ", ".join(word_for(value, vocabulary) for value in values) or "none"


def _answer_row(key: str, answer: str) -> tuple[str, str]:
    """A caller's answer under its question's label; a question since dropped from the table
    reads under its key in words."""
    try:
        question = caller_questions().question(key)
    except StopIteration:
        return fact_name(key), answer
    return question.label, question.words(answer)


Rows = list[tuple[str, str]]
"""(fact's name, its value in words) lines of the referral view."""


def _main_table(detail: ReferralDetail, now: datetime) -> Table:
    """Every fact the call stored, each under its one name (`spr_desk.fact_names`): where the
    referral stands, the patient, the caller, then the call."""
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    sections = [_state(detail, now), _patient(detail), _caller(detail), _call(detail)]
    if detail.bars is not None:  # first: the scene, the flags, the answer the sender is owed
        sections.insert(0, bars_rows(detail.bars, now))
    for number, rows in enumerate(sections):
        if number:
            table.add_row("", "")
        for name, value in rows:
            # Text: every value may have been typed (markup shown as typed); printable: or
            # stored by another program with an escape sequence (shown, not sent)
            table.add_row(Text(name), Text(printable_lines(value)))
    return table


def _state(detail: ReferralDetail, now: datetime) -> Rows:
    summary = detail.summary
    redirected = summary.status is Status.REDIRECTED
    reason = f" ({summary.status_reason})" if summary.status_reason and not redirected else ""
    rows = [("Status", label(summary.status) + reason)]
    # Shown first where they cannot be missed (issue 13, item 5).
    requests = [
        words
        for asked, words in (
            (detail.home_from_hospital, "HOME FROM HOSPITAL"),
            (detail.community_bed_request, "COMMUNITY BED REQUEST"),
        )
        if asked
    ]
    if requests:
        rows.append(("Request", " · ".join(requests)))
    rows += _downtime_rows(detail)
    if summary.due_at is not None:
        rows.append((fact_name("due"), _due_words(summary, now)))
    if summary.response or summary.lead:
        agreed = f"{word_for(summary.response, Response)} / {word_for(summary.lead, Lead)}"
        rows.append((fact_name("agreed"), agreed))
    matrix = matrix_words(summary.rec_outcome, summary.rec_response, summary.rec_lead)
    if detail.rec_fallback_from:
        matrix += f" ({word_for(detail.rec_fallback_from, Lead)} could not be mobilised)"
    rows.append((fact_name("matrix"), matrix))
    if summary.override_reason:
        rows.append((fact_name("override_reason"), summary.override_reason))
    if detail.ucr_condition:
        ucr = ucr_words(detail.ucr_condition, detail.ucr_not_reason)
        rows.append((fact_name("ucr_condition"), ucr))
    if is_downward(summary.rec_response, summary.response):
        rows.append(("Sign-off", _sign_off_words(summary)))
    rows.append(("Held by", summary.allocated_team or "-"))
    rows += _milestone_rows(summary)
    if summary.close_outcome:
        told = "yes" if summary.gp_updated else "NO"
        outcome = f"{word_for(summary.close_outcome, CloseOutcome)}; GP updated: {told}"
        rows.append(("Outcome", outcome))
    rows.append((fact_name("red_flags"), _words(detail.red_flags, RedFlag)))
    if redirected:
        rows.append((fact_name("advice"), detail.advice or "-"))
    return rows


def _downtime_rows(detail: ReferralDetail) -> Rows:
    """A call taken on paper, or taken over from a neighbouring desk, says so near the top: its
    times are the paper's (or the other desk's), and a due time that passed on paper is named
    as such, never put on whoever typed it in."""
    rows = []
    summary = detail.summary
    if detail.paper_entered_at is not None:
        words = (
            f"ENTERED FROM PAPER by {detail.paper_entered_by or '-'} "
            f"{short_local(detail.paper_entered_at)}; received "
            f"{short_local(summary.received_at)} as written on the sheet"
        )
        if breached_on_paper(summary.due_at, detail.paper_entered_at, summary.responded_at):
            assert summary.due_at is not None
            words += (
                f"; BREACHED ON PAPER: due {short_local(summary.due_at)}, passed before it "
                "was entered"
            )
        rows.append(("Downtime", words))
    if detail.imported_from:
        rows.append(("Taken over", f"from {detail.imported_from}"))
    return rows


def _sign_off_words(summary: ReferralSummary) -> str:
    """A downward override is held until a supervisor signs it off (the urgency ratchet)."""
    if summary.override_signed_at is None:
        return "held for a supervisor's sign-off (override downwards)"
    comment = f": {summary.override_sign_comment}" if summary.override_sign_comment else ""
    return (
        f"signed off by {summary.override_signed_by or '-'} "
        f"{short_local(summary.override_signed_at)}{comment}"
    )


def _milestone_rows(summary: ReferralSummary) -> Rows:
    """Each milestone at the time given for it."""
    rows = []
    if summary.allocated_at is not None:
        rows.append(("Allocated", short_local(summary.allocated_at)))
    if summary.responded_by:
        rows.append(("Responded by", summary.responded_by))
    if summary.service_started_at is not None:
        rows.append(("In service", short_local(summary.service_started_at)))
    if summary.closed_at is not None:
        rows.append(("Closed", short_local(summary.closed_at)))
    return rows


def _due_words(summary: ReferralSummary, now: datetime) -> str:
    assert summary.due_at is not None
    if summary.responded_at is not None:
        met = "met" if summary.response_met else "BREACHED"
        return (
            f"{short_local(summary.due_at)}; responded {short_local(summary.responded_at)} ({met})"
        )
    left = format_time_left(time_left(now, summary.due_at))
    left_words = f"{left} left" if not left.startswith("-") else f"{left[1:]} over: BREACHED"
    return f"{short_local(summary.due_at)} ({left_words})"


def _patient(detail: ReferralDetail) -> Rows:
    patient = detail.patient
    rows = [("Patient", patient.display_name or "(no name given)")] if patient else []
    rows += [
        (fact_name("nhs_number"), nhs_number_words(detail)),
        (fact_name("nhs_number_status"), word_for(detail.nhs_number_status, NhsNumberStatus)),
    ]
    if patient is None:
        return rows
    return [
        *rows,
        (
            fact_name("date_of_birth"),
            f"{patient.date_of_birth:%d/%m/%Y}" if patient.date_of_birth else "-",
        ),
        (fact_name("address"), f"{patient.address} {patient.postcode}".strip() or "-"),
        (fact_name("gp_practice"), patient.gp_practice or "-"),
        (fact_name("lives_alone"), _yes_no(patient.lives_alone)),
        (fact_name("next_of_kin"), patient.next_of_kin or "-"),
        # The key safe's code is never shown: only that access notes are on record.
        (fact_name("access_notes"), "recorded (masked)" if patient.access_notes else "-"),
    ]


def _caller(detail: ReferralDetail) -> Rows:
    referrer = detail.referrer
    if referrer is None:
        rows = [(fact_name("referrer_name"), "not given")]
    else:
        phone = format_phone(referrer.phone) if referrer.phone else "-"
        rows = [
            (fact_name("referrer_name"), referrer.name or "-"),
            (fact_name("referrer_role"), label(referrer.role)),
            (fact_name("referrer_organisation"), referrer.organisation or "-"),
            (fact_name("referrer_phone"), phone),
        ]
    return rows + [_answer_row(key, answer) for key, answer in detail.caller_answers]


def _call(detail: ReferralDetail) -> Rows:
    summary, facts = detail.summary, detail.facts
    rows = [
        ("Received", f"{short_local(summary.received_at)} by {detail.taken_by}"),
        (fact_name("pathway"), word_for(detail.pathway, Pathway)),
        (fact_name("setting"), _setting_words(detail)),
        (fact_name("locality"), detail.locality or "-"),
    ]
    reviewed = ", ".join(RECORDS_REVIEWED.get(key, key) for key in detail.records_reviewed)
    later = [("needs", _words(facts.get("needs", []), Need))]
    if facts.get("primary_need"):
        later.append(("primary_need", word_for(facts["primary_need"], Need)))
    later += [
        ("urgency", _words(facts.get("urgency", []), Urgency)),
        ("bed_needed", _yes_no(detail.bed_needed)),
        ("home_from_hospital", _yes_no(detail.home_from_hospital)),
        ("community_bed_request", _yes_no(detail.community_bed_request)),
        ("records_reviewed", reviewed or "none"),
    ]
    # A call that ended at the red flags was never asked the rest: say so, not "no".
    asked = detail.pathway is not None
    rows += [(fact_name(fact), words if asked else "not asked") for fact, words in later]
    return rows + [
        ("Why", "\n".join(detail.reasons) or "-"),
        (fact_name("notes"), detail.notes or "-"),
    ]


def _history_table(detail: ReferralDetail) -> Table:
    table = Table(title="History", title_justify="left", expand=True, show_edge=False)
    table.add_column("When", no_wrap=True)
    table.add_column("Who", no_wrap=True)
    table.add_column("What")
    lines: list[tuple[datetime, int, str, str]] = []
    for order, entry in enumerate(detail.history):
        if entry.action in _NOTE_EVENTS:
            continue  # the note itself is the line, with what was said
        what = label_of(entry.action)
        if entry.detail:
            what += f": {entry.detail}"
        lines.append((entry.at, order, entry.actor, what))
    for order, note in enumerate(detail.notes_added, start=len(lines)):
        if note.kind is NoteKind.FOLLOW_UP_CALL:
            what = f"follow-up call from {note.caller}: {note.text}"
        else:
            what = f"note: {note.text}"
        lines.append((note.at, order, note.by, what))
    for at, _, who, what in sorted(lines, key=lambda line: (line[0], line[1])):
        table.add_row(Text(short_local(at)), Text(printable(who)), Text(printable_lines(what)))
    return table


_NOTE_EVENTS = frozenset({AuditAction.NOTE_ADDED, AuditAction.FOLLOW_UP_CALL})
