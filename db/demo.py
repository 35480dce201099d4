"""Fill a database with the fictional demo data of `spr_desk.demo`; twice adds nothing."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from db import actions, referrals, seed, users
from db.models import Referral, Shift, StaffMember, Team
from spr_desk.demo import DEMO_PASSWORD, DEMO_USERS, demo_calls, demo_shifts, demo_staff
from spr_desk.matrix import ALL_AVAILABLE
from spr_desk.passwords import hash_password
from spr_desk.rules import Rules
from spr_desk.uktime import LONDON

log = logging.getLogger("spr_desk.demo")
DEMO_ACTOR = "demo"


@dataclass(frozen=True, slots=True)
class DemoReport:
    staff_added: int
    shifts_added: int
    referrals_added: int
    already_present: bool
    users_added: int = 0


def load_demo(*, session: Session, days: int, now: datetime, rules: Rules) -> DemoReport:
    """Staff and shifts for every team, and `days` of referrals before `now` in every state.

    Staff and shifts are matched by name and start, so they are never added twice; referrals
    are added only when the database holds no demo referral yet.
    """
    seed.ensure_reference_data(session=session)
    staff_added, shifts_added = _load_rota(session=session, days=days, now=now)
    users_added = _load_users(session=session, now=now)
    already = session.exec(select(Referral.id).where(col(Referral.is_demo)).limit(1)).first()
    added = 0
    if already is None:
        for demo in demo_calls(days, now, rules):
            recorded = actions.record_referral(
                session=session,
                call=demo.call,
                by=DEMO_ACTOR,
                now=demo.call.received_at,
                rules=rules,
                availability=ALL_AVAILABLE,
            )
            row = referrals.get_by_reference(session=session, reference=recorded.reference)
            assert row is not None
            for step in demo.steps:
                actions.move(
                    session=session,
                    row=row,
                    target=step.status,
                    by=DEMO_ACTOR,
                    now=step.at,
                    reason=step.reason,
                    team=_team_for(row, demo.call.locality),
                    outcome=step.outcome,
                    gp_updated=step.gp_updated,
                )
            added += 1
    log.info("demo: %d staff, %d shifts, %d referrals added", staff_added, shifts_added, added)
    return DemoReport(staff_added, shifts_added, added, already is not None, users_added)


@functools.cache
def _demo_hash() -> str:
    # One hash for the published demo password: scrypt is slow on purpose, once is enough.
    return hash_password(DEMO_PASSWORD)


def _load_users(*, session: Session, now: datetime) -> int:
    added = 0
    for username, display_name, role in DEMO_USERS:
        if users.find_user(session=session, username=username) is None:
            users.add_user(
                session=session,
                username=username,
                display_name=display_name,
                role=role,
                password_hash=_demo_hash(),
                at=now,
            )
            added += 1
    return added


def _team_for(row: Referral, locality: str | None) -> str:
    """Social care leads go to reablement, night calls to the night team, the rest locally."""
    if row.lead == "social_care":
        return "Bucks Care Reablement"
    hour = row.received_at.astimezone(LONDON).hour
    if hour >= 21 or hour < 7 or locality is None:
        return "ACHT Night Team"
    return f"ACHT {locality}"


def _load_rota(*, session: Session, days: int, now: datetime) -> tuple[int, int]:
    teams = {team.name: team.id for team in session.exec(select(Team)).all()}
    people = {
        (member.team_id, member.name): member for member in session.exec(select(StaffMember)).all()
    }
    staff = demo_staff()
    staff_added = 0
    for person in staff:
        key = (teams[person.team], person.name)
        if key not in people:
            people[key] = StaffMember(
                name=person.name,
                role=person.role.value,
                band=person.band,
                team_id=teams[person.team],
                is_demo=True,
            )
            session.add(people[key])
            staff_added += 1
    session.flush()
    today = now.astimezone(LONDON).date()
    existing = {(shift.staff_id, shift.starts_at) for shift in session.exec(select(Shift)).all()}
    shifts_added = 0
    for shift in demo_shifts(staff, today - timedelta(days=days), today + timedelta(days=2)):
        staff_id = people[(teams[shift.team], shift.name)].id
        assert staff_id is not None
        if (staff_id, shift.starts_at) in existing:
            continue
        session.add(Shift(staff_id=staff_id, starts_at=shift.starts_at, ends_at=shift.ends_at))
        existing.add((staff_id, shift.starts_at))
        shifts_added += 1
    return staff_added, shifts_added
