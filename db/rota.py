"""Storing a checked rota (`spr_desk.rota_csv`): staff found or added by team and name, shifts
added or replaced by person and start.

Everything runs in the caller's transaction and nothing here commits, so a file is stored whole
or, when anything fails, not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import (
    ClauseElement,
    Connection,
    Dialect,
    Table,
    bindparam,
    insert,
    update,
)
from sqlalchemy.sql.compiler import SQLCompiler
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


class TeamsChanged(ValueError):
    """The rows name a team the desk does not hold: one went after the file was checked."""


def team_names(*, session: Session) -> list[str]:
    """Every team's name, in the order the reference data added them: what `parse_rota` takes."""
    return list(session.exec(select(Team.name).order_by(col(Team.id))).all())


@dataclass(frozen=True)
class RotaPlan:
    """Checked rows grouped the way they are stored, their times already in the form the
    driver takes: built before any transaction opens, so the write itself only compares with
    what is stored and sends a few bulk statements."""

    rows: int
    people: dict[tuple[str, str], dict[str, object]]
    """(team name, person's name) to the person's columns as the rota gives them (the last row
    wins, as it did row by row)."""
    shifts: dict[tuple[str, str], dict[datetime, tuple[object, object]]]
    """(team name, person's name) to each start (aware UTC) and that shift's start and end as
    bound for the driver (the last row for a start wins)."""
    repeats: int
    """Rows whose person and start an earlier row of the same file gave: each replaces it."""
    first_start: datetime | None = None
    last_start: datetime | None = None
    """The earliest and latest start: stored shifts outside them cannot match a row."""


def plan_rota(rows: Sequence[RotaRow], dialect: Dialect) -> RotaPlan:
    """The rows grouped by person and by shift, times bound for `dialect`. No session, no lock."""
    bind = _bind_processor(dialect)
    people: dict[tuple[str, str], dict[str, object]] = {}
    shifts: dict[tuple[str, str], dict[datetime, tuple[object, object]]] = {}
    for row in rows:
        key = (row.team, row.name)
        people[key] = {
            "role": row.role.value,
            "band": row.band,
            "capacity": row.capacity,
            "active": True,
        }
        shifts.setdefault(key, {})[row.starts_at] = (bind(row.starts_at), bind(row.ends_at))
    planned = sum(len(starts) for starts in shifts.values())
    first = min((row.starts_at for row in rows), default=None)
    last = max((row.starts_at for row in rows), default=None)
    return RotaPlan(len(rows), people, shifts, len(rows) - planned, first, last)


def apply_rota(
    *,
    session: Session,
    rows: Sequence[RotaRow],
) -> RotaApplied:
    """Store checked rota rows (`plan_rota` then `store_rota`). Never commits.

    Raises:
        ValueError: a row names a team the desk does not hold (`parse_rota` refuses those first).
    """
    return store_rota(session=session, plan=plan_rota(rows, session.get_bind().dialect))


def store_rota(*, session: Session, plan: RotaPlan) -> RotaApplied:
    """Store a planned rota in the caller's transaction with bulk statements. Never commits.

    A person is found by team and name, added if new (active, as the rota describes them) and
    otherwise brought in line with the rota (role, band, capacity; back to active). A shift is
    matched by person and start: a match gets the rota's end, anything else is added.

    Raises:
        TeamsChanged: a ValueError: the plan names a team the desk does not hold (any more).
    """
    connection = session.connection()
    teams: dict[str, int] = dict(connection.execute(select(Team.name, Team.id)).all())
    unknown = sorted({team for team, _ in plan.people} - teams.keys())
    if unknown:
        raise TeamsChanged(f"no team named {', '.join(repr(name) for name in unknown)}")
    if not plan.rows:
        return RotaApplied(staff_added=0, staff_updated=0, shifts_added=0, shifts_replaced=0)

    team_ids = {teams[team] for team, _ in plan.people}
    stored_people = _stored_people(connection, team_ids)
    new_people = [key for key in plan.people if (teams[key[0]], key[1]) not in stored_people]
    changed_people = [
        {"id": stored_people[(teams[team], name)][0], **wanted}
        for (team, name), wanted in plan.people.items()
        if (teams[team], name) in stored_people and stored_people[(teams[team], name)][1] != wanted
    ]
    if new_people:
        session.execute(
            insert(StaffMember),
            [
                {"name": name, "team_id": teams[team], "is_demo": False, **wanted}
                for (team, name), wanted in ((key, plan.people[key]) for key in new_people)
            ],
        )
        stored_people = _stored_people(connection, team_ids)  # the new people's ids
    if changed_people:
        session.execute(update(StaffMember), changed_people)

    staff_ids = {staff_id for staff_id, _ in stored_people.values()}
    stored_shifts = _stored_shifts(connection, staff_ids, plan)
    added: list[tuple[object, ...]] = []
    replaced: list[tuple[object, ...]] = []
    for (team, name), starts in plan.shifts.items():
        staff_id = stored_people[(teams[team], name)][0]
        stored = stored_shifts.get(staff_id)
        if stored is None:  # nothing of theirs stored in the rota's dates: every shift is new
            added.extend([(staff_id, start, end) for start, end in starts.values()])
            continue
        for starts_at, (start, end) in starts.items():
            shift_id = stored.get(starts_at)
            if shift_id is None:
                added.append((staff_id, start, end))
            else:
                replaced.append((end, shift_id))
    _send_many(connection, _ADD_SHIFT, ("staff_id", "starts_at", "ends_at"), added)
    _send_many(connection, _REPLACE_END, ("ends_at", "shift_id"), replaced)
    return RotaApplied(
        staff_added=len(new_people),
        staff_updated=len(changed_people),
        shifts_added=len(added),
        shifts_replaced=len(replaced) + plan.repeats,
    )


_PERSON_COLUMNS = ("role", "band", "capacity", "active")


def _stored_people(
    connection: Connection, team_ids: set[int]
) -> dict[tuple[int, str], tuple[int, dict[str, object]]]:
    """(team id, name) to (id, the columns a rota sets) of every person in those teams."""
    found = connection.execute(
        select(
            StaffMember.id,
            StaffMember.team_id,
            StaffMember.name,
            *(getattr(StaffMember, column) for column in _PERSON_COLUMNS),
        ).where(col(StaffMember.team_id).in_(team_ids))
    )
    return {
        (team_id, name): (staff_id, dict(zip(_PERSON_COLUMNS, values, strict=True)))
        for staff_id, team_id, name, *values in found
    }


def _stored_shifts(
    connection: Connection, staff_ids: set[int], plan: RotaPlan
) -> dict[int, dict[datetime, int]]:
    """Staff id to each start and id of their stored shifts between the plan's first and last
    start: the only ones a row can match."""
    bind = _bind_processor(connection.dialect)
    found = _fetch_all(
        connection,
        _SHIFTS_BETWEEN,
        {"first": bind(plan.first_start), "last": bind(plan.last_start)},
    )
    stored: dict[int, dict[datetime, int]] = {}
    # The driver's rows of _SHIFTS_BETWEEN: (staff id, stored start, shift id).
    for staff_id, starts_at, shift_id in cast("list[tuple[int, str | datetime, int]]", found):
        if staff_id in staff_ids:
            stored.setdefault(staff_id, {})[_instant(starts_at)] = shift_id
    return stored


def _instant(stored: str | datetime) -> datetime:
    """A stored time as an aware UTC instant, as `UTCDateTime` reads it: SQLite gives its text
    (UTC, no offset), PostgreSQL an aware datetime."""
    moment = datetime.fromisoformat(stored) if isinstance(stored, str) else stored
    return moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment.astimezone(UTC)


_SHIFTS = cast(Table, Shift.__table__)  # type: ignore[attr-defined]
_ADD_SHIFT = insert(_SHIFTS).values(
    staff_id=bindparam("staff_id"),
    starts_at=bindparam("starts_at"),
    ends_at=bindparam("ends_at"),
)
_REPLACE_END = (
    update(_SHIFTS)
    .where(_SHIFTS.c.id == bindparam("shift_id"))
    .values(ends_at=bindparam("ends_at"))
)


_SHIFTS_BETWEEN = select(_SHIFTS.c.staff_id, _SHIFTS.c.starts_at, _SHIFTS.c.id).where(
    _SHIFTS.c.starts_at >= bindparam("first"), _SHIFTS.c.starts_at <= bindparam("last")
)


def _bind_processor(dialect: Dialect) -> Callable[[datetime | None], object]:
    """A shift time as the driver takes it (on SQLite, its text), the way SQLAlchemy binds it."""
    column_type = _SHIFTS.c.starts_at.type
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else lambda value: value


def _compiled(statement: ClauseElement, dialect: Dialect) -> SQLCompiler:
    """`statement` as SQL for `dialect`: a statement compiles to a SQLCompiler (typed only as
    Compiled, which lacks the positional parameters read here)."""
    return cast(SQLCompiler, statement.compile(dialect=dialect))


def _fetch_all(
    connection: Connection, statement: ClauseElement, values: dict[str, object]
) -> list[tuple[object, ...]]:
    """The rows of `statement` from the driver's own cursor, `values` already bound and each
    row as the driver gives it: SQLAlchemy's rows cost three times the read of 29,200 shifts,
    under the write lock."""
    compiled = _compiled(statement, connection.dialect)
    cursor = connection.connection.cursor()
    try:
        if compiled.positional:
            cursor.execute(compiled.string, [values[name] for name in compiled.positiontup or ()])
        else:
            cursor.execute(compiled.string, values)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _send_many(
    connection: Connection,
    statement: ClauseElement,
    names: tuple[str, ...],
    rows: list[tuple[object, ...]],
) -> None:
    """One executemany on the driver itself, the values already bound (`plan_rota`):
    SQLAlchemy's handling of each row's parameters takes as long again as SQLite's own insert,
    and it would be spent holding the write lock."""
    if not rows:
        return
    compiled = _compiled(statement, connection.dialect)
    if compiled.positional:
        order = [names.index(name) for name in compiled.positiontup or ()]
        if order != list(range(len(names))):
            rows = [tuple(row[index] for index in order) for row in rows]
        connection.exec_driver_sql(compiled.string, rows)
    else:
        named = [dict(zip(names, row, strict=True)) for row in rows]
        connection.exec_driver_sql(compiled.string, named)
