"""One referral: everything about it, its history, and the actions its state allows."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from screens.action_modal import ActionAnswer, ActionModal
from screens.widgets.desk_header import DeskHeader
from spr_desk.due import format_time_left, is_breached, time_left
from spr_desk.lifecycle import TransitionError, transition
from spr_desk.nhs_number import format_nhs_number
from spr_desk.reference_data import COUNTYWIDE
from spr_desk.uktime import short_local
from spr_desk.vocabulary import (
    CloseOutcome,
    Lead,
    Pathway,
    Response,
    Setting,
    Status,
    label,
    word_for,
)

if TYPE_CHECKING:
    from db.desk import DeskService, ReferralDetail
    from db.watch_desk import WhoIsOn


def allocation_people(who: WhoIsOn, locality: str | None) -> list[tuple[str, str]]:
    """Professionals who can lead, on shift now or starting within a day, as choices: name,
    role, team, their open allocations against capacity, and when they are on. Those whose
    team covers the referral's locality come first."""
    choices = []
    seen: set[int] = set()  # a person on now and again tomorrow is offered once
    offered = [(s, "on until") for s in who.on_now] + [(s, "from") for s in who.starting]
    offered.sort(key=lambda pair: not pair[0].covers(locality or COUNTYWIDE))  # stable
    for shift, when in offered:
        if shift.lead is None or shift.staff_id in seen:
            continue
        seen.add(shift.staff_id)
        moment = shift.ends_at if when == "on until" else shift.starts_at
        full = " FULL" if shift.at_capacity else ""
        text = (
            f"{shift.name}, {label(shift.role)}, {shift.team} "
            f"({shift.open_allocations}/{shift.capacity}{full}; {when} {short_local(moment)})"
        )
        choices.append((text, f"staff:{shift.staff_id}"))
    return choices


class ReferralScreen(Screen[None]):
    CSS_PATH = "referral.tcss"
    BINDINGS = [
        Binding("a", "allocate", "Allocate", tooltip="Allocate to a team or a named professional"),
        Binding("r", "respond", "Responded", tooltip="Record the first face-to-face response"),
        Binding("s", "start_service", "In service", tooltip="The episode of care has started"),
        Binding("l", "change_lead", "Lead", tooltip="Change the lead while in service"),
        Binding("c", "close", "Close", tooltip="Close with an outcome"),
        Binding("x", "cancel", "Cancel", tooltip="Cancel with a reason"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, desk: DeskService, reference: str, *, by: str) -> None:
        super().__init__()
        self.desk = desk
        self.reference = reference
        self.by = by
        self.detail: ReferralDetail | None = None
        self.teams: list[str] = []
        self.people: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield DeskHeader()
        with VerticalScroll(id="referral-body"):
            yield Static("Loading...", id="referral-main")
            yield Static("", id="referral-history")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DeskHeader).title = self.reference
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="referral")
    def _load(self) -> None:
        detail = self.desk.detail(self.reference)
        if not self.teams:
            # Read here, not on the key press that needs them.
            self.teams = self.desk.team_names()
            self.people = allocation_people(self.desk.who_is_on(), detail.locality)
        self.app.call_from_thread(self._show, detail)

    def _show(self, detail: ReferralDetail) -> None:
        self.detail = detail
        now = self.desk.now()
        self.query_one(DeskHeader).now = now
        self.query_one("#referral-main", Static).update(_main_table(detail, now))
        self.query_one("#referral-history", Static).update(_history_table(detail))

    def _allowed(self, target: Status) -> bool:
        """The screen's own check of the lifecycle (the desk checks again): say why not."""
        if self.detail is None:
            return False
        try:
            transition(self.detail.summary.status, target, reason="checked later")
        except TransitionError as refused:
            self.notify(str(refused), severity="error", markup=False, timeout=10)
            return False
        return True

    # the actions ------------------------------------------------------------------------------

    def action_allocate(self) -> None:
        if not self._allowed(Status.ALLOCATED):
            return
        choices = [(name, f"team:{name}") for name in self.teams] + self.people
        modal = ActionModal("Allocate to a team, or to a professional on shift", choices=choices)
        self._ask(modal, self._allocate)

    def _allocate(self, answer: ActionAnswer) -> None:
        kind, _, value = (answer.choice or "").partition(":")
        if kind == "staff":
            self._move(Status.ALLOCATED, staff_id=int(value))
        else:
            self._move(Status.ALLOCATED, team=value)

    def action_respond(self) -> None:
        if not self._allowed(Status.RESPONDED) or self.detail is None:
            return
        due = self.detail.summary.due_at
        if due is not None and is_breached(self.desk.now(), due):
            # The time is fixed as breached now; the supervisor sees the reason beside it.
            modal = ActionModal(
                "The first response is after the due time: why?",
                reason="Reason (for the supervisor's review)",
                reason_required=True,
            )
            self._ask(modal, lambda answer: self._move(Status.RESPONDED, reason=answer.reason))
            return
        self._move(Status.RESPONDED)

    def action_start_service(self) -> None:
        if self._allowed(Status.IN_SERVICE):
            self._move(Status.IN_SERVICE)

    def action_change_lead(self) -> None:
        if self.detail is None:
            return
        if self.detail.summary.status is not Status.IN_SERVICE:
            self.notify(
                "The lead can change only while the referral is in service.",
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
            lambda: self.desk.change_lead(self.reference, lead, reason=answer.reason, by=self.by)
        )

    def action_close(self) -> None:
        if not self._allowed(Status.CLOSED):
            return
        choices = [(label(outcome), outcome.value) for outcome in CloseOutcome]
        modal = ActionModal(
            "Close with an outcome",
            choices=choices,
            reason="Note (optional)",
            tick="The GP has been updated",
        )
        self._ask(modal, self._close)

    def _close(self, answer: ActionAnswer) -> None:
        self._move(
            Status.CLOSED,
            outcome=CloseOutcome(answer.choice),
            gp_updated=answer.ticked,
            reason=answer.reason,
        )

    def action_cancel(self) -> None:
        if not self._allowed(Status.CANCELLED):
            return
        modal = ActionModal("Cancel the referral", reason="Why?", reason_required=True)
        self._ask(modal, lambda answer: self._move(Status.CANCELLED, reason=answer.reason))

    def action_back(self) -> None:
        self.dismiss(None)

    # helpers ----------------------------------------------------------------------------------

    def _ask(self, modal: ActionModal, then: Callable[[ActionAnswer], None]) -> None:
        self.app.push_screen(modal, lambda answer: then(answer) if answer else None)

    def _move(self, target: Status, **details: Any) -> None:
        version = self.detail.summary.version if self.detail else None
        self._run(
            lambda: self.desk.move(
                self.reference, target, by=self.by, expected_version=version, **details
            )
        )

    @work(thread=True, exit_on_error=False, group="referral-action")
    def _run(self, action: Callable[[], object]) -> None:
        try:
            action()
        except ValueError as refused:  # the lifecycle or the desk said no: say why
            self.app.call_from_thread(
                self.notify, str(refused), severity="error", markup=False, timeout=10
            )
        except Exception as error:  # noqa: BLE001 - a failed save is said, never fatal
            self.app.call_from_thread(
                self.notify,
                f"Not saved: {type(error).__name__}. Try again.",
                severity="error",
                markup=False,
            )
        self._load()


def _main_table(detail: ReferralDetail, now: Any) -> Table:
    summary = detail.summary
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()

    def row(name: str, value: str) -> None:
        table.add_row(Text(name), Text(value))  # Text: every value may have been typed

    reason = f" ({summary.status_reason})" if summary.status_reason else ""
    row("Status", label(summary.status) + reason)
    if summary.due_at is not None:
        left = format_time_left(time_left(now, summary.due_at))
        if summary.responded_at is not None:
            met = "met" if summary.response_met else "BREACHED"
            responded = short_local(summary.responded_at)
            row("Due", f"{short_local(summary.due_at)}; responded {responded} ({met})")
        else:
            left_words = (
                f"{left} left" if not left.startswith("-") else f"{left[1:]} over: BREACHED"
            )
            row("Due", f"{short_local(summary.due_at)} ({left_words})")
    row(
        "Response / lead",
        f"{word_for(summary.response, Response)} / {word_for(summary.lead, Lead)}",
    )
    matrix = f"{word_for(summary.rec_response, Response)} / {word_for(summary.rec_lead, Lead)}"
    row("Matrix said", f"{summary.rec_outcome}: {matrix}")
    if summary.override_reason:
        row("Override", summary.override_reason)
    row("Held by", summary.allocated_team or "-")
    if summary.close_outcome:
        told = "yes" if summary.gp_updated else "NO"
        row("Outcome", f"{word_for(summary.close_outcome, CloseOutcome)}; GP updated: {told}")
    patient = detail.patient
    if patient is not None:
        row("Patient", f"{patient.display_name}, NHS {format_nhs_number(patient.nhs_number)}")
        born = f"{patient.date_of_birth:%d/%m/%Y}" if patient.date_of_birth else "-"
        row("Born", born)
        row("Address", f"{patient.address} {patient.postcode}".strip() or "-")
        row("GP", patient.gp_practice or "-")
        row("Next of kin", patient.next_of_kin or "-")
        row("Access", "recorded (masked)" if patient.access_notes else "-")
    referrer = detail.referrer
    if referrer is not None:
        who = f"{referrer.name} ({label(referrer.role)}), {referrer.organisation}"
        row("Referred by", f"{who}; {referrer.phone}")
    row("Received", f"{short_local(summary.received_at)} by {detail.taken_by}")
    where = f"at {word_for(detail.setting, Setting)}; {detail.locality or '-'}"
    row("Pathway", f"{word_for(detail.pathway, Pathway)}; {where}")
    needs = ", ".join(detail.facts.get("needs", [])) or "-"
    row("Needs", needs.replace("_", " "))
    urgency = ", ".join(detail.facts.get("urgency", [])) or "-"
    row("Urgency", urgency.replace("_", " "))
    row("Why", "\n".join(detail.reasons))
    if detail.notes:
        row("Notes", detail.notes)
    return table


def _history_table(detail: ReferralDetail) -> Table:
    table = Table(title="History", title_justify="left", expand=True, show_edge=False)
    table.add_column("When", no_wrap=True)
    table.add_column("Who", no_wrap=True)
    table.add_column("What")
    for entry in detail.history:
        what = entry.action.replace("status:", "→ ").replace("_", " ")
        if entry.detail:
            what += f": {entry.detail}"
        table.add_row(Text(short_local(entry.at)), Text(entry.actor), Text(what))
    return table
