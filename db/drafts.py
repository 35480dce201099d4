"""Repository for call drafts: the call as typed, saved on every change. Never commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from db.models import CallDraft
from spr_desk.desk_api import DeskError, DraftRow


def save_draft(
    *,
    session: Session,
    draft_key: str,
    desk_user: str,
    payload: dict[str, Any],
    revision: int,
    now: datetime,
) -> bool:
    """Store a draft unless a newer revision is already stored (a slow save landing late must not
    overwrite the last words typed). Returns whether it was written."""
    found = session.exec(
        select(CallDraft).where(CallDraft.draft_key == draft_key).with_for_update()
    ).first()
    if found is None:
        session.add(
            CallDraft(
                draft_key=draft_key,
                desk_user=desk_user,
                started_at=now,
                updated_at=now,
                revision=revision,
                payload=payload,
            )
        )
        return True
    if found.state != "open" or found.revision >= revision:
        return False
    found.revision = revision
    found.payload = payload
    found.updated_at = now
    return True


def open_drafts(*, session: Session, desk_user: str | None = None) -> list[DraftRow]:
    query = select(CallDraft).where(CallDraft.state == "open")
    if desk_user is not None:
        query = query.where(CallDraft.desk_user == desk_user)
    rows = session.exec(query.order_by(col(CallDraft.updated_at).desc())).all()
    return [
        DraftRow(
            row.draft_key, row.desk_user, row.started_at, row.updated_at, row.revision, row.payload
        )
        for row in rows
    ]


def finish_draft(*, session: Session, draft_key: str, state: str) -> None:
    """Mark a draft recorded or discarded: it is kept (never deleted) but no longer offered."""
    found = session.exec(select(CallDraft).where(CallDraft.draft_key == draft_key)).first()
    if found is not None:
        found.state = state


RECORDED_AS = "recorded_as"
"""Payload key of the reference a draft was recorded as (the form ignores keys it lacks)."""


def lock_for_recording(*, session: Session, draft_key: str) -> CallDraft | None:
    """Lock the draft for this transaction, to be marked recorded in it (`mark_recorded`).

    Raises:
        DeskError: the draft is no longer open (recorded or discarded, by this desk before a
            crash or by another desk).
    """
    found = session.exec(
        select(CallDraft).where(CallDraft.draft_key == draft_key).with_for_update()
    ).first()
    if found is None or found.state == "open":
        return found
    reference = found.payload.get(RECORDED_AS)
    if reference:
        raise DeskError(f"This call was already recorded as {reference}; nothing new was recorded.")
    raise DeskError(f"This call was already {found.state}; nothing new was recorded.")


def add_recorded(
    *, session: Session, draft_key: str, desk_user: str, reference: str, now: datetime
) -> None:
    """The draft row of a call recorded before any save of it landed: recorded already, so the
    key cannot record the call a second time."""
    session.add(
        CallDraft(
            draft_key=draft_key,
            desk_user=desk_user,
            started_at=now,
            updated_at=now,
            state="recorded",
            payload={RECORDED_AS: reference},
        )
    )


def mark_recorded(draft: CallDraft, reference: str) -> None:
    """In the transaction that stored the referral, so a crash can never leave the referral
    stored and its draft still offered (which would record the call twice)."""
    draft.state = "recorded"
    draft.payload = {**draft.payload, RECORDED_AS: reference}
