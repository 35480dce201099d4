"""Storing a checked rota (`spr_desk.rota_csv`): staff found or added by team and name, shifts
added or replaced by person and start.

Everything runs in the caller's transaction and nothing here commits, so a file is stored whole
or, when anything fails, not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from db.models import Shift, StaffMember, Team
from spr_desk.rota_csv import RotaRow


@dataclass(frozen=True, slots=True)
class RotaApplied:
    """What storing a rota changed."""

    staff_added: int
    staff_updated: int
    """People already stored whose role, band, capacity or active flag the rota changed."""
    shifts_added: int
    shifts_replaced: int
    """Rows whose person already had a shift starting then: its end is now the rota's."""


def team_names(*, session: Session) -> list[str]:
    """Every team's name, in the order the reference data added them: what `parse_rota` takes."""
    return list(session.exec(select(Team.name).order_by(col(Team.id))).all())


PROGRESS_EVERY = 100
"""`apply_rota` reports progress every this many shifts."""


def apply_rota(
    *,
    session: Session,
    rows: Sequence[RotaRow],
    on_progress: Callable[[int], None] | None = None,
) -> RotaApplied:
    """Store checked rota rows. Flushes; never commits.

    A person is found by team and name, added if new (active, as the rota describes them) and
    otherwise brought in line with the rota (role, band, capacity; back to active). A shift is
    matched by person and start: a match gets the rota's end, anything else is added.

    `on_progress` is told how many rows are stored so far, every `PROGRESS_EVERY` and at the end.

    Raises:
        ValueError: a row names a team the desk does not hold (`parse_rota` refuses those first).
    """
    teams = {team.name: team.id for team in session.exec(select(Team)).all() if team.id}
    unknown = sorted({row.team for row in rows} - teams.keys())
    if unknown:
        raise ValueError(f"no team named {', '.join(repr(name) for name in unknown)}")
    if not rows:
        return RotaApplied(staff_added=0, staff_updated=0, shifts_added=0, shifts_replaced=0)

    team_ids = {teams[row.team] for row in rows}
    people = {
        (member.team_id, member.name): member
        for member in session.exec(
            select(StaffMember).where(col(StaffMember.team_id).in_(team_ids))
        ).all()
    }
    added: set[tuple[int, str]] = set()
    updated: set[tuple[int, str]] = set()
    for row in rows:
        team_id = teams[row.team]
        key = (team_id, row.name)
        member = people.get(key)
        if member is None:
            people[key] = StaffMember(
                name=row.name,
                role=row.role.value,
                band=row.band,
                team_id=team_id,
                capacity=row.capacity,
                active=True,
            )
            session.add(people[key])
            added.add(key)
            continue
        wanted = {
            "role": row.role.value,
            "band": row.band,
            "capacity": row.capacity,
            "active": True,
        }
        changed = {name: value for name, value in wanted.items() if getattr(member, name) != value}
        if changed:
            for name, value in changed.items():
                setattr(member, name, value)
            if key not in added:
                updated.add(key)
    session.flush()  # new people get their ids

    staff_ids = {people[(teams[row.team], row.name)].id for row in rows}
    stored = session.exec(
        select(Shift).where(
            col(Shift.staff_id).in_(staff_ids),
            col(Shift.starts_at) >= min(row.starts_at for row in rows),
            col(Shift.starts_at) <= max(row.starts_at for row in rows),
        )
    ).all()
    shifts: dict[tuple[int, datetime], Shift] = {
        (shift.staff_id, shift.starts_at): shift for shift in stored
    }
    shifts_added = shifts_replaced = 0
    for done, row in enumerate(rows, start=1):
        if on_progress is not None and done % PROGRESS_EVERY == 0:
            on_progress(done)
        staff_id = people[(teams[row.team], row.name)].id
        assert staff_id is not None  # flushed above
        shift = shifts.get((staff_id, row.starts_at))
        if shift is None:
            shift = Shift(staff_id=staff_id, starts_at=row.starts_at, ends_at=row.ends_at)
            session.add(shift)
            shifts[(staff_id, row.starts_at)] = shift
            shifts_added += 1
        else:
            shift.ends_at = row.ends_at
            shifts_replaced += 1
    session.flush()
    if on_progress is not None:
        on_progress(len(rows))
    return RotaApplied(
        staff_added=len(added),
        staff_updated=len(updated),
        shifts_added=shifts_added,
        shifts_replaced=shifts_replaced,
    )
