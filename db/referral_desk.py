"""The desk service's work on a referral after it is recorded (mixed into `DeskService`):
milestones with the time and person given, their undo, notes and follow-up calls.

The same rules hold as in `db/desk.py`: one transaction per action, audit events inside it,
plain dataclasses out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from sqlmodel import Session, col, select

from db import actions, audit, notes, referrals
from db.models import AuditEvent, Referral
from spr_desk.audit_actions import (
    MILESTONE_WORDS,
    STATUS_PREFIX,
    UNDONE_PREFIX,
    AuditAction,
    status_action,
)
from spr_desk.desk_api import DeskError
from spr_desk.milestones import Recorded, why_no_undo
from spr_desk.rules import Rules
from spr_desk.vocabulary import NoteKind, Status

log = logging.getLogger(__name__)

_MILESTONE_ACTIONS = {status_action(status): status for status in MILESTONE_WORDS}


class ReferralDesk:
    """Mixed into `DeskService`, which provides these."""

    rules: Rules
    now: Callable[[], datetime]
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]

    def undo_refused(self, reference: str, *, by: str) -> str | None:
        """None when `by` can undo the referral's last milestone now; otherwise why not."""
        with self._read() as session:
            row = _referral(session, reference)
            event = _last_milestone(session, row)
            return why_no_undo(_recorded(event), by=by, now=self.now())

    def undo_milestone(self, reference: str, *, by: str) -> str:
        """Take back the referral's last milestone, recorded by `by` within 5 minutes: the
        state before it comes back exactly, as an "undone: ..." event; returns what was undone.

        Raises:
            DeskError: nothing to undo, another person's, or more than 5 minutes ago.
        """
        with self._write() as session:
            row = _referral(session, reference)
            event = _last_milestone(session, row)
            refused = why_no_undo(_recorded(event), by=by, now=self.now())
            if refused or event is None or event.before is None:
                raise DeskError(refused or "There is no milestone to undo.")
            target = _MILESTONE_ACTIONS[event.action]
            actions.undo_milestone(
                session=session, row=row, before=event.before, target=target, by=by, now=self.now()
            )
        log.info("%s milestone undone", reference)
        return MILESTONE_WORDS[target]

    def add_note(
        self, reference: str, *, kind: NoteKind, text: str, by: str, caller: str = ""
    ) -> None:
        """A note or a follow-up call on a referral at any status, with its audit event.

        Raises:
            DeskError: no text, a follow-up call without who rang, or no such referral.
        """
        text, caller = text.strip(), caller.strip()
        if not text:
            raise DeskError("Say what the note is, or what the caller said.")
        if kind is NoteKind.FOLLOW_UP_CALL and not caller:
            raise DeskError("Say who rang.")
        with self._write() as session:
            row = _referral(session, reference)
            assert row.id is not None
            now = self.now()
            notes.add_note(
                session=session,
                referral_id=row.id,
                at=now,
                by=by,
                kind=kind,
                text=text,
                caller=caller,
            )
            # Someone acted on it: the queue's no-movement clock starts again. The version stays,
            # so a view of it open at another desk is not made stale by a note.
            row.updated_at = now
            # The trail says a note was added, not what it says (the note is on the referral).
            audit.record(
                session,
                AuditAction.FOLLOW_UP_CALL
                if kind is NoteKind.FOLLOW_UP_CALL
                else AuditAction.NOTE_ADDED,
                by=by,
                at=now,
                referral_id=row.id,
                entity_id=row.reference,
            )
        log.info("%s %s added", reference, kind.value)


def _referral(session: Session, reference: str) -> Referral:
    row = referrals.get_by_reference(session=session, reference=reference, for_update=True)
    if row is None:
        raise DeskError(f"No referral {reference}.")
    return row


def _last_milestone(session: Session, row: Referral) -> AuditEvent | None:
    """The referral's last milestone event, unless an undo or another move came after it."""
    last = session.exec(
        select(AuditEvent)
        .where(AuditEvent.referral_id == row.id)
        .where(
            col(AuditEvent.action).startswith(STATUS_PREFIX)
            | col(AuditEvent.action).startswith(UNDONE_PREFIX)
        )
        .order_by(col(AuditEvent.id).desc())
        .limit(1)
    ).first()
    if last is None or last.action not in _MILESTONE_ACTIONS:
        return None
    if Status(row.status) is not _MILESTONE_ACTIONS[last.action]:
        return None
    return last


def _recorded(event: AuditEvent | None) -> Recorded | None:
    return None if event is None else Recorded(event.action, event.actor, event.at)
