"""The audit trail: append-only events, written in the same transaction as the change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from db.models import AuditEvent


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    detail: str


def add_event(
    *,
    session: Session,
    at: datetime,
    actor: str,
    action: str,
    referral_id: int | None = None,
    entity: str = "referral",
    entity_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str = "",
) -> None:
    session.add(
        AuditEvent(
            at=at,
            actor=actor,
            action=action,
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
