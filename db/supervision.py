"""Reads and writes for the supervisor view: the review's rows, and review flags. Never commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CompoundSelect, text, union_all
from sqlmodel import Session, col, select

from db import audit
from db.models import UNSIGNED_OVERRIDE_WHERE, AuditEvent, Locality, Referral, ReviewFlag
from db.wide_select import select_columns
from spr_desk.audit_actions import AuditAction
from spr_desk.desk_api import FlagRow
from spr_desk.supervision import HeldOverrideRow, SupervisionRow, review_window

FLAGGED_FOR_REVIEW = AuditAction.FLAGGED_FOR_REVIEW


def review_rows(*, session: Session, now: datetime, days: int = 7) -> list[SupervisionRow]:
    """Referrals received in the review window (`spr_desk.supervision.review_window`), plus
    every open one: only the columns the review reads, no patient details.

    Two indexed reads in one statement (the recent closed ones by `ix_referral_received`, the
    open ones by the queue's partial index): with an OR instead, SQLite scans every referral
    ever received (400 ms at a million).
    """
    since, _ = review_window(now, days)
    columns = (
        Referral.reference,
        Referral.received_at,
        Referral.status,
        Referral.response,
        Referral.lead,
        Locality.name,
        Referral.rec_response,
        Referral.rec_lead,
        Referral.override_reason,
        Referral.response_met,
        Referral.close_outcome,
        Referral.gp_updated,
        Referral.due_at,
        Referral.breach_reason,
        Referral.rec_outcome,
        Referral.id,
    )
    # Sorted here, not in SQL: an ORDER BY makes SQLite read each half in received_at order,
    # and so walk the whole of ix_referral_received for the open ones.
    rows = sorted(
        session.exec(recent_or_open(columns, since)).all(),  # type: ignore[call-overload]
        key=lambda row: (row.received_at, row.id),
    )
    return [SupervisionRow(*row[:-1]) for row in rows]


def recent_or_open(columns: tuple[Any, ...], since: datetime) -> CompoundSelect[Any]:
    """`columns` (and the referral's locality) of the referrals received from `since` that are
    closed, and of every open one however old.

    Split on being open, not on time: `received_at < since` would tempt SQLite (without
    statistics, as a desk's database is) to walk every older referral by received_at; with an
    OR it scans every referral ever received (400 ms at a million). Each half reads by an index
    (`ix_referral_received`, the queue's partial index).
    """
    on_locality = col(Locality.id) == col(Referral.locality_id)
    recent_closed = (
        select_columns(*columns)
        .join(Locality, on_locality, isouter=True)
        .where(col(Referral.received_at) >= since, col(Referral.queue_band).is_(None))
    )
    every_open = (
        select_columns(*columns)
        .join(Locality, on_locality, isouter=True)
        .where(col(Referral.queue_band).is_not(None))
    )
    return union_all(recent_closed, every_open)


def add_flag(*, session: Session, referral: Referral, comment: str, by: str, now: datetime) -> None:
    """The flag and its audit event, in the caller's transaction."""
    referral_id = cast(int, referral.id)  # a stored referral has its id
    session.add(ReviewFlag(referral_id=referral_id, flagged_by=by, flagged_at=now, comment=comment))
    audit.record(
        session,
        FLAGGED_FOR_REVIEW,
        by=by,
        at=now,
        referral_id=referral.id,
        entity="review_flag",
        entity_id=referral.reference,
        detail=comment,
    )


def recent_flags(*, session: Session, limit: int = 50) -> list[FlagRow]:
    """The newest flags first."""
    query = (
        select(Referral.reference, ReviewFlag.flagged_by, ReviewFlag.flagged_at, ReviewFlag.comment)
        .join(Referral, col(Referral.id) == col(ReviewFlag.referral_id))
        .order_by(col(ReviewFlag.flagged_at).desc(), col(ReviewFlag.id).desc())
        .limit(limit)
    )
    return [FlagRow(*row) for row in session.exec(query).all()]


OVERRIDE_SIGNED_OFF = AuditAction.OVERRIDE_SIGNED_OFF


def held_override_rows(*, session: Session) -> list[HeldOverrideRow]:
    """Every override not yet signed off, with who recorded it and when (the override's audit
    event). The caller keeps the downward ones (`spr_desk.supervision.held_overrides`).

    Every override has its reason (`spr_desk.referral.decide`), so the empty reason rules out
    nearly every referral in SQL. The condition is fixed text so that a partial index on it,
    when one is added, is used; until then this reads the referral table through (a few
    milliseconds at the demo's size).
    """
    query = (
        select_columns(
            Referral.reference,
            Referral.received_at,
            Referral.taken_by,
            AuditEvent.at,
            AuditEvent.actor,
            Referral.rec_response,
            Referral.rec_lead,
            Referral.response,
            Referral.lead,
            Referral.override_reason,
        )
        .join(
            AuditEvent,
            (col(AuditEvent.referral_id) == col(Referral.id))
            & (col(AuditEvent.action) == AuditAction.OVERRIDE.value),
            isouter=True,
        )
        # The partial index's own text, no bound parameter, so SQLite matches the index to it.
        .where(text(UNSIGNED_OVERRIDE_WHERE))
        .where(col(Referral.rec_response).is_not(None), col(Referral.response).is_not(None))
        .order_by(col(Referral.received_at), col(Referral.id))
    )
    seen: set[str] = set()
    found: list[HeldOverrideRow] = []
    for reference, received, taken_by, at, actor, rec_r, rec_l, resp, lead, reason in session.exec(
        query
    ).all():
        if reference in seen:  # one override event each; a second would repeat the row
            continue
        seen.add(reference)
        found.append(
            HeldOverrideRow(
                reference,
                received,
                actor or taken_by,
                at or received,
                rec_r,
                rec_l,
                resp,
                lead,
                reason,
            )
        )
    return found


def sign_off(*, session: Session, row: Referral, comment: str, by: str, now: datetime) -> None:
    """Store the sign-off on the referral with its audit event (before and after), in the
    caller's transaction. The referral's version is left alone: nothing a handler acts on
    changed, and an open referral view must not be told it is out of date."""
    before = {
        "override_signed_by": row.override_signed_by,
        "override_signed_at": None,
        "override_sign_comment": row.override_sign_comment,
    }
    row.override_signed_by, row.override_signed_at, row.override_sign_comment = by, now, comment
    session.add(row)
    audit.record(
        session,
        OVERRIDE_SIGNED_OFF,
        by=by,
        at=now,
        referral_id=row.id,
        entity_id=row.reference,
        before=before,
        after={
            "override_signed_by": by,
            "override_signed_at": now.isoformat(),
            "override_sign_comment": comment,
            "rec_response": row.rec_response,
            "response": row.response,
        },
        detail=comment,
    )
