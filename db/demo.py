"""Fill a database with the fictional demo data of `spr_desk.demo`; twice adds nothing."""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Engine, insert
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from db import actions, referrals, seed, users
from db.models import Referral, Shift, StaffMember, Team
from spr_desk.demo import (
    DEMO_PASSWORD,
    DEMO_USERS,
    DemoCall,
    DemoShift,
    DemoStaff,
    demo_calls,
    demo_shifts,
    demo_staff,
)
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
    writes: int = 1
    """Transactions the demo was written in (`load_demo_in_steps`); 1 for `load_demo`."""
    longest_write_seconds: float = 0.0
    """The longest of them, from its BEGIN to its COMMIT (`load_demo_in_steps` only)."""


@dataclass(frozen=True)
class DemoPlan:
    """Everything the demo writes, built in memory before any transaction opens: the rota, the
    calls and their later steps (pure, `spr_desk.demo`), and the demo password's hash (scrypt
    is slow on purpose: never under the write lock)."""

    staff: list[DemoStaff]
    shifts: list[DemoShift]
    calls: list[DemoCall]
    password_hash: str


STEP_SECONDS = 0.1
"""`load_demo_in_steps` commits its referrals once a transaction has run this long (after the
referral under way): other desks wait a tenth of a second at most for each."""
SQLITE_GAP_SECONDS = 0.1
"""On SQLite it then leaves the lock free this long: a desk waiting for it sleeps up to 100 ms
between tries (SQLite's busy handler), and would find it taken again at every try if the
next step began at once. PostgreSQL locks rows, not the database: no gap there."""


def plan_demo(*, days: int, now: datetime, rules: Rules) -> DemoPlan:
    """The demo as data; no session."""
    staff = demo_staff()
    today = now.astimezone(LONDON).date()
    shifts = demo_shifts(staff, today - timedelta(days=days), today + timedelta(days=2))
    return DemoPlan(staff, shifts, demo_calls(days, now, rules), _demo_hash())


def load_demo(*, session: Session, days: int, now: datetime, rules: Rules) -> DemoReport:
    """Staff and shifts for every team, and `days` of referrals before `now` in every state, in
    the caller's one transaction (tests build their databases so; the command uses
    `load_demo_in_steps`).

    Staff and shifts are matched by name and start, so they are never added twice; referrals
    are added only when the database holds no demo referral yet.
    """
    plan = plan_demo(days=days, now=now, rules=rules)
    staff_added, shifts_added, users_added, already = _load_setting(session, plan, now)
    added = 0
    if not already:
        for demo in plan.calls:
            _record_demo_call(session, demo, rules)
            added += 1
        added += _load_bars_demo(session, now, rules)
    log.info("demo: %d staff, %d shifts, %d referrals added", staff_added, shifts_added, added)
    return DemoReport(staff_added, shifts_added, added, already, users_added)


def load_demo_in_steps(*, engine: Engine, days: int, now: datetime, rules: Rules) -> DemoReport:
    """`load_demo` for a database desks may be using: built in memory first, then written in
    short transactions, each all or nothing. The first holds the reference data, staff, shifts
    and users; then the referrals, each whole with its later steps, in transactions of about
    `STEP_SECONDS` (on SQLite, with the lock left free `SQLITE_GAP_SECONDS` between). A run
    stopped part way keeps the referrals already committed (each whole), and as a database with
    demo referrals gets no more, running it again adds nothing."""
    plan = plan_demo(days=days, now=now, rules=rules)
    sessions = sessionmaker(bind=engine, class_=Session, expire_on_commit=False)
    with sessions.begin() as session:
        locked = _take_the_lock(session)
        staff_added, shifts_added, users_added, already = _load_setting(session, plan, now)
    longest = time.perf_counter() - locked
    writes, added = 1, 0
    calls = [] if already else plan.calls
    gap = SQLITE_GAP_SECONDS if engine.dialect.name == "sqlite" else 0.0
    while added < len(calls):
        time.sleep(gap)
        with sessions.begin() as session:
            locked = _take_the_lock(session)
            while added < len(calls) and time.perf_counter() - locked < STEP_SECONDS:
                _record_demo_call(session, calls[added], rules)
                added += 1
        longest = max(longest, time.perf_counter() - locked)
        writes += 1
    if calls:
        with sessions.begin() as session:
            added += _load_bars_demo(session, now, rules)
        writes += 1
    log.info(
        "demo: %d staff, %d shifts, %d referrals added in %d transactions (longest %.0f ms)",
        staff_added,
        shifts_added,
        added,
        writes,
        longest * 1e3,
    )
    return DemoReport(staff_added, shifts_added, added, already, users_added, writes, longest)


def _take_the_lock(session: Session) -> float:
    """BEGIN (IMMEDIATE on SQLite) now; the moment the write lock is held from."""
    session.connection()
    return time.perf_counter()


def _load_setting(session: Session, plan: DemoPlan, now: datetime) -> tuple[int, int, int, bool]:
    """Reference data, staff, shifts and users: (staff added, shifts added, users added,
    whether demo referrals are stored already)."""
    seed.ensure_reference_data(session=session)
    staff_added, shifts_added = _load_rota(session, plan)
    users_added = _load_users(session=session, now=now, password_hash=plan.password_hash)
    already = session.exec(select(Referral.id).where(col(Referral.is_demo)).limit(1)).first()
    return staff_added, shifts_added, users_added, already is not None


def _record_demo_call(session: Session, demo: DemoCall, rules: Rules) -> None:
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
    row.call_ended_at = demo.call.received_at + _demo_call_length(demo.call.received_at)
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


def _demo_call_length(received_at: datetime) -> timedelta:
    """How long a demo call took: 6 to 15 minutes, the same for the same call on every load
    (seeded by its received time), so `rota check` has handling times to read."""
    rng = random.Random(f"demo call length {received_at.isoformat()}")
    return timedelta(seconds=round(rng.uniform(6 * 60, 15 * 60)))


def _load_bars_demo(session: Session, now: datetime, rules: Rules) -> int:
    """Two referrals a 999 service sent over BaRS, waiting for the desk's triage and answer:
    one as the standard asks, one with a slip the desk takes and marks (no scene-safety flag).
    Both patients have NHS numbers in the 999 test range, as every demo patient has."""
    from db.bars_desk import take_request
    from spr_desk.bars.example import a4t3_bundle, body
    from spr_desk.bars.reading import read_request

    bundles = [
        a4t3_bundle(
            authored_on=now - timedelta(minutes=20),
            message_id="demo-bars-1",
            journey_id="DEMO-J-4512",
            service_request_id="DEMO-VR-4512",
            nhs_number="9990000018",
        ),
        a4t3_bundle(
            authored_on=now - timedelta(minutes=70),
            message_id="demo-bars-2",
            journey_id="DEMO-J-4733",
            service_request_id="DEMO-VR-4733",
            given_name="Albert",
            family_name="Demoson",
            birth_date="1938-02-11",
            nhs_number="9990000026",
            nhs_status="number-present-but-not-traced",
            scene_safety=None,
            safeguarding=None,
            chief_concern="Found on the floor by a carer, no injury; lives alone, cannot mobilise",
            contacts=[(1, "Crew 4733 (technician)", "07700 900473")],
        ),
    ]
    for bundle in bundles:
        request = read_request(body(bundle), request_id=bundle["id"], correlation_id=bundle["id"])
        take_request(session, request, bundle, now=now, rules_version=rules.version, is_demo=True)
    return len(bundles)


@functools.cache
def _demo_hash() -> str:
    # One hash for the published demo password: scrypt is slow on purpose, once is enough.
    return hash_password(DEMO_PASSWORD)


def _load_users(*, session: Session, now: datetime, password_hash: str) -> int:
    added = 0
    for username, display_name, role in DEMO_USERS:
        if users.find_user(session=session, username=username) is None:
            users.add_user(
                session=session,
                username=username,
                display_name=display_name,
                role=role,
                password_hash=password_hash,
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


def _load_rota(session: Session, plan: DemoPlan) -> tuple[int, int]:
    """The demo's staff and shifts not stored yet, in two bulk inserts."""
    # Stored rows have their ids: the model's `int | None` is for one not yet added.
    teams = cast("dict[str, int]", dict(session.exec(select(Team.name, Team.id)).all()))
    people = _demo_people(session)
    new_staff = [
        StaffMember(
            name=person.name,
            role=person.role.value,
            band=person.band,
            team_id=teams[person.team],
            is_demo=True,
        ).model_dump(exclude={"id"})
        for person in plan.staff
        if (teams[person.team], person.name) not in people
    ]
    if new_staff:
        session.execute(insert(StaffMember), new_staff)
        people = _demo_people(session)
    existing = set(session.exec(select(Shift.staff_id, Shift.starts_at)).all())
    new_shifts: dict[tuple[int, datetime], dict[str, object]] = {}
    for shift in plan.shifts:
        staff_id = people[(teams[shift.team], shift.name)]
        key = (staff_id, shift.starts_at)
        if key not in existing and key not in new_shifts:
            new_shifts[key] = {
                "staff_id": staff_id,
                "starts_at": shift.starts_at,
                "ends_at": shift.ends_at,
            }
    if new_shifts:
        session.execute(insert(Shift), list(new_shifts.values()))
    return len(new_staff), len(new_shifts)


def _demo_people(session: Session) -> dict[tuple[int, str], int]:
    """(team id, name) to id of everyone stored."""
    found = session.exec(select(StaffMember.team_id, StaffMember.name, StaffMember.id)).all()
    stored = cast("Sequence[tuple[int, str, int]]", found)  # stored rows have their ids
    return {(team_id, name): staff_id for team_id, name, staff_id in stored}
