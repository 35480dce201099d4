"""Repository for `rota check`: the live calls the desk took, and the call handlers' shifts.

Never commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import Referral, Shift, StaffMember, Team
from spr_desk.call_profile import TakenCall
from spr_desk.reference_data import CALL_HANDLERS_KIND

_LIVE = (
    col(Referral.paper_entered_at).is_(None),
    col(Referral.source).is_(None),
    col(Referral.imported_from).is_(None),
)
"""A call a handler took live on the desk's phone."""


def live_calls(*, session: Session, start: datetime, end: datetime) -> list[TakenCall]:
    """Calls received in [start, end) that a handler took live on the desk's phone: not a paper
    sheet typed in later, not a 999 referral over BaRS, not a mutual-aid import. The handling
    time runs from the call's start (its received time when none was kept) to its end."""
    rows = session.exec(
        select(Referral.received_at, Referral.call_started_at, Referral.call_ended_at)
        .where(col(Referral.received_at) >= start, col(Referral.received_at) < end)
        .where(*_LIVE)
    ).all()
    calls = []
    for received_at, started_at, ended_at in rows:
        began = started_at or received_at
        seconds = (ended_at - began).total_seconds() if ended_at is not None else None
        calls.append(TakenCall(received_at, seconds))
    return calls


def first_live_call(*, session: Session) -> datetime | None:
    """When the desk took its first live call (as `live_calls` counts them), or None."""
    return session.exec(select(func.min(Referral.received_at)).where(*_LIVE)).one()


def call_handler_shifts(
    *, session: Session, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """(start, end) of every active call handler's shift overlapping [start, end)."""
    rows = session.exec(
        select(Shift.starts_at, Shift.ends_at)
        .join(StaffMember, col(StaffMember.id) == col(Shift.staff_id))
        .join(Team, col(Team.id) == col(StaffMember.team_id))
        .where(col(Team.kind) == CALL_HANDLERS_KIND, col(StaffMember.active))
        .where(col(Shift.starts_at) < end, col(Shift.ends_at) > start)
        .order_by(col(Shift.starts_at))
    ).all()
    return [(starts_at, ends_at) for starts_at, ends_at in rows]
