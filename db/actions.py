"""Desk actions inside a transaction someone else owns: each writes its change and its audit
event. The desk service wraps one per user action; the demo loader runs many in one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from db import audit, downtime, referrals, seed
from db.models import Patient, Referral, StaffMember, Team
from spr_desk.audit_actions import MILESTONE_WORDS, AuditAction, undone_action
from spr_desk.desk_api import DeskError, RecordedReferral
from spr_desk.downtime.paper import (
    PaperEntry,
    PaperRefused,
    breached_on_paper,
    check_written_time,
    why_not_usable,
)
from spr_desk.due import due_at
from spr_desk.facts import check_facts
from spr_desk.lifecycle import MoveError, apply
from spr_desk.lifecycle import change_lead as check_lead_change
from spr_desk.matrix import Availability, emergency_advice, recommend
from spr_desk.milestones import given_time_text
from spr_desk.nhs_number import NhsNumberError, parse_nhs_number
from spr_desk.queue_view import queue_band
from spr_desk.reference import format_reference, parse_reference
from spr_desk.referral import Decision, NewReferral, RedirectedCall, decide, initial_status
from spr_desk.rules import Rules
from spr_desk.uktime import as_local, iso_or_none
from spr_desk.vocabulary import CloseOutcome, Lead, NhsNumberStatus, Response, Status, label


def record_referral(
    *,
    session: Session,
    call: NewReferral,
    by: str,
    now: datetime,
    rules: Rules,
    availability: Availability,
    paper: PaperEntry | None = None,
    completing: str | None = None,
) -> RecordedReferral:
    """Write a call as a referral, with its recommendation, the agreed cell and due time. With
    `paper`, a call taken on a paper sheet: it takes the sheet's reserved reference, and its
    received time (the one written on the sheet) starts its due time. With `completing`, the
    triage of a referral a 999 service sent (status received): that referral, under its own
    reference and received time, gets the facts and the matrix's decision.

    Raises:
        FieldError: the facts or the decision are not complete (names the field).
        DeskError: the sheet's reference cannot be entered (not reserved, used, released), or
            its written time cannot be right; the referral to complete is not awaiting triage.
    """
    check_facts(call.facts)
    if completing is not None:
        received = _received(session, completing)
        call = replace(call, received_at=received.received_at)
    recommendation = recommend(call.facts, availability, call.received_at, rules)
    given = call.decision
    # A decision built on screen is checked again here, against this recommendation.
    decision = (
        decide(recommendation)
        if given is None
        else decide(recommendation, given.response, given.lead, given.override_reason)
    )
    status = initial_status(recommendation)
    due = (
        due_at(call.received_at, decision.response, rules.due_hours) if decision.response else None
    )
    rapid = decision.response is Response.RAPID
    referrer = referrals.upsert_referrer(session=session, details=call.referrer)
    patient = referrals.upsert_patient(session=session, details=call.patient)
    locality_id = seed.locality_ids(session=session).get(call.locality) if call.locality else None
    reference = (
        received.reference
        if completing is not None
        else _reference(session, call.received_at, paper, by, now)
    )
    row = Referral(
        reference=reference,
        received_at=call.received_at,
        taken_by=_taker(paper, by),
        referrer_id=referrer.id,
        patient_id=patient.id,
        pathway=call.facts.pathway.value,
        setting=call.facts.setting.value,
        locality_id=locality_id,
        facts=call.facts.to_dict(),
        rules_version=recommendation.rules_version,
        rec_outcome=recommendation.outcome.value,
        rec_response=_value(recommendation.response),
        rec_lead=_value(recommendation.lead),
        rec_fallback_from=_value(recommendation.fallback_from),
        rec_reasons=list(recommendation.reasons),
        bed_needed=recommendation.bed_needed,
        response=_value(decision.response),
        lead=_value(decision.lead),
        override_reason=decision.override_reason,
        due_at=due,
        status=status.value,
        queue_band=queue_band(status),
        status_reason=recommendation.reasons[0] if status is Status.REDIRECTED else "",
        notes=call.notes,
        is_demo=call.is_demo,
        updated_at=now,
        call_started_at=call.received_at,
        # The handling time `rota check` counts: a call taken live, not a sheet or a 999 triage.
        call_ended_at=None if paper or completing is not None else now,
        home_from_hospital=call.home_from_hospital,
        community_bed_request=call.community_bed_request,
        records_reviewed=list(call.records_reviewed),
        call_record=call.call_record,
        nhs_number_status=call.nhs_number_status.value,
        nhs_unavailable_reason=_value(call.nhs_number_unavailable),
        caller_answers=[list(pair) for pair in call.caller_answers],
        # Asked only for a Rapid response (the 2-hour UCR count): not kept on any other.
        ucr_condition=_value(call.ucr_condition) if rapid else None,
        ucr_not_reason=(call.ucr_not_reason or None) if rapid else None,
        paper_entered_at=now if paper else None,
        paper_entered_by=by if paper else None,
    )
    detail = f"outcome {recommendation.outcome.value}"
    if completing is not None:
        row = _complete(session, received, row, by, now, detail)
    else:
        _add_recorded(session, row, by, now, detail + _paper_words(row))
    if decision.is_override:
        audit.record(
            session,
            AuditAction.OVERRIDE,
            by=by,
            at=now,
            referral_id=row.id,
            entity_id=reference,
            before={"response": row.rec_response, "lead": row.rec_lead},
            after={"response": row.response, "lead": row.lead},
            detail=decision.override_reason,
        )
    return RecordedReferral(reference, status, due, recommendation, decision)


def record_redirect(
    *,
    session: Session,
    call: RedirectedCall,
    by: str,
    now: datetime,
    rules: Rules,
    paper: PaperEntry | None = None,
) -> RecordedReferral:
    """Record a call that ended at a red flag, as redirected, with what was asked and answered:
    the caller and the patient as far as they were typed, the flags, and the words said. With
    `paper`, one taken on a paper sheet (as `record_referral`)."""
    advice = emergency_advice(call.red_flags, False, rules)
    referrer = (
        referrals.upsert_referrer(session=session, details=call.referrer) if call.referrer else None
    )
    patient = (
        referrals.upsert_patient(session=session, details=call.patient, as_typed=True)
        if call.patient
        else None
    )
    reference = _reference(session, call.received_at, paper, by, now)
    row = Referral(
        reference=reference,
        received_at=call.received_at,
        taken_by=_taker(paper, by),
        referrer_id=referrer.id if referrer else None,
        patient_id=patient.id if patient else None,
        facts={"red_flags": sorted(flag.value for flag in call.red_flags)},
        rules_version=advice.rules_version,
        rec_outcome=advice.outcome.value,
        rec_reasons=list(advice.reasons),
        status=Status.REDIRECTED.value,
        queue_band=queue_band(Status.REDIRECTED),
        # What the caller was told, word for word; the rule's own reasons are in rec_reasons.
        status_reason=call.advice or advice.reasons[-1],
        notes=call.notes,
        updated_at=now,
        call_started_at=call.received_at,
        call_ended_at=None if paper else now,
        call_record=call.call_record,
        paper_entered_at=now if paper else None,
        paper_entered_by=by if paper else None,
    )
    detail = "outcome emergency: advised 999 / A&E"
    _add_recorded(session, row, by, now, detail + _paper_words(row))
    return RecordedReferral(reference, Status.REDIRECTED, None, advice, Decision(None, None))


def move(
    *,
    session: Session,
    row: Referral,
    target: Status,
    by: str,
    now: datetime,
    reason: str = "",
    team: str | None = None,
    staff_id: int | None = None,
    outcome: CloseOutcome | None = None,
    gp_updated: bool | None = None,
    at: datetime | None = None,
    responded_by: str | None = None,
) -> None:
    """Move a referral on, checked by the domain's transition table, and audit it. Allocation
    is to a team, or to a named professional (`staff_id`), whose team it then is too.

    A milestone (allocated, responded, in service, closed) is stored at `at`, the time it
    really happened as the handler gave it (now when not given); the response is met or not
    against that time. The audit event keeps the milestone state before and after, which is
    what an undo restores.

    Raises:
        TransitionError: the move is not allowed (the message says which and why).
        DeskError: details the move needs are missing.
    """
    before = milestone_state(row)
    try:
        change = apply(
            Status(row.status),
            target,
            when=at or now,
            due_at=row.due_at,
            reason=reason,
            team=team,
            staff_id=staff_id,
            outcome=outcome,
            gp_updated=gp_updated,
            responded_by=responded_by,
        )
    except MoveError as missing:
        raise DeskError(str(missing)) from None
    if change.staff_id is not None:
        person = session.get(StaffMember, change.staff_id)
        if person is None or not person.active:
            raise DeskError("No such professional on the rota.")
        row.allocated_team_id, row.allocated_staff_id = person.team_id, person.id
    elif change.team is not None:
        found = session.exec(select(Team).where(Team.name == change.team)).first()
        if found is None:
            raise DeskError(f"No team called {change.team!r}.")
        row.allocated_team_id, row.allocated_staff_id = found.id, None
    for name, value in change.row_values().items():
        setattr(row, name, value)
    row.queue_band = queue_band(target)
    _changed(session, row, change.action, by, now, before, change.detail, state=milestone_state)


_TIMES = ("allocated_at", "responded_at", "service_started_at", "closed_at")
_PLAIN = (
    "status",
    "queue_band",
    "status_reason",
    "allocated_team_id",
    "allocated_staff_id",
    "response_met",
    "responded_by",
    "breach_reason",
    "close_outcome",
    "gp_updated",
)


def milestone_state(row: Referral) -> dict[str, Any]:
    """`state_of` with every field a milestone sets: what an undo puts back exactly."""
    return {
        **state_of(row),
        **{name: getattr(row, name) for name in _PLAIN},
        **{name: iso_or_none(getattr(row, name)) for name in _TIMES},
    }


def undo_milestone(
    *,
    session: Session,
    row: Referral,
    before: dict[str, Any],
    target: Status,
    by: str,
    now: datetime,
) -> None:
    """Put back the state a milestone's event kept from before it, as a new event
    ("undone: first response"); the milestone's own event stays in the trail."""
    undone_from = milestone_state(row)
    for name in _PLAIN:
        setattr(row, name, before[name])
    for name in _TIMES:
        value = before[name]
        setattr(row, name, datetime.fromisoformat(value) if value else None)
    _changed(
        session,
        row,
        undone_action(target),
        by,
        now,
        undone_from,
        f"{MILESTONE_WORDS[target]} taken back",
        state=milestone_state,
    )


def change_lead(
    *, session: Session, row: Referral, new_lead: Lead, reason: str, by: str, now: datetime
) -> None:
    """Pass the lead to another profession during the episode: an event, not a new referral.

    Raises:
        LeadChangeError: not open, the same lead, or no reason.
    """
    current = Lead(row.lead) if row.lead else None
    change = check_lead_change(Status(row.status), current, new_lead, reason)
    before = state_of(row)
    row.lead = change.after.value
    _changed(session, row, AuditAction.LEAD_CHANGED, by, now, before, change.reason)


NUMBER_ADDED = AuditAction.NHS_NUMBER_ADDED
ADDED_STATUSES = (NhsNumberStatus.PRESENT_NOT_TRACED, NhsNumberStatus.PRESENT_AND_VERIFIED)
"""What a number added after the call can be: read out (not traced), or checked on the record."""


def add_nhs_number(
    *,
    session: Session,
    row: Referral,
    nhs_number: str,
    status: NhsNumberStatus,
    by: str,
    now: datetime,
) -> None:
    """Give a referral's patient the NHS number the call could not: on that patient's own row,
    or, when a patient on record already holds the number, by moving the referral to them (the
    same person, found). Either way the referral is no longer to trace.

    Raises:
        DeskError: the number cannot be right, there is no patient, the patient already has
            another number, or nothing would change (the message says which).
    """
    if status not in ADDED_STATUSES:
        raise DeskError("A number added is either read out (not traced) or checked on the record.")
    try:
        digits = parse_nhs_number(nhs_number)
    except NhsNumberError as wrong:
        raise DeskError(str(wrong)) from None
    patient = session.get(Patient, row.patient_id, with_for_update=True) if row.patient_id else None
    if patient is None:
        raise DeskError("The call recorded no patient: there is nobody to give the number to.")
    if patient.nhs_number and patient.nhs_number != digits:
        raise DeskError("This patient already has another NHS number; it is not changed here.")
    before = number_state(row)
    held_by = referrals.patient_with_number(session=session, nhs_number=digits)
    if patient.nhs_number == digits:
        # Only news when it is now checked on the record: never a step back from that.
        verified = NhsNumberStatus.PRESENT_AND_VERIFIED
        if status is not verified or row.nhs_number_status == verified.value:
            raise DeskError("The referral already has that NHS number.")
        detail = f"NHS number now {label(status)}"
    elif held_by is not None:
        row.patient_id = held_by.id
        detail = (
            f"NHS number added ({label(status)}): a patient on record already held it, "
            "so the referral is theirs now"
        )
    else:
        patient.nhs_number = digits
        detail = f"NHS number added ({label(status)})"
    row.nhs_number_status = status.value
    row.nhs_unavailable_reason = None
    session.flush()
    _changed(session, row, NUMBER_ADDED, by, now, before, detail, state=number_state)


def _reference(
    session: Session, received_at: datetime, paper: PaperEntry | None, by: str, now: datetime
) -> str:
    """The next reference of the year received; for a paper sheet, its reserved one, used now."""
    if paper is None:
        return referrals.next_reference(session=session, year=as_local(received_at).year)
    try:
        reference = format_reference(*parse_reference(paper.reference))
    except ValueError as wrong:  # Refused is one
        raise DeskError(str(wrong)) from None
    row = downtime.sheet_row(session=session, reference=reference)
    why = why_not_usable(downtime.sheet_of(row) if row else None, reference)
    if why is not None or row is None:
        raise DeskError(why or reference)
    try:
        check_written_time(received_at, now=now, printed_at=row.reserved_at)
    except PaperRefused as wrong:
        raise DeskError(str(wrong)) from None
    downtime.use_sheet(row, by=by, now=now)
    return reference


_TRIAGED = (
    "referrer_id",
    "patient_id",
    "pathway",
    "setting",
    "locality_id",
    "facts",
    "rules_version",
    "rec_outcome",
    "rec_response",
    "rec_lead",
    "rec_fallback_from",
    "rec_reasons",
    "bed_needed",
    "response",
    "lead",
    "override_reason",
    "due_at",
    "status",
    "queue_band",
    "status_reason",
    "notes",
    "home_from_hospital",
    "community_bed_request",
    "records_reviewed",
    "call_record",
    "nhs_number_status",
    "nhs_unavailable_reason",
    "caller_answers",
    "ucr_condition",
    "ucr_not_reason",
)
"""What the triage of a referral sent by 999 decides: everything but who sent it and when."""


def _received(session: Session, reference: str) -> Referral:
    """The referral sent by 999 to triage, locked; refused once triaged (at another desk too)."""
    row = referrals.get_by_reference(session=session, reference=reference, for_update=True)
    if row is None:
        raise DeskError(f"No referral {reference}.")
    if row.status != Status.RECEIVED.value:
        raise DeskError(
            f"{reference} is {label(Status(row.status))} now (triaged or finished at another "
            "desk): what you typed is kept as a draft."
        )
    return row


def _complete(
    session: Session, received: Referral, triaged: Referral, by: str, now: datetime, detail: str
) -> Referral:
    """Give the referral sent by 999 its triage, with the event that records it."""
    before = state_of(received)
    for name in _TRIAGED:
        setattr(received, name, getattr(triaged, name))
    received.updated_at = now
    received.version += 1
    audit.record(
        session,
        AuditAction.RECORDED,
        by=by,
        at=now,
        referral_id=received.id,
        entity_id=received.reference,
        before=before,
        after=state_of(received),
        detail=f"{detail}; triaged at the desk (sent by 999)",
    )
    return received


def _taker(paper: PaperEntry | None, by: str) -> str:
    return (paper.taken_by.strip()[:80] or by) if paper else by


def _paper_words(row: Referral) -> str:
    """What the recorded event adds for a call entered from paper: the time written, and a due
    time that passed on paper (never the typist's breach)."""
    if row.paper_entered_at is None:
        return ""
    words = f"; entered from a paper sheet, received {given_time_text(row.received_at)} as written"
    if breached_on_paper(row.due_at, row.paper_entered_at, None) and row.due_at is not None:
        words += f"; its due time ({given_time_text(row.due_at)}) passed on paper"
    return words


def _add_recorded(session: Session, row: Referral, by: str, now: datetime, detail: str) -> None:
    """Insert a new referral and the audit event that records it."""
    session.add(row)
    session.flush()
    audit.record(
        session,
        AuditAction.RECORDED,
        by=by,
        at=now,
        referral_id=row.id,
        entity_id=row.reference,
        after=state_of(row),
        detail=detail,
    )


def _changed(
    session: Session,
    row: Referral,
    action: AuditAction | str,
    by: str,
    now: datetime,
    before: dict[str, Any],
    detail: str,
    state: Callable[[Referral], dict[str, Any]] | None = None,
) -> None:
    """Bump the row's version and write the audit event with the state before and after (as
    `state` reads it: `state_of` unless told)."""
    row.version += 1
    row.updated_at = now
    audit.record(
        session,
        action,
        by=by,
        at=now,
        referral_id=row.id,
        entity_id=row.reference,
        before=before,
        after=(state or state_of)(row),
        detail=detail,
    )


def _value(member: Any) -> str | None:
    return None if member is None else member.value


def state_of(row: Referral) -> dict[str, Any]:
    """What the audit trail keeps of a referral's state: no patient details."""
    return {
        "status": row.status,
        "response": row.response,
        "lead": row.lead,
        "due_at": row.due_at.isoformat() if row.due_at else None,
        "allocated_team_id": row.allocated_team_id,
        "allocated_staff_id": row.allocated_staff_id,
        "close_outcome": row.close_outcome,
        "version": row.version,
    }


def number_state(row: Referral) -> dict[str, Any]:
    """`state_of`, with what the trail keeps of the patient's NHS number: whose row it is on
    and how sure, never the number itself."""
    return {
        **state_of(row),
        "patient_id": row.patient_id,
        "nhs_number_status": row.nhs_number_status,
        "nhs_unavailable_reason": row.nhs_unavailable_reason,
    }
