"""Reads and writes for the supervisor view: the review's rows, and review flags. Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from db import audit
from db.models import Locality, Referral, ReviewFlag
from spr_desk.lifecycle import OPEN_STATUSES
from spr_desk.supervision import SupervisionRow

FLAGGED_FOR_REVIEW = "flagged_for_review"
_OPEN = [status.value for status in OPEN_STATUSES]


@dataclass(frozen=True, slots=True)
class FlagRow:
    reference: str
    flagged_by: str
    flagged_at: datetime
    comment: str


def review_rows(*, session: Session, now: datetime, days: int = 7) -> list[SupervisionRow]:
    """Referrals received in the `days` before `now`, plus every open one: only the columns the
    review reads, no patient details."""
    query = (
        select(
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
        )
        .join(Locality, col(Locality.id) == col(Referral.locality_id), isouter=True)
        .where(
            or_(
                col(Referral.received_at) >= now - timedelta(days=days),
                col(Referral.status).in_(_OPEN),
            )
        )
        .order_by(col(Referral.received_at), col(Referral.id))
    )
    return [SupervisionRow(*row) for row in session.exec(query).all()]


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
