"""One referral: everything about it, its history, and the actions its state allows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
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
from screens.nhs_number_modal import NhsNumberModal
from screens.permitted import permitted
from screens.widgets.desk_header import DeskHeader
from spr_desk.call_form import RECORDS_REVIEWED
from spr_desk.caller_questions import caller_questions
from spr_desk.due import format_time_left, is_breached, time_left
from spr_desk.fact_names import fact_name
from spr_desk.lifecycle import TransitionError, transition
from spr_desk.nhs_number import format_nhs_number
from spr_desk.reference_data import COUNTYWIDE
from spr_desk.roles import Permission
from spr_desk.uktime import short_local
from spr_desk.validation import format_phone
from spr_desk.vocabulary import (
    CloseOutcome,
    Lead,
    Need,
    NhsNumberStatus,
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
    from db.desk import DeskService, ReferralDetail, ReferralSummary
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
        # First, so it shows at 80 columns; offered only while the patient has no number.
        Binding(
            "n",
            "add_nhs_number",
            "NHS number",
            tooltip="Add the NHS number the call could not give (traced, or from the record)",
        ),
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
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add_nhs_number":
            patient = self.detail.patient if self.detail else None
            return patient is not None and not patient.nhs_number
        return True

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

    def action_add_nhs_number(self) -> None:
        # Anyone who works the queue, on any referral with a patient: a finished one needs
        # its number for the record too (and a redirected call's, to link it to the person).
        if self.detail is None or not permitted(self, Permission.TAKE_CALLS):
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
            self.desk.add_nhs_number(self.reference, number, by=self.by, expected_version=version)
        except ValueError as refused:
            self.app.call_from_thread(self._ask_number, number, str(refused))
        except Exception as error:  # noqa: BLE001 - a failed save is said, never fatal
            self.app.call_from_thread(
                self._ask_number, number, f"Not saved: {type(error).__name__}. Try again."
            )
        else:
            self.app.call_from_thread(self.notify, "NHS number added.", markup=False)
        self._load()

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


def matrix_words(outcome: str, response: str | None, lead: str | None) -> str:
    """What the matrix said, as the handler reads it: `Rapid / Nurse`, or the outcome that
    has no cell (`Emergency: advised 999 / A&E`)."""
    cell = f"{word_for(response, Response)} / {word_for(lead, Lead)}"
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
    sections = (_state(detail, now), _patient(detail), _caller(detail), _call(detail))
    for number, rows in enumerate(sections):
        if number:
            table.add_row("", "")
        for name, value in rows:
            table.add_row(Text(name), Text(value))  # Text: every value may have been typed
    return table


def _state(detail: ReferralDetail, now: datetime) -> Rows:
    summary = detail.summary
    redirected = summary.status is Status.REDIRECTED
    reason = f" ({summary.status_reason})" if summary.status_reason and not redirected else ""
    rows = [("Status", label(summary.status) + reason)]
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
    rows.append(("Held by", summary.allocated_team or "-"))
    if summary.close_outcome:
        told = "yes" if summary.gp_updated else "NO"
        outcome = f"{word_for(summary.close_outcome, CloseOutcome)}; GP updated: {told}"
        rows.append(("Outcome", outcome))
    rows.append((fact_name("red_flags"), _words(detail.red_flags, RedFlag)))
    if redirected:
        rows.append((fact_name("advice"), detail.advice or "-"))
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
        (fact_name("setting"), word_for(detail.setting, Setting)),
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
    for entry in detail.history:
        what = entry.action.replace("status:", "→ ").replace("_", " ")
        if entry.detail:
            what += f": {entry.detail}"
        table.add_row(Text(short_local(entry.at)), Text(entry.actor), Text(what))
    return table
