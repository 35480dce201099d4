"""Reference data (localities and teams from the source documents), loaded on first start."""

from __future__ import annotations

from sqlmodel import Session, select

from db.models import Locality, Team
from spr_desk.reference_data import COUNTYWIDE, LOCALITIES, TEAMS


def ensure_reference_data(*, session: Session) -> int:
    """Add any locality or team not yet stored; returns how many rows were added. Idempotent."""
    added = 0
    localities = {row.name: row for row in session.exec(select(Locality)).all()}
    for name in (*LOCALITIES, COUNTYWIDE):
        if name not in localities:
            localities[name] = Locality(name=name)
            session.add(localities[name])
            added += 1
    session.flush()
    teams = set(session.exec(select(Team.name)).all())
    for spec in TEAMS:
        if spec.name in teams:
            continue
        session.add(
            Team(
                name=spec.name,
                organisation=spec.organisation,
                kind=spec.kind,
                base=spec.base,
                locality_id=localities[spec.locality].id,
                covers_night=spec.covers_night,
                roles=[role.value for role in spec.roles],
            )
        )
        added += 1
    session.flush()
    return added


def locality_ids(*, session: Session) -> dict[str, int]:
    return {row.name: row.id for row in session.exec(select(Locality)).all() if row.id is not None}
