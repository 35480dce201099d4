"""Reads and writes for GP updates (the `gp_update` table). Never commits.

The rule for "the GP is not yet told" lives here once (`not_told`), for the desk's owed list,
the handover pack's needs-action summary and the supervisor's review: a closed referral whose
`gp_updated` is false. The practice acknowledging an update sets it true, and so does the close
screen's "GP updated" tick (the GP told another way): so a referral is owed exactly while its
latest update is not acknowledged and it was not ticked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import TextClause, func, literal_column, text
from sqlmodel import Session, col, select

from db.models import GP_OWED_INDEX, GP_OWED_WHERE, GpUpdate, Patient, Referral
from spr_desk.vocabulary import GpUpdateState


def not_told() -> tuple[TextClause, ...]:
    """The referrals whose GP is owed an update (closed, not told), as WHERE conditions: the
    partial index's own words (`db.models.GP_OWED_WHERE`), so SQLite reads along it."""
    return (text(GP_OWED_WHERE),)


def latest_for(*, session: Session, referral_id: int, for_update: bool = False) -> GpUpdate | None:
    found = (
        select(GpUpdate)
        .where(GpUpdate.referral_id == referral_id)
        .order_by(col(GpUpdate.id).desc())
    )
    if for_update:
        found = found.with_for_update()
    return session.exec(found.limit(1)).first()


def get(*, session: Session, update_id: int) -> GpUpdate | None:
    return session.get(GpUpdate, update_id, with_for_update=True)


def due_to_send(*, session: Session, now: datetime, limit: int) -> list[GpUpdate]:
    """Queued updates whose next try has come, oldest first; locked, skipping any another sender
    holds (PostgreSQL; SQLite's one writer makes the lock moot)."""
    found = (
        select(GpUpdate)
        .where(GpUpdate.state == GpUpdateState.QUEUED.value, col(GpUpdate.next_try_at) <= now)
        .order_by(col(GpUpdate.next_try_at), col(GpUpdate.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.exec(found))


def in_flight(*, session: Session, limit: int = 500) -> list[tuple[GpUpdate, str]]:
    """Sent updates not yet acknowledged, with their referral's reference, oldest first."""
    found = (
        select(GpUpdate, Referral.reference)
        .join(Referral, col(Referral.id) == col(GpUpdate.referral_id))
        .where(GpUpdate.state == GpUpdateState.SENT.value)
        .order_by(col(GpUpdate.sent_at), col(GpUpdate.id))
        .limit(limit)
    )
    return [(update, reference) for update, reference in session.exec(found).all()]


def _owed_source(session: Session) -> TextClause:
    """The referral table as the owed reads take it: along `ix_referral_gp_owed`. SQLite, left
    to itself, reads along the status index instead, every closed referral (the count took
    0.6 s at 1M closed against 5 ms), so it is told which index to read."""
    if session.get_bind().dialect.name == "sqlite":
        return text(f"referral INDEXED BY {GP_OWED_INDEX}")
    return text("referral")


def owed(
    *, session: Session, limit: int | None = None
) -> list[tuple[Referral, Patient | None, GpUpdate | None]]:
    """The referrals not yet told, longest closed (soonest due) first, every one or the first
    `limit`, with each one's patient and latest update (None: none drafted, as for one closed
    before the desk drafted updates). The first `limit` are found along the partial index,
    then read by id."""
    latest = (
        select(func.max(GpUpdate.id))
        .where(col(GpUpdate.referral_id) == col(Referral.id))
        .correlate(Referral)
        .scalar_subquery()
    )
    found: Any = (
        select(Referral, Patient, GpUpdate)
        .join(Patient, col(Patient.id) == col(Referral.patient_id), isouter=True)
        .join(GpUpdate, col(GpUpdate.id) == latest, isouter=True)
        .order_by(col(Referral.closed_at), col(Referral.id))
    )
    if limit is None:
        found = found.where(*not_told())
    else:
        first: Any = (
            select(literal_column("id"))
            .select_from(_owed_source(session))
            .where(*not_told())
            .order_by(text("closed_at, id"))
            .limit(limit)
        )
        found = found.where(col(Referral.id).in_(list(session.exec(first).all())))
    return [(row, patient, update) for row, patient, update in session.exec(found).all()]


def owed_count(*, session: Session) -> int:
    """How many referrals are not yet told: the partial index's entries, counted."""
    counted: Any = select(func.count()).select_from(_owed_source(session)).where(*not_told())
    return int(session.exec(counted).one())
