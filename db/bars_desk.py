"""The desk service's BaRS actions (mixed into `DeskService`): a 999 service's Validation
Request taken as a referral (new, updated, cancelled), the desk's replies queued in the outbox,
and the outbox handed to whatever delivers it. One transaction per action, audit event inside.

A request is answered at once with the desk's reference; a request refused is rolled back whole
(`BarsRefusal`), so nothing of it is stored. A repeated request id is answered 409 with the
first answer's reference, and changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db import actions, audit, bars, referrals
from db.models import BarsMessage, BarsReferral, BarsReply, Patient, Referral
from spr_desk.audit_actions import AuditAction
from spr_desk.bars import replies
from spr_desk.bars.outbox import REPLY_WORDS, ReplyKind, ReplyState, next_try
from spr_desk.bars.outcome import BarsRefusal
from spr_desk.bars.request import MessageReason, RequestStatus, ValidationRequest
from spr_desk.bars.sent import sent_details
from spr_desk.desk_api import DeskError
from spr_desk.queue_view import queue_band
from spr_desk.referral import PatientDetails, ReferrerDetails
from spr_desk.rules import Rules
from spr_desk.uktime import as_local, iso_or_none
from spr_desk.vocabulary import (
    CloseOutcome,
    NhsNumberStatus,
    NhsNumberUnavailable,
    Pathway,
    ReferrerRole,
    Setting,
    Source,
    Status,
    label,
)

log = logging.getLogger("spr_desk.desk")

BARS_ACTOR = "999 (BaRS)"
"""Who the audit trail says did what the sender did (received, updated, cancelled)."""

LEASE = timedelta(seconds=60)
"""A reply handed out for delivery is not handed out again for this long: two senders (two
`bars serve` on one PostgreSQL queue) never both post it; one that died frees it after this."""

REJECTABLE = frozenset({Status.RECEIVED, Status.RECORDED})
"""Until a team is allocated the desk may send a case back; after, it is the desk's to close."""


@dataclass(frozen=True, slots=True)
class BarsAnswer:
    """What the responder answers a request with."""

    status: int
    body: dict[str, Any]
    reference: str
    created: bool
    """A new referral on the queue (not an update, a cancel or a repeat)."""


@dataclass(frozen=True, slots=True)
class OutgoingReply:
    """A reply handed out to be delivered."""

    id: int
    request_id: str
    correlation_id: str
    target: str
    body: dict[str, Any]
    kind: ReplyKind
    reference: str


class BarsDesk:
    """Mixed into `DeskService`, which provides these."""

    rules: Rules
    now: Callable[[], datetime]
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]

    # requests -------------------------------------------------------------------------------

    def receive_bars(self, request: ValidationRequest, bundle: dict[str, Any]) -> BarsAnswer:
        """Take a checked Validation Request (its Bundle as received, kept as every version).

        Raises:
            BarsRefusal: the desk cannot take it (a second "new" for a referral it has, an
                update or cancel for one it has not, a cancel of one already responded to);
                nothing is stored.
        """
        try:
            with self._write() as session:
                answer = take_request(
                    session, request, bundle, now=self.now(), rules_version=self.rules.version
                )
        except IntegrityError:
            # The same request id (or a second "new" for one journey) taken at that moment by
            # another desk: answer as the repeat it is.
            with self._read() as session:
                first = bars.message_for(session=session, request_id=request.request_id)
                if first is None:
                    raise
                return _repeated(session, first)
        log.info("999 request %s: %s (%d)", answer.reference, request.reason.value, answer.status)
        return answer

    # replies --------------------------------------------------------------------------------

    def bars_accept(self, reference: str, *, by: str, clinician: str) -> None:
        """A clinician accepted the 999 referral: queue the Interim Response (in progress).

        Raises:
            DeskError: not a 999 referral, already answered, finished, or no clinician named.
        """
        clinician = " ".join(clinician.split())
        if not clinician:
            raise DeskError("Name the clinician who accepted it.")
        with self._write() as session:
            row, side = _answerable(session, reference)
            now = self.now()
            body = replies.accept(
                bars.latest_bundle(session=session, referral_id=side.referral_id),
                reference=row.reference,
                now=now,
                message_id=str(uuid.uuid4()),
                by=clinician[:120],
            )
            _queue(
                session,
                row,
                side,
                ReplyKind.ACCEPT,
                body,
                by=by,
                now=now,
                detail=f"accepted by {clinician[:120]}",
            )
            _answer_given(row, side, ReplyKind.ACCEPT, now)

    def bars_reject(
        self, reference: str, *, by: str, reason: replies.RejectReason, text: str = ""
    ) -> None:
        """Send the 999 referral back with a coded reason (`OTH` needs its text): the sender
        takes the case back, so the referral leaves the queue as redirected.

        Raises:
            DeskError: not a 999 referral, already answered, allocated or finished, or `OTH`
                without a text.
        """
        text = " ".join(text.split())[:500]
        if reason is replies.RejectReason.OTHER and not text:
            raise DeskError("Say why it is sent back.")
        with self._write() as session:
            row, side = _answerable(session, reference)
            if Status(row.status) not in REJECTABLE:
                raise DeskError(
                    f"{row.reference} is {label(Status(row.status))}: it is the desk's now, so "
                    "close it with its outcome (the sender is told)."
                )
            now = self.now()
            body = replies.reject(
                bars.latest_bundle(session=session, referral_id=side.referral_id),
                reference=row.reference,
                now=now,
                message_id=str(uuid.uuid4()),
                reason=reason,
                text=text,
                by=by,
            )
            words = replies.REJECT_WORDS[reason] + (f": {text}" if text else "")
            sender = str(side.sent.get("sender") or "the 999 service")
            _queue(
                session,
                row,
                side,
                ReplyKind.REJECT,
                body,
                by=by,
                now=now,
                detail=f"sent back ({reason.value}): {words}",
            )
            _answer_given(row, side, ReplyKind.REJECT, now)
            actions.move(
                session=session,
                row=row,
                target=Status.REDIRECTED,
                by=by,
                now=now,
                reason=f"Sent back to {sender} ({reason.value}): {words}"[:500],
            )

    # the outbox -----------------------------------------------------------------------------

    def replies_to_send(self, limit: int = 20) -> list[OutgoingReply]:
        """Replies whose time to be tried has come, each leased to the caller for `LEASE`."""
        with self._write() as session:
            now = self.now()
            found = bars.due_replies(session=session, now=now, limit=limit)
            handed: list[OutgoingReply] = []
            for reply in found:
                reply.next_try_at = now + LEASE
                row = session.get(Referral, reply.referral_id)
                first = bars.first_message(session=session, referral_id=reply.referral_id)
                assert reply.id is not None and row is not None
                handed.append(
                    OutgoingReply(
                        id=reply.id,
                        request_id=reply.request_id,
                        correlation_id=first.correlation_id if first else "",
                        target=reply.target,
                        body=dict(reply.body),
                        kind=ReplyKind(reply.kind),
                        reference=row.reference,
                    )
                )
            return handed

    def reply_delivered(self, reply_id: int, *, status: int) -> None:
        with self._write() as session:
            reply = _reply(session, reply_id)
            if reply.state == ReplyState.SENT.value:
                return
            now = self.now()
            reply.state = ReplyState.SENT.value
            reply.sent_at = now
            reply.attempts += 1
            reply.last_error = ""
            _audit_reply(session, reply, AuditAction.BARS_REPLY_SENT, now, f"HTTP {status}")

    def reply_not_delivered(self, reply_id: int, *, error: str, for_good: bool) -> None:
        """A delivery failed: tried again later, or (`for_good`: the receiver refused it) kept
        as failed for a person to look at."""
        with self._write() as session:
            reply = _reply(session, reply_id)
            if reply.state != ReplyState.QUEUED.value:
                return
            now = self.now()
            reply.attempts += 1
            reply.last_error = error[:300]
            if for_good:
                reply.state = ReplyState.FAILED.value
                _audit_reply(session, reply, AuditAction.BARS_REPLY_REFUSED, now, error[:300])
            else:
                reply.next_try_at = next_try(reply.attempts, now)


# taking a request (inside the caller's transaction) -------------------------------------------


def take_request(
    session: Session,
    request: ValidationRequest,
    bundle: dict[str, Any],
    *,
    now: datetime,
    rules_version: str,
    is_demo: bool = False,
) -> BarsAnswer:
    """`BarsDesk.receive_bars` inside the caller's transaction (the demo loads its 999
    referrals so)."""
    first = bars.message_for(session=session, request_id=request.request_id)
    if first is not None:
        return _repeated(session, first)
    side = bars.referral_for(
        session=session,
        service_request_id=request.service_request_id,
        journey_id=request.journey_id,
    )
    if request.reason is MessageReason.NEW:
        if side is not None:
            reference = _reference_of(session, side)
            raise _unprocessable(
                f"This ServiceRequest and Journey ID are already at the desk as {reference}: "
                "send a change as an update.",
                "MessageHeader.reason",
            )
        return _new(session, request, bundle, now, rules_version, is_demo)
    if side is None:
        raise _unprocessable(
            "No referral at the desk has this ServiceRequest identifier and Journey ID: "
            "send it as new.",
            "ServiceRequest.identifier",
        )
    if request.status is not RequestStatus.ACTIVE:
        return _cancel(session, side, request, bundle, now)
    return _update(session, side, request, bundle, now)


def _new(
    session: Session,
    request: ValidationRequest,
    bundle: dict[str, Any],
    now: datetime,
    rules_version: str,
    is_demo: bool,
) -> BarsAnswer:
    if request.status is not RequestStatus.ACTIVE:
        raise _unprocessable(
            "A new referral cannot arrive cancelled: ServiceRequest.status must be active.",
            "ServiceRequest.status",
        )
    sent = request.patient
    patient = referrals.upsert_patient(
        session=session,
        details=PatientDetails(
            nhs_number=sent.nhs_number or "",
            given_name=sent.given_name,
            family_name=sent.family_name,
            date_of_birth=sent.date_of_birth,
            address=sent.address,
            postcode=sent.postcode,
            gp_practice=sent.gp_practice,
            is_test_data=is_demo,
        ),
    )
    first_contact = request.contacts[0]
    referrer = referrals.upsert_referrer(
        session=session,
        details=ReferrerDetails(
            # The sending clinician, without the organisation the requester line ends with.
            name=(
                request.requester.removesuffix(f", {request.sender}")
                or first_contact.name
                or request.sender
            )[:120],
            role=ReferrerRole.AMBULANCE_CREW,
            organisation=request.sender[:160],
            phone=first_contact.phone[:40],
        ),
    )
    reference = referrals.next_reference(session=session, year=as_local(request.authored_on).year)
    trusted = sent.nhs_number is not None
    row = Referral(
        reference=reference,
        received_at=request.authored_on,
        taken_by=BARS_ACTOR,
        referrer_id=referrer.id,
        patient_id=patient.id,
        # A 999 crew's referral to a community response is to avoid a conveyance (step up);
        # where the patient is the handler says at triage ("other" until then).
        pathway=Pathway.STEP_UP.value,
        setting=Setting.OTHER.value,
        facts={},
        rules_version=rules_version,
        is_demo=is_demo,
        rec_outcome="",
        due_at=request.breach_at,
        status=Status.RECEIVED.value,
        queue_band=queue_band(Status.RECEIVED),
        updated_at=now,
        call_started_at=request.authored_on,
        nhs_number_status=(
            sent.nhs_number_status or NhsNumberStatus.PRESENT_NOT_TRACED.value
            if trusted
            else NhsNumberStatus.TRACE_REQUIRED.value
        ),
        nhs_unavailable_reason=None if trusted else NhsNumberUnavailable.NOT_KNOWN.value,
        source=Source.BARS_999.value,
        reply_owed_by=request.breach_at,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    session.add(
        BarsReferral(
            referral_id=row.id,
            service_request_id=request.service_request_id,
            journey_id=request.journey_id,
            reply_to=request.reply_to,
            sent=_sent(request),
        )
    )
    detail = f"from {request.sender}; {request.cdss or 'triage system not provided'}"
    if request.marks:
        detail += "; " + "; ".join(request.marks)
    audit.record(
        session,
        AuditAction.BARS_RECEIVED,
        by=BARS_ACTOR,
        at=now,
        referral_id=row.id,
        entity_id=reference,
        after=actions.state_of(row),
        detail=detail,
    )
    return _answered(session, row, request, bundle, version=1, now=now, created=True)


def _update(
    session: Session,
    side: BarsReferral,
    request: ValidationRequest,
    bundle: dict[str, Any],
    now: datetime,
) -> BarsAnswer:
    row = _open_row(session, side, "updated")
    before = {"due_at": iso_or_none(row.due_at), "version": side.version}
    row.due_at = _due(row, request.breach_at)
    if side.answer is None:
        row.reply_owed_by = request.breach_at
    row.version += 1
    row.updated_at = now
    _update_patient(session, row, request)
    side.version += 1
    side.sent = _sent(request)
    audit.record(
        session,
        AuditAction.BARS_UPDATED,
        by=BARS_ACTOR,
        at=now,
        referral_id=row.id,
        entity_id=row.reference,
        before=before,
        after={"due_at": iso_or_none(row.due_at), "version": side.version},
        detail=f"version {side.version} from {request.sender}",
    )
    return _answered(session, row, request, bundle, version=side.version, now=now)


def _due(row: Referral, breach_at: datetime) -> datetime | None:
    """Until the desk triages it, the sender's breach time; once triaged, the matrix's due
    time for its response, which a new breach time does not move (the answer it owes is
    `reply_owed_by`)."""
    return breach_at if row.status == Status.RECEIVED.value else row.due_at


def _cancel(
    session: Session,
    side: BarsReferral,
    request: ValidationRequest,
    bundle: dict[str, Any],
    now: datetime,
) -> BarsAnswer:
    row = _open_row(session, side, "cancelled")
    if Status(row.status) not in {Status.RECEIVED, Status.RECORDED, Status.ALLOCATED}:
        raise _unprocessable(
            f"{row.reference} has been responded to: the desk closes it with its outcome "
            "and sends that.",
            "ServiceRequest.status",
        )
    why = request.cancel_reason or label_status(request.status)
    side.version += 1
    side.sent = _sent(request)
    row.reply_owed_by = None
    actions.move(
        session=session,
        row=row,
        target=Status.CANCELLED,
        by=BARS_ACTOR,
        now=now,
        reason=f"Cancelled by {request.sender}: {why}"[:500],
    )
    return _answered(session, row, request, bundle, version=side.version, now=now)


def queue_final(session: Session, row: Referral, *, by: str, now: datetime) -> None:
    """The Validation Response with the outcome, queued as a 999 referral the desk accepted (or
    never answered) closes or is cancelled at the desk; nothing for one sent back or cancelled
    by its sender, who already knows."""
    assert row.id is not None
    side = bars.of_referral(session=session, referral_id=row.id)
    if side is None or side.answer == ReplyKind.REJECT.value or by == BARS_ACTOR:
        return
    outcome = _outcome_words(row)
    body = replies.final(
        bars.latest_bundle(session=session, referral_id=row.id),
        reference=row.reference,
        now=now,
        message_id=str(uuid.uuid4()),
        outcome=outcome,
        by=by,
    )
    _queue(
        session,
        row,
        side,
        ReplyKind.FINAL,
        body,
        by=by,
        now=now,
        detail=f"final outcome: {outcome}",
    )
    row.reply_owed_by = None


def label_status(status: RequestStatus) -> str:
    return "entered in error" if status is RequestStatus.ENTERED_IN_ERROR else "revoked"


def _outcome_words(row: Referral) -> str:
    if row.status == Status.CLOSED.value and row.close_outcome:
        return f"Closed: {label(CloseOutcome(row.close_outcome))}"
    return f"Cancelled at the desk: {row.status_reason}"[:500]


def _sent(request: ValidationRequest) -> dict[str, Any]:
    return sent_details(request).to_dict() | {"breach_at": request.breach_at.isoformat()}


def _answered(
    session: Session,
    row: Referral,
    request: ValidationRequest,
    bundle: dict[str, Any],
    *,
    version: int,
    now: datetime,
    created: bool = False,
) -> BarsAnswer:
    """Keep the request as received with the answer given, and give it."""
    assert row.id is not None
    answer = replies.acknowledgement(
        bundle, reference=row.reference, now=now, message_id=str(uuid.uuid4())
    )
    session.add(
        BarsMessage(
            request_id=request.request_id,
            correlation_id=request.correlation_id,
            received_at=now,
            referral_id=row.id,
            version=version,
            reason=request.reason.value,
            status=request.status.value,
            bundle=bundle,
            answer_status=200,
            answer=answer,
        )
    )
    session.flush()  # a repeated request id fails here, inside the transaction
    return BarsAnswer(200, answer, row.reference, created)


def _repeated(session: Session, first: BarsMessage) -> BarsAnswer:
    row = session.get(Referral, first.referral_id)
    reference = row.reference if row is not None else ""
    refusal = BarsRefusal(
        status=409,
        code="REC_CONFLICT",
        issue="duplicate",
        diagnostics=(
            "This message has already been processed: the desk's reference is "
            f"{reference}. Nothing was changed."
        ),
        expression="X-Request-ID",
    )
    return BarsAnswer(409, refusal.outcome(), reference, False)


def _unprocessable(diagnostics: str, expression: str) -> BarsRefusal:
    return BarsRefusal(
        status=422,
        code="REC_UNPROCESSABLE_ENTITY",
        issue="business-rule",
        diagnostics=diagnostics,
        expression=expression,
    )


def _reference_of(session: Session, side: BarsReferral) -> str:
    row = session.get(Referral, side.referral_id)
    return row.reference if row is not None else ""


def _open_row(session: Session, side: BarsReferral, done: str) -> Referral:
    row = session.get(Referral, side.referral_id, with_for_update=True)
    assert row is not None
    if row.queue_band is None:
        raise _unprocessable(
            f"{row.reference} is {label(Status(row.status))} at the desk and cannot be {done}.",
            "ServiceRequest.identifier",
        )
    return row


def _update_patient(session: Session, row: Referral, request: ValidationRequest) -> None:
    """An update's patient details replace the sender's earlier ones (what was sent before is
    kept in its version)."""
    patient = session.get(Patient, row.patient_id) if row.patient_id else None
    if patient is None:
        return
    sent = request.patient
    patient.given_name = sent.given_name or patient.given_name
    patient.family_name = sent.family_name or patient.family_name
    patient.date_of_birth = sent.date_of_birth or patient.date_of_birth
    patient.address = sent.address or patient.address
    patient.postcode = sent.postcode or patient.postcode


def _answerable(session: Session, reference: str) -> tuple[Referral, BarsReferral]:
    row = referrals.typed_referral(session=session, typed=reference, for_update=True)
    assert row.id is not None
    side = bars.of_referral(session=session, referral_id=row.id)
    if side is None:
        raise DeskError(
            f"{row.reference} did not come from 999 over BaRS: there is no one to answer."
        )
    if side.answer is not None:
        raise DeskError(
            f"{row.reference} has been answered already ({REPLY_WORDS[ReplyKind(side.answer)]})."
        )
    if row.queue_band is None:
        raise DeskError(
            f"{row.reference} is {label(Status(row.status))}: nothing more can be said."
        )
    return row, side


def _queue(
    session: Session,
    row: Referral,
    side: BarsReferral,
    kind: ReplyKind,
    body: dict[str, Any],
    *,
    by: str,
    now: datetime,
    detail: str,
) -> None:
    """Put a reply in the outbox (a request id of its own, kept for every retry), with the
    audit event that says so."""
    assert row.id is not None
    bars.add_reply(
        session=session,
        referral_id=row.id,
        kind=kind,
        request_id=str(uuid.uuid4()),
        target=side.reply_to,
        body=body,
        by=by,
        now=now,
    )
    audit.record(
        session,
        AuditAction.BARS_REPLY_QUEUED,
        by=by,
        at=now,
        referral_id=row.id,
        entity_id=row.reference,
        detail=detail,
    )


def _answer_given(row: Referral, side: BarsReferral, kind: ReplyKind, now: datetime) -> None:
    side.answer = kind.value
    side.answered_at = now
    row.reply_owed_by = None
    row.updated_at = now
    row.version += 1


def _reply(session: Session, reply_id: int) -> BarsReply:
    reply = session.get(BarsReply, reply_id, with_for_update=True)
    if reply is None:
        raise DeskError(f"No reply {reply_id} in the outbox.")
    return reply


def _audit_reply(
    session: Session, reply: BarsReply, action: AuditAction, now: datetime, detail: str
) -> None:
    row = session.get(Referral, reply.referral_id)
    audit.record(
        session,
        action,
        by=BARS_ACTOR,
        at=now,
        referral_id=reply.referral_id,
        entity_id=row.reference if row is not None else "",
        detail=f"{REPLY_WORDS[ReplyKind(reply.kind)]}: {detail}",
    )
