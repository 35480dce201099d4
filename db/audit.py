"""The audit trail: append-only events, written in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import AuditEvent, Referral
from db.wide_select import select_columns
from spr_desk.audit_actions import AuditAction
from spr_desk.desk_api import COUNT_CAP, AuditEntry, AuditEventDetail, AuditRow


def record(
    session: Session,
    action: AuditAction | str,
    *,
    by: str,
    at: datetime,
    referral_id: int | None = None,
    entity: str = "referral",
    entity_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str = "",
) -> None:
    """Add one event to the trail, in the caller's transaction. `action` is a member, or a
    string formed by `status_action` / `undone_action`; it is stored as its plain value."""
    session.add(
        AuditEvent(
            at=at,
            actor=by,
            action=str(action),
            referral_id=referral_id,
            entity=entity,
            entity_id=entity_id,
            before=before,
            after=after,
            detail=detail,
        )
    )


def events_for_referral(*, session: Session, referral_id: int) -> list[AuditEntry]:
    rows = session.exec(
        select(AuditEvent)
        .where(AuditEvent.referral_id == referral_id)
        .order_by(AuditEvent.at, AuditEvent.id)  # type: ignore[arg-type]
    ).all()
    return [
        AuditEntry(row.at, row.actor, row.action, row.before, row.after, row.detail) for row in rows
    ]


def find_events(
    *,
    session: Session,
    actor: str = "",
    reference: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 500,
) -> tuple[list[AuditRow], int]:
    """The newest events matching every filter given (`limit` of them), and how many match
    (`COUNT_CAP + 1` standing for more than `COUNT_CAP`)."""
    query = select_columns(
        AuditEvent.id,
        AuditEvent.at,
        AuditEvent.actor,
        AuditEvent.action,
        AuditEvent.entity,
        AuditEvent.entity_id,
        Referral.reference,
        AuditEvent.detail,
    ).join(Referral, col(Referral.id) == col(AuditEvent.referral_id), isouter=True)
    if actor.strip():
        query = query.where(func.lower(col(AuditEvent.actor)) == actor.strip().lower())
    if reference.strip():
        query = query.where(col(Referral.reference) == reference.strip().upper())
    if start is not None:
        query = query.where(col(AuditEvent.at) >= start)
    if end is not None:
        query = query.where(col(AuditEvent.at) < end)
    # Counted only up to COUNT_CAP: an unfiltered count walks every event ever written (a
    # quarter of a second at a million), to tell a supervisor only that there are very many.
    matching = session.exec(
        select(func.count()).select_from(query.limit(COUNT_CAP + 1).subquery())
    ).one()
    rows = session.exec(
        query.order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()).limit(limit)
    ).all()
    found = [
        AuditRow(
            event_id or 0,
            at,
            actor_,
            action,
            referral or (f"{entity} {entity_id}".strip() if entity != "referral" else entity_id),
            detail,
        )
        for event_id, at, actor_, action, entity, entity_id, referral, detail in rows
    ]
    return found, matching


def event_detail(*, session: Session, event_id: int) -> AuditEventDetail | None:
    """One event by its id (a primary-key read), or None."""
    event = session.get(AuditEvent, event_id)
    if event is None:
        return None
    # The foreign key keeps the event's referral (get() is typed for an id that finds none).
    reference = (
        cast(Referral, session.get(Referral, event.referral_id)).reference
        if event.referral_id
        else None
    )
    subject = reference or (
        f"{event.entity} {event.entity_id}".strip()
        if event.entity != "referral"
        else event.entity_id
    )
    return AuditEventDetail(
        event_id,
        event.at,
        event.actor,
        event.action,
        subject,
        event.entity,
        event.entity_id,
        dict(event.before) if event.before is not None else None,
        dict(event.after) if event.after is not None else None,
        event.detail,
    )
