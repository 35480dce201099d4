"""The desk service's supervisor work (mixed into `DeskService`): responses set lower than the
facts asked for, held until a supervisor signs them off, and the whole of one audit event.

The same rules hold as in `db/desk.py`: one transaction per action, audit events inside it,
plain dataclasses out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from sqlmodel import Session

from db import audit, referrals, supervision, users
from spr_desk.desk_api import AuditEventDetail, DeskError, SignedOff
from spr_desk.roles import ROLE_LABELS, Permission, allows
from spr_desk.rules import Rules
from spr_desk.supervision import HeldOverride, held_overrides
from spr_desk.uktime import short_local
from spr_desk.urgency_ratchet import is_downward

log = logging.getLogger("spr_desk.desk")


class OversightDesk:
    """Mixed into `DeskService`, which provides these."""

    now: Callable[[], datetime]
    rules: Rules
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]

    def held_overrides(self) -> tuple[HeldOverride, ...]:
        """Responses set lower than the facts asked for, not yet signed off, soonest due
        first."""
        with self._read() as session:
            rows = supervision.held_override_rows(session=session)
        return held_overrides(rows, self.rules.due_hours)

    def sign_off_override(self, reference: str, comment: str, *, by: str) -> SignedOff:
        """A supervisor signs off a response set lower than the facts asked for, with a comment,
        in one transaction with its audit event. `by`'s role is read from the users inside the
        transaction: what the screen believes is not trusted.

        Raises:
            DeskError: an empty comment; `by` is not a user who may review; no such referral;
                nothing to sign off (not a downward override); already signed off (says by whom).
        """
        comment = comment.strip()
        if not comment:
            raise DeskError("Say why the lower response is right: a sign-off needs a comment.")
        reference = reference.strip().upper()
        with self._write() as session:
            user = users.find_user(session=session, username=by)
            if user is None or not user.active:
                raise DeskError(f"Only a supervisor may sign off an override; {by} is not one.")
            if not allows(user.role, Permission.REVIEW):
                raise DeskError(
                    "Signing off an override is for supervisors and administrators; "
                    f"{by} is a {ROLE_LABELS[user.role]}."
                )
            row = referrals.get_by_reference(session=session, reference=reference, for_update=True)
            if row is None:
                raise DeskError(f"No referral {reference}.")
            if not is_downward(row.rec_response, row.response):
                raise DeskError(
                    f"{reference} was not set lower than the facts asked for: "
                    "there is nothing to sign off."
                )
            if row.override_signed_at is not None:
                raise DeskError(
                    f"{reference} was signed off already, by {row.override_signed_by} "
                    f"at {short_local(row.override_signed_at)}."
                )
            now = self.now()
            supervision.sign_off(session=session, row=row, comment=comment, by=by, now=now)
        log.info("%s override signed off", reference)
        return SignedOff(reference, by, now, comment)

    def audit_event(self, event_id: int) -> AuditEventDetail:
        """The whole of one audit event, for the viewer's dialog.

        Raises:
            DeskError: no such event.
        """
        with self._read() as session:
            found = audit.event_detail(session=session, event_id=event_id)
        if found is None:
            raise DeskError(f"No audit event {event_id}.")
        return found
