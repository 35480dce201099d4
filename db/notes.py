"""Notes and follow-up calls on a referral (`ReferralNote`): written inside a transaction the
desk service owns, read in time order for the referral's history and the handover."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from db.models import ReferralNote
from spr_desk.desk_api import NoteRow
from spr_desk.vocabulary import NoteKind


def add_note(
    *,
    session: Session,
    referral_id: int,
    at: datetime,
    by: str,
    kind: NoteKind,
    text: str,
    caller: str = "",
) -> ReferralNote:
    """Add a note; the caller writes its audit event in the same transaction."""
    row = ReferralNote(
        referral_id=referral_id, at=at, by=by, kind=kind.value, caller=caller, text=text
    )
    session.add(row)
    session.flush()
    return row


def notes_for(*, session: Session, referral_ids: Iterable[int]) -> dict[int, list[NoteRow]]:
    """Every note on these referrals, oldest first, by referral id (absent when none)."""
    ids = sorted(set(referral_ids))
    if not ids:
        return {}
    rows = session.exec(
        select(ReferralNote)
        .where(col(ReferralNote.referral_id).in_(ids))
        .order_by(col(ReferralNote.at), col(ReferralNote.id))
    ).all()
    found: dict[int, list[NoteRow]] = defaultdict(list)
    for note in rows:
        kind = NoteKind.FOLLOW_UP_CALL if note.kind == NoteKind.FOLLOW_UP_CALL else NoteKind.NOTE
        found[note.referral_id].append(
            NoteRow(note.referral_id, note.at, note.by, kind, note.caller, note.text)
        )
    return dict(found)
