"""The read behind the supervisor's charts: one statement, only the columns the charts count, no
patient details. Never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import union_all
from sqlmodel import Session, col

from db.models import Locality, Referral
from db.wide_select import select_columns
from spr_desk.figures import FigureRow, overridden


def figure_rows(*, session: Session, since: datetime) -> list[FigureRow]:
    """Referrals received from `since`, plus every open one (however old: the open queue).

    Split on being open, as `db.supervision.review_rows` is, so each half reads by an index
    (`ix_referral_received` for the recent closed ones, the queue's partial index for the open
    ones) rather than SQLite scanning every referral for an OR.
    """
    columns = (
        Referral.received_at,
        Referral.status,
        Referral.response,
        Referral.lead,
        Locality.name,
        Referral.due_at,
        Referral.responded_at,
        Referral.response_met,
        Referral.rec_response,
        Referral.rec_lead,
        Referral.override_reason,
    )
    on_locality = col(Locality.id) == col(Referral.locality_id)
    recent_closed = (
        select_columns(*columns)
        .join(Locality, on_locality, isouter=True)
        .where(col(Referral.received_at) >= since, col(Referral.queue_band).is_(None))
    )
    every_open = (
        select_columns(*columns)
        .join(Locality, on_locality, isouter=True)
        .where(col(Referral.queue_band).is_not(None))
    )
    rows = session.exec(union_all(recent_closed, every_open)).all()  # type: ignore[call-overload]
    return [
        FigureRow(
            received_at=row.received_at,
            status=row.status,
            response=row.response,
            lead=row.lead,
            locality=row.name,
            due_at=row.due_at,
            responded_at=row.responded_at,
            response_met=row.response_met,
            override=overridden(
                row.response, row.lead, row.rec_response, row.rec_lead, row.override_reason or ""
            ),
        )
        for row in rows
    ]
