"""999 referrals over BaRS at the desk service, on each backend: taken once, updated with every
version kept, cancelled, refused whole, triaged as a call, answered from a restart-safe outbox."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from db.bars_desk import BARS_ACTOR, LEASE
from db.desk import DeskService
from db.models import AuditEvent, BarsMessage, BarsReferral, BarsReply, Patient, Referral, Referrer
from spr_desk.audit_actions import AuditAction
from spr_desk.bars.example import a4t3_bundle, body
from spr_desk.bars.outbox import ReplyKind, ReplyState
from spr_desk.bars.outcome import BarsRefusal
from spr_desk.bars.prefill import triage_form
from spr_desk.bars.reading import read_request
from spr_desk.bars.replies import REFERENCE_SYSTEM, RejectReason
from spr_desk.call_form import referral_from
from spr_desk.desk_api import DeskError
from spr_desk.vocabulary import CloseOutcome, Lead, Need, Response, Source, Status, Urgency

TABLES = (Referral, BarsReferral, BarsMessage, BarsReply, AuditEvent, Patient, Referrer)


def send(desk: DeskService, bundle: dict[str, Any], request_id: str) -> Any:
    request = read_request(body(bundle), request_id=request_id, correlation_id="corr-" + request_id)
    return desk.receive_bars(request, bundle)


def counts(desk: DeskService) -> dict[str, int]:
    with Session(desk.engine) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in TABLES
        }


def test_a_good_request_is_on_the_queue_due_by_the_breach_time_and_a_repeat_adds_nothing(
    desk: DeskService, now: datetime
) -> None:
    bundle = a4t3_bundle(authored_on=now - timedelta(minutes=20))
    answer = send(desk, bundle, "r-1")
    assert (answer.status, answer.created) == (200, True)
    [row] = [r for r in desk.open_queue() if r.reference == answer.reference]
    assert row.status == Status.RECEIVED.value
    assert row.due_at == now + timedelta(minutes=100)  # the sender's breach time
    assert row.reply_owed_by == row.due_at
    assert row.source == Source.BARS_999.value
    encounter = [
        e["resource"] for e in answer.body["entry"] if e["resource"]["resourceType"] == "Encounter"
    ]
    assert {"system": REFERENCE_SYSTEM, "value": answer.reference} in encounter[-1]["identifier"]
    assert encounter[-1]["status"] == "planned"

    before = counts(desk)
    again = send(desk, bundle, "r-1")
    assert (again.status, again.reference, again.created) == (409, answer.reference, False)
    assert again.body["issue"][0]["details"]["coding"][0]["code"] == "REC_CONFLICT"
    assert answer.reference in again.body["issue"][0]["diagnostics"]
    assert counts(desk) == before

    detail = desk.detail(answer.reference)
    assert detail.summary.received_at == now - timedelta(minutes=20)  # authoredOn
    assert detail.taken_by == BARS_ACTOR
    assert (
        detail.bars is not None and detail.bars.sent.triaged_with == "triaged with Pathways 30.2.0"
    )
    assert [entry.action for entry in detail.history][:1] == [AuditAction.BARS_RECEIVED.value]


def test_an_update_moves_the_due_time_and_keeps_every_version_and_a_cancel_cancels(
    desk: DeskService, now: datetime
) -> None:
    first = send(desk, a4t3_bundle(authored_on=now), "r-1")
    later = now + timedelta(hours=4)
    update = send(desk, a4t3_bundle(authored_on=now, reason="update", breach_at=later), "r-2")
    assert (update.status, update.reference, update.created) == (200, first.reference, False)
    detail = desk.detail(first.reference)
    assert detail.summary.due_at == later
    assert detail.bars is not None and detail.bars.version == 2
    with Session(desk.engine) as session:
        versions = session.exec(select(BarsMessage).order_by(BarsMessage.version)).all()
    assert [v.version for v in versions] == [1, 2]
    ends = [
        e["resource"]["occurrencePeriod"]["end"]
        for v in versions
        for e in v.bundle["entry"]
        if e["resource"]["resourceType"] == "ServiceRequest"
    ]
    assert [datetime.fromisoformat(end) for end in ends] == [now + timedelta(hours=2), later]

    cancel = a4t3_bundle(
        authored_on=now, reason="update", status="revoked", cancel_reason="Conveyed"
    )
    assert send(desk, cancel, "r-3").status == 200
    cancelled = desk.detail(first.reference)
    assert cancelled.summary.status is Status.CANCELLED
    assert "Conveyed" in cancelled.summary.status_reason
    assert cancelled.bars is not None and cancelled.bars.reply_owed_by is None
    assert first.reference not in {r.reference for r in desk.open_queue()}


@pytest.mark.parametrize(
    ("first", "second", "named"),
    [
        ({}, {"message_id": "again"}, "already at the desk"),
        (None, {"reason": "update"}, "No referral at the desk has this ServiceRequest"),
        (None, {"reason": "update", "status": "revoked"}, "No referral at the desk"),
        (None, {"status": "revoked"}, "A new referral cannot arrive cancelled"),
    ],
)
def test_what_the_desk_cannot_take_is_refused_422_and_stores_nothing(
    desk: DeskService, first: dict[str, Any] | None, second: dict[str, Any], named: str
) -> None:
    if first is not None:
        send(desk, a4t3_bundle(**first), "r-1")
    before = counts(desk)
    with pytest.raises(BarsRefusal) as caught:
        send(desk, a4t3_bundle(**second), "r-2")
    assert caught.value.status == 422 and named in caught.value.diagnostics
    assert counts(desk) == before


def _triaged(desk: DeskService, reference: str, now: datetime) -> Any:
    form = triage_form(desk.detail(reference), now=now)
    form.red_flags_cleared = True
    form.setting = "home"
    form.needs = [Need.FALL_NO_INJURY.value]
    form.urgency = [Urgency.UNSAFE_ALONE_TONIGHT.value]
    form.lives_alone = "yes"
    form.locality = "Aylesbury"
    form.agreed = True
    return form


def test_triage_records_the_referral_sent_under_its_reference_and_received_time(
    desk: DeskService, now: datetime
) -> None:
    sent = send(desk, a4t3_bundle(authored_on=now - timedelta(minutes=30)), "r-1")
    form = _triaged(desk, sent.reference, now)
    call = referral_from(form, form.bars_received() or now, now.date())
    recorded = desk.record_referral(call, by="handler", completing=sent.reference)
    assert recorded.reference == sent.reference
    detail = desk.detail(sent.reference)
    assert detail.summary.status is Status.RECORDED
    assert (detail.summary.response, detail.summary.lead) == (Response.RAPID, Lead.THERAPIST)
    # The matrix's due time, from when the 999 service sent it.
    assert detail.summary.due_at == now - timedelta(minutes=30) + timedelta(hours=3)
    assert detail.bars is not None and detail.bars.reply_owed_by is not None  # still owed
    with Session(desk.engine) as session:
        assert session.exec(select(func.count()).select_from(Referral)).one() == 1
    with pytest.raises(DeskError, match="triaged or finished at another desk"):
        desk.record_referral(call, by="handler", completing=sent.reference)


def test_accept_send_back_and_the_final_outcome_go_to_the_outbox_each_once(
    desk: DeskService, now: datetime
) -> None:
    accepted = send(desk, a4t3_bundle(journey_id="J-1", service_request_id="S-1"), "r-1").reference
    returned = send(desk, a4t3_bundle(journey_id="J-2", service_request_id="S-2"), "r-2").reference
    with pytest.raises(DeskError, match="Name the clinician"):
        desk.bars_accept(accepted, by="handler", clinician="  ")
    desk.bars_accept(accepted, by="handler", clinician="Nurse Jo Bloggs")
    with pytest.raises(DeskError, match="answered already"):
        desk.bars_accept(accepted, by="handler", clinician="Nurse Jo Bloggs")
    with pytest.raises(DeskError, match="Say why"):
        desk.bars_reject(returned, by="handler", reason=RejectReason.OTHER)
    desk.bars_reject(returned, by="handler", reason=RejectReason.NOT_AVAILABLE)
    sent_back = desk.detail(returned)
    assert sent_back.summary.status is Status.REDIRECTED
    assert "RRNA" in sent_back.summary.status_reason
    assert desk.detail(accepted).bars.reply_owed_by is None  # type: ignore[union-attr]

    form = _triaged(desk, accepted, now)
    call = referral_from(form, form.bars_received() or now, now.date())
    desk.record_referral(call, by="handler", completing=accepted)
    desk.move(accepted, Status.ALLOCATED, by="handler", team="ACHT Aylesbury")
    desk.move(accepted, Status.RESPONDED, by="handler")
    desk.move(
        accepted,
        Status.CLOSED,
        by="handler",
        outcome=CloseOutcome.NO_FURTHER_SERVICES,
        gp_updated=True,
    )

    kinds = {(reply.reference, reply.kind) for reply in desk.replies_to_send()}
    assert kinds == {
        (accepted, ReplyKind.ACCEPT),
        (returned, ReplyKind.REJECT),
        (accepted, ReplyKind.FINAL),
    }
    assert desk.replies_to_send() == []  # leased: not handed out twice
    replies = desk.detail(accepted).bars.replies  # type: ignore[union-attr]
    assert [(r.kind, r.state) for r in replies] == [
        (ReplyKind.ACCEPT, ReplyState.QUEUED.value),
        (ReplyKind.FINAL, ReplyState.QUEUED.value),
    ]
    with Session(desk.engine) as session:
        actions = session.exec(
            select(AuditEvent.action).where(
                AuditEvent.action == AuditAction.BARS_REPLY_QUEUED.value
            )
        ).all()
    assert len(actions) == 3


def test_the_outbox_retries_a_failure_keeps_a_refusal_and_marks_a_delivery(
    desk: DeskService, now: datetime
) -> None:
    references = [
        send(
            desk, a4t3_bundle(journey_id=f"J-{n}", service_request_id=f"S-{n}"), f"r-{n}"
        ).reference
        for n in range(3)
    ]
    for reference in references:
        desk.bars_accept(reference, by="handler", clinician="Dr Who")
    first, second, third = desk.replies_to_send()
    desk.reply_not_delivered(first.id, error="HTTP 503", for_good=False)
    desk.reply_not_delivered(second.id, error="HTTP 400", for_good=True)
    desk.reply_delivered(third.id, status=200)
    desk.reply_delivered(third.id, status=200)  # a second report changes nothing

    desk.clock = lambda: now + timedelta(seconds=3)  # the first retry is 2 s on
    [retry] = desk.replies_to_send()
    assert (retry.id, retry.request_id) == (first.id, first.request_id)  # the same request id
    states = {r: desk.detail(r).bars.replies[0] for r in references}  # type: ignore[union-attr]
    assert (states[references[0]].state, states[references[0]].attempts) == ("queued", 1)
    assert (
        states[references[1]].state == "failed" and states[references[1]].last_error == "HTTP 400"
    )
    assert states[references[2]].state == "sent" and states[references[2]].attempts == 1

    desk.clock = lambda: now + LEASE + timedelta(seconds=10)  # a sender that died frees its lease
    assert [r.id for r in desk.replies_to_send()] == [first.id]
