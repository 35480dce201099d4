"""Storage of 999 referrals over BaRS: the referral's BaRS side, every request as received,
and the outbox of replies. Repository functions: they take a session and never commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from db.models import BarsMessage, BarsReferral, BarsReply, Referral
from spr_desk.bars.outbox import ReplyKind, ReplyState
from spr_desk.bars.sent import SentDetails
from spr_desk.desk_api import BarsDetail, ReplyRow


def message_for(*, session: Session, request_id: str) -> BarsMessage | None:
    return session.exec(select(BarsMessage).where(BarsMessage.request_id == request_id)).first()


def referral_for(
    *, session: Session, service_request_id: str, journey_id: str
) -> BarsReferral | None:
    found = select(BarsReferral).where(
        BarsReferral.service_request_id == service_request_id,
        BarsReferral.journey_id == journey_id,
    )
    return session.exec(found).first()


def of_referral(*, session: Session, referral_id: int) -> BarsReferral | None:
    found = select(BarsReferral).where(BarsReferral.referral_id == referral_id)
    return session.exec(found).first()


def first_message(*, session: Session, referral_id: int) -> BarsMessage | None:
    """The request that brought the referral (its correlation id runs through every reply)."""
    found = (
        select(BarsMessage)
        .where(BarsMessage.referral_id == referral_id)
        .order_by(col(BarsMessage.version))
    )
    return session.exec(found).first()


def latest_bundle(*, session: Session, referral_id: int) -> dict[str, Any]:
    """The request the sender sent last (what the replies answer)."""
    found = (
        select(BarsMessage.bundle)
        .where(BarsMessage.referral_id == referral_id)
        .order_by(col(BarsMessage.version).desc())
    )
    return dict(session.exec(found).first() or {})


def add_reply(
    *,
    session: Session,
    referral_id: int,
    kind: ReplyKind,
    request_id: str,
    target: str,
    body: dict[str, Any],
    by: str,
    now: datetime,
) -> BarsReply:
    row = BarsReply(
        referral_id=referral_id,
        kind=kind.value,
        request_id=request_id,
        target=target,
        body=body,
        state=ReplyState.QUEUED.value,
        queued_at=now,
        queued_by=by,
        next_try_at=now,
    )
    session.add(row)
    session.flush()
    return row


def due_replies(*, session: Session, now: datetime, limit: int) -> list[BarsReply]:
    """Replies waiting whose next try has come, oldest first; locked, skipping any another
    sender holds (PostgreSQL; SQLite's one writer makes the lock moot)."""
    found = (
        select(BarsReply)
        .where(BarsReply.state == ReplyState.QUEUED.value, col(BarsReply.next_try_at) <= now)
        .order_by(col(BarsReply.next_try_at), col(BarsReply.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.exec(found))


def detail_of(*, session: Session, row: Referral) -> BarsDetail | None:
    """The referral view's BaRS part, or None for a referral that did not come over BaRS."""
    if row.id is None or row.source is None:
        return None
    side = of_referral(session=session, referral_id=row.id)
    if side is None:
        return None
    replies = session.exec(
        select(BarsReply).where(BarsReply.referral_id == row.id).order_by(col(BarsReply.id))
    )
    return BarsDetail(
        sent=SentDetails.from_dict(side.sent),
        version=side.version,
        breach_at=_breach_at(side),
        reply_owed_by=row.reply_owed_by,
        answer=side.answer,
        replies=tuple(
            ReplyRow(
                kind=ReplyKind(reply.kind),
                state=reply.state,
                queued_at=reply.queued_at,
                queued_by=reply.queued_by,
                attempts=reply.attempts,
                last_error=reply.last_error,
                sent_at=reply.sent_at,
            )
            for reply in replies
        ),
    )


def _breach_at(side: BarsReferral) -> datetime | None:
    value = side.sent.get("breach_at")
    return datetime.fromisoformat(value) if isinstance(value, str) else None
