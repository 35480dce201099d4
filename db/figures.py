"""The read behind the supervisor's charts: one statement, only the columns the charts count, no
patient details. Never commits."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from db.models import Locality, Referral
from db.supervision import recent_or_open
from spr_desk.figures import FigureRow
from spr_desk.supervision import departs_from_matrix


def figure_rows(*, session: Session, since: datetime) -> list[FigureRow]:
    """Referrals received from `since`, plus every open one (however old: the open queue).

    The same two indexed reads as the supervisor's review (`db.supervision.recent_or_open`).
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
    rows = session.exec(recent_or_open(columns, since)).all()  # type: ignore[call-overload]
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
            override=departs_from_matrix(
                row.response, row.lead, row.rec_response, row.rec_lead, row.override_reason or ""
            ),
        )
        for row in rows
    ]
