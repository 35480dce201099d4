"""Reads and writes for the supervisor view: the review's rows, and review flags. Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import union_all
from sqlmodel import Session, col, select

from db import audit
from db.models import Locality, Referral, ReviewFlag
from spr_desk.supervision import SupervisionRow

FLAGGED_FOR_REVIEW = "flagged_for_review"


@dataclass(frozen=True, slots=True)
class FlagRow:
    reference: str
    flagged_by: str
    flagged_at: datetime
    comment: str


def review_rows(*, session: Session, now: datetime, days: int = 7) -> list[SupervisionRow]:
    """Referrals received in the `days` before `now`, plus every open one: only the columns the
    review reads, no patient details.

    Two indexed reads in one statement (the recent closed ones by `ix_referral_received`, the
    open ones by the queue's partial index): with an OR instead, SQLite scans every referral
    ever received (400 ms at a million).
    """
    since = now - timedelta(days=days)
    columns = (
        Referral.reference,
        Referral.received_at,
        Referral.status,
        Referral.response,
        Referral.lead,
        Locality.name,
        Referral.rec_response,
        Referral.rec_lead,
        Referral.override_reason,
        Referral.response_met,
        Referral.close_outcome,
        Referral.gp_updated,
        Referral.due_at,
        Referral.breach_reason,
        Referral.rec_outcome,
        Referral.id,
    )
    on_locality = col(Locality.id) == col(Referral.locality_id)
    # Split on being open, not on time: `received_at < since` would tempt SQLite (without
    # statistics, as a desk's database is) to walk every older referral by received_at.
    recent_closed = (
        select(*columns)
        .join(Locality, on_locality, isouter=True)
        .where(col(Referral.received_at) >= since, col(Referral.queue_band).is_(None))
    )
    every_open = (
        select(*columns)
        .join(Locality, on_locality, isouter=True)
        .where(col(Referral.queue_band).is_not(None))
    )
    # Sorted here, not in SQL: an ORDER BY makes SQLite read each half in received_at order,
    # and so walk the whole of ix_referral_received for the open ones.
    rows = sorted(
        session.exec(union_all(recent_closed, every_open)).all(),  # type: ignore[call-overload]
        key=lambda row: (row.received_at, row.id),
    )
    return [SupervisionRow(*row[:-1]) for row in rows]


def add_flag(*, session: Session, referral: Referral, comment: str, by: str, now: datetime) -> None:
    """The flag and its audit event, in the caller's transaction."""
    session.add(ReviewFlag(referral_id=referral.id, flagged_by=by, flagged_at=now, comment=comment))
    audit.add_event(
        session=session,
        at=now,
        actor=by,
        action=FLAGGED_FOR_REVIEW,
        referral_id=referral.id,
        entity="review_flag",
        entity_id=referral.reference,
        detail=comment,
    )


def recent_flags(*, session: Session, limit: int = 50) -> list[FlagRow]:
    """The newest flags first."""
    query = (
        select(Referral.reference, ReviewFlag.flagged_by, ReviewFlag.flagged_at, ReviewFlag.comment)
        .join(Referral, col(Referral.id) == col(ReviewFlag.referral_id))
        .order_by(col(ReviewFlag.flagged_at).desc(), col(ReviewFlag.id).desc())
        .limit(limit)
    )
    return [FlagRow(*row) for row in session.exec(query).all()]
