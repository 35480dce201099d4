"""Reads and writes for GP updates (the `gp_update` table). Never commits.

The rule for "the GP is not yet told" lives here once (`not_told`), for the desk's owed list,
the handover pack's needs-action summary and the supervisor's review: a closed referral whose
`gp_updated` is false. The practice acknowledging an update sets it true, and so does the close
screen's "GP updated" tick (the GP told another way): so a referral is owed exactly while its
latest update is not acknowledged and it was not ticked."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from db.models import GpUpdate, Patient, Referral
from spr_desk.vocabulary import GpUpdateState, Status


def not_told() -> tuple[ColumnElement[bool], ...]:
    """The referrals whose GP is owed an update (closed, not told), as WHERE conditions."""
    return (Referral.status == Status.CLOSED.value, col(Referral.gp_updated).is_(False))  # type: ignore[return-value]


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


def owed(*, session: Session) -> list[tuple[Referral, Patient | None, GpUpdate | None]]:
    """Every referral not yet told, with its patient and its latest update (None: none drafted,
    as for one closed before the desk drafted updates)."""
    latest = (
        select(GpUpdate.referral_id, func.max(GpUpdate.id).label("latest_id"))
        .group_by(col(GpUpdate.referral_id))
        .subquery()
    )
    found: Any = (
        select(Referral, Patient, GpUpdate)
        .join(Patient, col(Patient.id) == col(Referral.patient_id), isouter=True)
        .join(latest, latest.c.referral_id == col(Referral.id), isouter=True)
        .join(GpUpdate, col(GpUpdate.id) == latest.c.latest_id, isouter=True)
        .where(*not_told())
        .order_by(col(Referral.closed_at), col(Referral.id))
    )
    return [(row, patient, update) for row, patient, update in session.exec(found).all()]
