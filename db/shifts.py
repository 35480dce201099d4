"""Repository for the rota as the availability board reads it: shifts with their people's load.

Never commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import Locality, Referral, Shift, StaffMember, Team
from db.wide_select import select_columns
from spr_desk.availability import RotaShift
from spr_desk.desk_api import ShiftRow
from spr_desk.reference_data import CALL_HANDLERS_KIND, COUNTYWIDE
from spr_desk.vocabulary import StaffRole


def open_allocations(*, session: Session) -> dict[int, int]:
    """Open referrals allocated to each named professional (through the queue index)."""
    rows = session.exec(
        select(Referral.allocated_staff_id, func.count())
        .where(col(Referral.queue_band).is_not(None))
        .where(col(Referral.allocated_staff_id).is_not(None))
        .group_by(col(Referral.allocated_staff_id))
    ).all()
    return {staff_id: count for staff_id, count in rows if staff_id is not None}


def rota_shifts(*, session: Session, start: datetime, end: datetime) -> list[RotaShift]:
    """Shifts of active staff overlapping [start, end), with team, locality and load."""
    loads = open_allocations(session=session)
    rows = session.exec(
        select_columns(
            StaffMember.id,
            StaffMember.name,
            StaffMember.role,
            StaffMember.capacity,
            Team.name,
            Locality.name,
            Shift.starts_at,
            Shift.ends_at,
        )
        .join(StaffMember, col(StaffMember.id) == col(Shift.staff_id))
        .join(Team, col(Team.id) == col(StaffMember.team_id))
        .join(Locality, col(Locality.id) == col(Team.locality_id), isouter=True)
        .where(col(StaffMember.active))
        # The desk's own call handlers answer the phone and visit nobody: the board, the
        # handover and the matrix's availability leave them out (rota check counts them).
        .where(col(Team.kind) != CALL_HANDLERS_KIND)
        .where(col(Shift.starts_at) < end, col(Shift.ends_at) > start)
        .order_by(col(Shift.starts_at), col(StaffMember.id))
    ).all()
    shifts = []
    for staff_id, name, role, capacity, team, locality, starts_at, ends_at in rows:
        if role not in StaffRole._value2member_map_:
            continue  # a role this version does not know leads nothing
        assert staff_id is not None
        shifts.append(
            RotaShift(
                staff_id=staff_id,
                name=name,
                role=StaffRole(role),
                team=team,
                locality=locality or COUNTYWIDE,
                starts_at=starts_at,
                ends_at=ends_at,
                capacity=capacity,
                open_allocations=loads.get(staff_id, 0),
            )
        )
    return shifts


def shifts_between(*, session: Session, start: datetime, end: datetime) -> list[ShiftRow]:
    rows = session.exec(
        select_columns(
            Shift.id, Team.name, StaffMember.name, StaffMember.role, Shift.starts_at, Shift.ends_at
        )
        .join(StaffMember, col(StaffMember.id) == col(Shift.staff_id))
        .join(Team, col(Team.id) == col(StaffMember.team_id))
        .where(col(Shift.starts_at) < end, col(Shift.ends_at) > start)
        .order_by(col(Shift.starts_at), col(Team.name), col(StaffMember.name))
    ).all()
    return [ShiftRow(*row) for row in rows if row[0] is not None]
