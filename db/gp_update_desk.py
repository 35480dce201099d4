"""The GP update (issue 19 points 1-2): drafted, edited, queued for MESH, tracked to acknowledged.

Mixed into `DeskService`; one transaction per action, its audit event inside. A referral closed
without the "GP updated" tick has its update drafted in the close's own transaction
(`draft_in`); one may be drafted on demand too, after the close (an event on the referral).

The practice's MESH mailbox comes from the MESH configuration (`SPR_DESK_MESH_CONFIG`, read when
an update is queued, so a practice added to the file counts at once); tests set `mesh_config`.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

from sqlmodel import Session

from db import audit, gp_updates, referrals
from db.models import GpUpdate, Patient, Referral
from spr_desk.audit_actions import AuditAction
from spr_desk.bars.outbox import next_try
from spr_desk.desk_api import DeskError, ReferralDetail
from spr_desk.gp_update.due import due_hour_from_env, is_overdue, update_due
from spr_desk.gp_update.mesh_config import MeshConfig, config_path, read_mesh_config
from spr_desk.gp_update.views import GpUpdateOwed, GpUpdateView, OutgoingGpUpdate, TrackedGpUpdate
from spr_desk.referral import patient_name
from spr_desk.refusal import Refused
from spr_desk.vocabulary import GpUpdateState, Status

log = logging.getLogger("spr_desk.desk")

MESH_ACTOR = "MESH"
"""Who the audit trail says did what MESH and the practice did (sent, acknowledged, expired)."""

LEASE = timedelta(seconds=120)
"""An update handed to a sender (one at a time, each just before it is sent: a send's two tries
at 30 s each fit well inside) is not handed out again for this long."""

SENDER_STOPPED = (
    "the sender stopped while sending it: MESH may have it. Check with the practice before "
    "sending it again (g drafts it again, with these words)"
)

MAX_BODY = 20_000

GIVEN_UP = frozenset({GpUpdateState.FAILED.value, GpUpdateState.EXPIRED.value})


class GpUpdateDesk:
    """Mixed into `DeskService`, which provides these."""

    now: Callable[[], datetime]
    _read: Callable[[], AbstractContextManager[Session]]
    _write: Callable[[], AbstractContextManager[Session]]
    _detail_of: Callable[[Session, Referral], ReferralDetail]

    mesh_config: MeshConfig | None = None
    """The MESH configuration to use; None reads `SPR_DESK_MESH_CONFIG` each time it is needed."""

    # the handler's side ---------------------------------------------------------------------

    def gp_update(self, reference: str) -> GpUpdateView | None:
        """The referral's latest update, or None when none was drafted."""
        with self._read() as session:
            row = referrals.typed_referral(session=session, typed=reference)
            assert row.id is not None
            update = gp_updates.latest_for(session=session, referral_id=row.id)
            return None if update is None else self._view(session, row, update)

    def draft_gp_update(self, reference: str, *, by: str) -> GpUpdateView:
        """The latest update if it is still drafted, else a new draft (open or closed)."""
        with self._write() as session:
            row = referrals.typed_referral(session=session, typed=reference, for_update=True)
            assert row.id is not None
            update = gp_updates.latest_for(session=session, referral_id=row.id)
            if update is None or update.state != GpUpdateState.DRAFTED.value:
                # One MESH gave up on is drafted again in the words the handler sent.
                again = update is not None and update.state in GIVEN_UP
                body = update.body if update is not None and again else None
                update = self.draft_in(session, row, by=by, now=self.now(), body=body)
            return self._view(session, row, update)

    def draft_in(
        self, session: Session, row: Referral, *, by: str, now: datetime, body: str | None = None
    ) -> GpUpdate:
        """Draft the referral's update inside the caller's transaction (the close's, or
        `draft_gp_update`'s), with its audit event."""
        from spr_desk.gp_update.prose import draft_update

        assert row.id is not None
        session.flush()  # the detail reads what this transaction changed (the close)
        detail = self._detail_of(session, row)
        patient = session.get(Patient, row.patient_id) if row.patient_id else None
        update = GpUpdate(
            referral_id=row.id,
            state=GpUpdateState.DRAFTED.value,
            practice=(patient.gp_practice if patient else "")[:160],
            body=draft_update(detail, now=now) if body is None else body,
            local_id=str(uuid.uuid4()),
            drafted_at=now,
            drafted_by=by[:80],
            due_at=update_due(row.closed_at or now, hour=due_hour_from_env(os.environ)),
        )
        session.add(update)
        session.flush()
        _audit(
            session,
            row,
            AuditAction.GP_UPDATE_DRAFTED,
            by,
            now,
            f"for {update.practice or 'no practice on the record'}",
        )
        return update

    def edit_gp_update(self, update_id: int, body: str, *, by: str, version: int) -> GpUpdateView:
        """Keep the handler's words as the draft.

        Raises:
            DeskError: not drafted any more, changed since it was read, or empty.
        """
        body = body.strip()
        if not body:
            raise DeskError("The update is empty: write what the GP should know.")
        if len(body) > MAX_BODY:
            raise DeskError(f"The update is longer than {MAX_BODY:,} characters: shorten it.")
        with self._write() as session:
            update, row = _update(session, update_id)
            _still_drafted(update)
            if update.version != version:
                raise DeskError(
                    "The update was changed by someone else since you opened it: reopen it "
                    "(your text is still in the box)."
                )
            if update.body != body:
                update.body = body
                update.version += 1
                _audit(session, row, AuditAction.GP_UPDATE_EDITED, by, self.now(), "")
            return self._view(session, row, update)

    def send_gp_update(self, update_id: int, *, by: str) -> GpUpdateView:
        """Hand a drafted update to the MESH outbox, to the practice's mailbox.

        Raises:
            DeskError: not drafted, no practice on the record, no MESH configuration, or no
                mailbox for the practice in it (the update stays drafted).
        """
        with self._write() as session:
            update, row = _update(session, update_id)
            _still_drafted(update)
            if not update.practice.strip():
                raise DeskError(
                    f"{row.reference} has no GP practice on the record: add it to the "
                    "patient's details, then draft the update again."
                )
            config = self._mesh()
            mailbox = config.mailbox_for(update.practice)
            if mailbox is None:
                raise DeskError(
                    f"No MESH mailbox for {update.practice}: add it to {config.path} [practices]."
                )
            now = self.now()
            update.state = GpUpdateState.QUEUED.value
            update.mailbox = mailbox
            update.queued_at, update.queued_by = now, by[:80]
            update.next_try_at = now
            update.version += 1
            _audit(
                session,
                row,
                AuditAction.GP_UPDATE_QUEUED,
                by,
                now,
                f"to {update.practice} ({mailbox})",
            )
            view = self._view(session, row, update)
        log.info("%s GP update queued", row.reference)
        return view

    def gp_updates_owed(self, limit: int | None = None) -> list[GpUpdateOwed]:
        """The closed referrals whose GP is not yet told, oldest due first: every one, or the
        first `limit` (a screen's list; `gp_updates_owed_count` says how many in all)."""
        with self._read() as session:
            now = self.now()
            hour = due_hour_from_env(os.environ)
            owed: list[GpUpdateOwed] = []
            for row, patient, update in gp_updates.owed(session=session, limit=limit):
                due_at = update.due_at if update else update_due(row.closed_at or now, hour=hour)
                owed.append(
                    GpUpdateOwed(
                        reference=row.reference,
                        patient=patient_name(patient.family_name, patient.given_name)
                        if patient
                        else "",
                        practice=update.practice
                        if update
                        else (patient.gp_practice if patient else ""),
                        state=GpUpdateState(update.state) if update else None,
                        due_at=due_at,
                        overdue=is_overdue(due_at, None, now),
                    )
                )
        return sorted(owed, key=lambda o: (o.due_at, o.reference))

    def gp_updates_owed_count(self) -> int:
        """How many closed referrals' GPs are not yet told."""
        with self._read() as session:
            return gp_updates.owed_count(session=session)

    # the sender's side ----------------------------------------------------------------------

    def gp_updates_to_send(self, limit: int = 1) -> list[OutgoingGpUpdate]:
        """Queued updates whose time to be tried has come, each leased to the caller (its
        `lease_until` set until the send's outcome is recorded).

        One whose lease ran out with no outcome recorded was handed to a sender that stopped
        mid-send: MESH may hold it, so it is never sent again by itself; it fails, for a
        person to check (a GP sent the same letter twice is also an error).
        """
        with self._write() as session:
            now = self.now()
            handed: list[OutgoingGpUpdate] = []
            for update in gp_updates.due_to_send(session=session, now=now, limit=limit):
                if update.lease_until is not None:
                    row = session.get(Referral, update.referral_id, with_for_update=True)
                    assert row is not None
                    update.state = GpUpdateState.FAILED.value
                    update.last_error = SENDER_STOPPED
                    update.next_try_at = update.lease_until = None
                    update.version += 1
                    _audit(
                        session, row, AuditAction.GP_UPDATE_FAILED, MESH_ACTOR, now, SENDER_STOPPED
                    )
                    continue
                update.next_try_at = update.lease_until = now + LEASE
                row = session.get(Referral, update.referral_id)
                patient = session.get(Patient, row.patient_id) if row and row.patient_id else None
                assert update.id is not None and row is not None and update.mailbox
                handed.append(
                    OutgoingGpUpdate(
                        id=update.id,
                        reference=row.reference,
                        local_id=update.local_id,
                        mailbox=update.mailbox,
                        practice=update.practice,
                        title=_title(self._detail_of(session, row)),
                        body=update.body,
                        drafted_at=update.drafted_at,
                        patient_name=f"{patient.given_name} {patient.family_name}".strip()
                        if patient
                        else "",
                        nhs_number=patient.nhs_number or "" if patient else "",
                        date_of_birth=patient.date_of_birth.isoformat()
                        if patient and patient.date_of_birth
                        else "",
                    )
                )
            return handed

    def gp_update_sent(self, update_id: int, mesh_message_id: str) -> None:
        with self._write() as session:
            update, row = _update(session, update_id)
            if update.state != GpUpdateState.QUEUED.value:
                return
            now = self.now()
            update.state = GpUpdateState.SENT.value
            update.mesh_message_id = mesh_message_id[:100]
            update.sent_at = now
            update.attempts += 1
            update.last_error = ""
            update.next_try_at = update.lease_until = None
            update.version += 1
            _audit(
                session,
                row,
                AuditAction.GP_UPDATE_SENT,
                MESH_ACTOR,
                now,
                f"MESH message {mesh_message_id[:100]}",
            )

    def gp_update_not_sent(self, update_id: int, error: str, *, for_good: bool) -> None:
        """A send failed: tried again later (backing off), or (`for_good`: MESH refused it)
        kept as failed for a person to look at."""
        with self._write() as session:
            update, row = _update(session, update_id)
            if update.state != GpUpdateState.QUEUED.value:
                return
            now = self.now()
            update.attempts += 1
            update.last_error = error[:300]
            update.lease_until = None
            if for_good:
                update.state = GpUpdateState.FAILED.value
                update.next_try_at = None
                update.version += 1
                _audit(session, row, AuditAction.GP_UPDATE_FAILED, MESH_ACTOR, now, error[:300])
            else:
                update.next_try_at = next_try(update.attempts, now)

    def gp_update_not_tried(self, update_id: int, error: str) -> None:
        """MESH could not be reached: not a failed try of this update, so it stays queued,
        free for the next pass at once (the sender's own interval is the wait)."""
        with self._write() as session:
            update, _ = _update(session, update_id)
            if update.state == GpUpdateState.QUEUED.value:
                update.last_error = error[:300]
                update.next_try_at = self.now()
                update.lease_until = None

    def gp_updates_to_track(self) -> list[TrackedGpUpdate]:
        """Updates MESH accepted that the practice has not acknowledged yet."""
        with self._read() as session:
            return [
                TrackedGpUpdate(
                    id=update.id,
                    reference=reference,
                    local_id=update.local_id,
                    mesh_message_id=update.mesh_message_id or "",
                    sent_at=update.sent_at or update.drafted_at,
                )
                for update, reference in gp_updates.in_flight(session=session)
                if update.id is not None
            ]

    def gp_update_acknowledged(self, update_id: int, at: datetime) -> None:
        """The practice acknowledged it: the GP is told (the referral's `gp_updated`). Only a
        sent update can be acknowledged, and only the referral's latest tells the GP: an
        interim one sent before the close leaves the final one owed."""
        with self._write() as session:
            update, row = _update(session, update_id)
            if update.state != GpUpdateState.SENT.value:
                return
            assert row.id is not None
            latest = gp_updates.latest_for(session=session, referral_id=row.id)
            is_latest = latest is not None and latest.id == update.id
            now = self.now()
            update.state = GpUpdateState.ACKNOWLEDGED.value
            update.acknowledged_at = at
            update.version += 1
            if is_latest:
                row.gp_updated = True
                row.version += 1
                row.updated_at = now
            _audit(
                session,
                row,
                AuditAction.GP_UPDATE_ACKNOWLEDGED,
                MESH_ACTOR,
                now,
                f"by {update.practice}",
            )

    def gp_update_expired(self, update_id: int) -> None:
        """MESH gave up: the practice did not collect it in time. It stays owed."""
        with self._write() as session:
            update, row = _update(session, update_id)
            if update.state != GpUpdateState.SENT.value:
                return
            now = self.now()
            update.state = GpUpdateState.EXPIRED.value
            update.version += 1
            _audit(
                session,
                row,
                AuditAction.GP_UPDATE_EXPIRED,
                MESH_ACTOR,
                now,
                "not collected by the practice",
            )

    # helpers --------------------------------------------------------------------------------

    def _mesh(self) -> MeshConfig:
        if self.mesh_config is not None:
            return self.mesh_config
        try:
            return read_mesh_config(config_path(os.environ))
        except Refused as refused:
            raise DeskError(str(refused)) from None

    def _view(self, session: Session, row: Referral, update: GpUpdate) -> GpUpdateView:
        assert update.id is not None
        acknowledged_at = update.acknowledged_at
        return GpUpdateView(
            id=update.id,
            reference=row.reference,
            state=GpUpdateState(update.state),
            body=update.body,
            title=_title(self._detail_of(session, row)),
            practice=update.practice,
            mailbox=update.mailbox,
            due_at=update.due_at,
            drafted_at=update.drafted_at,
            drafted_by=update.drafted_by,
            queued_at=update.queued_at,
            sent_at=update.sent_at,
            mesh_message_id=update.mesh_message_id,
            acknowledged_at=acknowledged_at,
            last_error=update.last_error,
            # Overdue only while the GP is owed it (`gp_updates.not_told`): an interim update on
            # an open referral, or one after the GP was told another way, is never overdue.
            overdue=row.status == Status.CLOSED.value
            and not row.gp_updated
            and is_overdue(update.due_at, acknowledged_at, self.now()),
            version=update.version,
        )


def _title(detail: ReferralDetail) -> str:
    from spr_desk.gp_update.prose import update_title

    return update_title(detail)


def _update(session: Session, update_id: int) -> tuple[GpUpdate, Referral]:
    update = gp_updates.get(session=session, update_id=update_id)
    if update is None:
        raise DeskError(f"No GP update {update_id}.")
    row = session.get(Referral, update.referral_id, with_for_update=True)
    assert row is not None
    return update, row


def _still_drafted(update: GpUpdate) -> None:
    if update.state != GpUpdateState.DRAFTED.value:
        raise DeskError(
            f"The update is {GpUpdateState(update.state).value} and can no longer be changed: "
            "draft a new one to say more."
        )


def _audit(
    session: Session, row: Referral, action: AuditAction, by: str, now: datetime, detail: str
) -> None:
    audit.record(
        session,
        action,
        by=by,
        at=now,
        referral_id=row.id,
        entity_id=row.reference,
        detail=detail,
    )
