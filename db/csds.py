"""The month's referrals for the national return (`spr_desk.csds`): one read, no patient
details (the CSDS rows here carry none). Never commits."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col

from db.models import Referral, Referrer, Team
from db.wide_select import select_columns
from spr_desk.csds import NOT_TAKEN, CsdsSource
from spr_desk.vocabulary import Status


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives times back without their zone: they are stored in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def month_sources(*, session: Session, start: datetime, end: datetime) -> list[CsdsSource]:
    """Every referral received from `start` up to (not including) `end`, oldest first; drafts
    are not referrals yet."""
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
            Referral.updated_at,
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
        updated,
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
                ended_at=_aware(updated) if status in NOT_TAKEN else None,
            )
        )
    return sources
