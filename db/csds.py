"""The month's referrals for the national return (`spr_desk.csds`): one read, no patient
details (the CSDS rows here carry none). Never commits."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import AuditEvent, Referral, Referrer, Team
from db.wide_select import select_columns
from spr_desk.audit_actions import status_action
from spr_desk.csds import CsdsSource
from spr_desk.vocabulary import Status


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives times back without their zone: they are stored in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def month_sources(*, session: Session, start: datetime, end: datetime) -> list[CsdsSource]:
    """Every referral received from `start` up to (not including) `end`, oldest first; drafts
    are not referrals yet.

    A cancelled referral ended when it was cancelled (its latest "status:cancelled" event: a
    note added later moves `updated_at`, never this); a redirected call ended in the call, at
    its received time (the sheet's, for one entered from paper)."""
    cancelled_at = (
        select(func.max(AuditEvent.at))
        .where(
            col(AuditEvent.referral_id) == col(Referral.id),
            AuditEvent.action == status_action(Status.CANCELLED),
        )
        .correlate(Referral)
        .scalar_subquery()
    )
    statement = (
        select_columns(
            Referral.reference,
            Referral.received_at,
            Referral.status,
            Referrer.role,
            Referral.setting,
            Referral.response,
            Referral.lead,
            Referral.ucr_condition,
            Team.name,
            Referral.responded_at,
            Referral.closed_at,
            cancelled_at,
        )
        .join(Referrer, col(Referrer.id) == col(Referral.referrer_id), isouter=True)
        .join(Team, col(Team.id) == col(Referral.allocated_team_id), isouter=True)
        .where(col(Referral.received_at) >= start)
        .where(col(Referral.received_at) < end)
        .where(col(Referral.status) != Status.DRAFT.value)
        .order_by(col(Referral.received_at), col(Referral.reference))
    )
    sources = []
    for (
        reference,
        received,
        status,
        role,
        setting,
        response,
        lead,
        ucr,
        team,
        responded,
        closed,
        cancelled,
    ) in session.exec(statement):
        received_at = _aware(received)
        assert received_at is not None
        sources.append(
            CsdsSource(
                reference=reference,
                received_at=received_at,
                status=status,
                referrer_role=role,
                setting=setting,
                response=response,
                lead=lead,
                ucr_condition=ucr,
                team=team,
                responded_at=_aware(responded),
                closed_at=_aware(closed),
                ended_at=_ended(status, received_at, _aware(cancelled)),
            )
        )
    return sources


def _ended(status: str, received_at: datetime, cancelled_at: datetime | None) -> datetime | None:
    """When a referral the service did not take ended: None for one it took."""
    if status == Status.REDIRECTED.value:
        return received_at
    if status == Status.CANCELLED.value:
        return cancelled_at or received_at  # every cancel is audited: only a fallback
    return None
