"""The desk service: what screens and commands call. One transaction per user action, with its
audit event written inside it. Returns plain dataclasses, never rows bound to a session."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import IO, Any

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from db import actions, audit, bars, drafts, export, queue, referrals, seed, supervision
from db.bars_desk import BarsDesk, queue_final
from db.csds_desk import CsdsDesk
from db.downtime_desk import DowntimeDesk
from db.figures_desk import FiguresDesk
from db.gp_update_desk import GpUpdateDesk
from db.models import Locality, Patient, Referral, Referrer, StaffMember, Team
from db.notes import notes_for
from db.oversight_desk import OversightDesk
from db.referral_desk import ReferralDesk
from db.staffing_desk import StaffingDesk
from db.user_desk import UserDesk
from db.watch_desk import WatchDesk
from spr_desk.audit_actions import AuditAction
from spr_desk.desk_api import (
    AuditEntry,
    AuditRow,
    DeskError,
    DraftRow,
    FlagRow,
    NextUp,
    PatientHistory,
    QueuePage,
    QueueRow,
    RecordedReferral,
    ReferralDetail,
    ReferralSummary,
)
from spr_desk.desk_hours import DeskHours
from spr_desk.downtime.paper import PaperEntry
from spr_desk.facts import FieldError
from spr_desk.matrix import ALL_AVAILABLE, Availability
from spr_desk.milestones import GivenTimeError, check_given_time
from spr_desk.queue_view import (
    CLAIM_MINUTES,
    EVERYTHING,
    ClaimRefused,
    QueueFilter,
    claim_holder,
    is_to_trace,
)
from spr_desk.reference_data import CALL_HANDLERS_KIND
from spr_desk.referral import (
    NewReferral,
    RedirectedCall,
    ReferrerDetails,
    holder_name,
)
from spr_desk.rules import Rules, default_rules
from spr_desk.supervision import Review
from spr_desk.supervision import review as build_review
from spr_desk.uktime import utc_now
from spr_desk.vocabulary import CloseOutcome, Lead, NhsNumberStatus, Status

# Only references and actions are logged: never a name, an NHS number or anything typed
# about a patient.
log = logging.getLogger("spr_desk.desk")

Clock = Callable[[], datetime]
CLAIM_LAPSES = timedelta(minutes=CLAIM_MINUTES)
"""A claim to allocate a referral that long old no longer holds it (the desk may have gone): the
queue's own rule (`spr_desk.queue_view.claim_holder`), as a time."""


class DeskService(
    ReferralDesk,
    OversightDesk,
    WatchDesk,
    UserDesk,
    DowntimeDesk,
    BarsDesk,
    GpUpdateDesk,
    CsdsDesk,
    StaffingDesk,
    FiguresDesk,
):
    """The unit of work for every desk action (the rota, availability and handover ones are in
    `db/watch_desk.py`, the users and sign-in in `db/user_desk.py`, a referral's milestones and
    notes in `db/referral_desk.py`, the supervisor's sign-offs in `db/oversight_desk.py`).

    Args:
        engine: from `db.engine.make_engine`, already migrated.
        clock: the time now; tests pass a frozen one.
        rules: the matrix rules (the packaged file by default).
        hours: when the day desk and the night team take over (the defaults, 07:30 and 21:00).
    """

    def __init__(
        self,
        engine: Engine,
        clock: Clock = utc_now,
        rules: Rules | None = None,
        hours: DeskHours | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.rules = rules or default_rules()
        self.hours = hours or DeskHours()
        self._sessions = sessionmaker(bind=engine, class_=Session, expire_on_commit=False)
        self._reads = sessionmaker(
            bind=engine.execution_options(sqlite_begin="DEFERRED"),
            class_=Session,
            expire_on_commit=False,
        )

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One transaction: commits when the block ends cleanly, rolls back on any error."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._reads() as session:
            yield session

    def now(self) -> datetime:
        return self.clock()

    # reference data -------------------------------------------------------------------------

    def ensure_reference_data(self) -> int:
        with self._write() as session:
            return seed.ensure_reference_data(session=session)

    # the queue ------------------------------------------------------------------------------

    def open_queue(self, wanted: QueueFilter = EVERYTHING) -> list[QueueRow]:
        """Every open referral matching `wanted`, in queue order (for handover and export)."""
        with self._read() as session:
            return queue.queue_rows(session=session, wanted=wanted)

    def queue_page(self, wanted: QueueFilter, offset: int, limit: int) -> QueuePage:
        """One window of the queue and its counts, read together in one transaction."""
        with self._read() as session:
            return queue.queue_page(
                session=session, wanted=wanted, offset=offset, limit=limit, now=self.now()
            )

    # what a call looks up -------------------------------------------------------------------

    def patient_history(self, nhs_number: str) -> PatientHistory | None:
        """The patient on record for an NHS number, with every earlier referral."""
        with self._read() as session:
            return queue.patient_history(session=session, nhs_number=nhs_number)

    def known_referrers(self) -> list[ReferrerDetails]:
        with self._read() as session:
            return queue.known_referrers(session=session)

    def change_marker(self) -> int:
        """A number that rises when any desk changes anything (for the board's auto-refresh)."""
        with self._read() as session:
            return queue.change_marker(session=session)

    # recording a call -----------------------------------------------------------------------

    def record_referral(
        self,
        call: NewReferral,
        *,
        by: str,
        availability: Availability = ALL_AVAILABLE,
        draft_key: str | None = None,
        paper: PaperEntry | None = None,
        completing: str | None = None,
    ) -> RecordedReferral:
        """Record a call: referrer, patient, facts, recommendation, the agreed cell and due time.
        With `draft_key`, the call's draft is marked recorded in the same transaction. With
        `paper`, a call taken on a paper sheet during downtime: it takes the sheet's reserved
        reference, and `call.received_at` is the time written on the sheet. With `completing`,
        the triage of a referral sent by 999 (BaRS): it keeps its reference and received time.

        Raises:
            FieldError: the facts or the decision are not complete (names the field).
            DeskError: the draft was already recorded (before a crash, or at another desk), or
                the sheet's reference cannot be entered (used, released, never reserved).
        """
        recorded = self._record(
            draft_key,
            by,
            lambda session: actions.record_referral(
                session=session,
                call=call,
                by=by,
                now=self.now(),
                rules=self.rules,
                availability=availability,
                paper=paper,
                completing=completing,
            ),
        )
        log.info("recorded %s as %s", recorded.reference, recorded.status.value)
        return recorded

    def record_redirect(
        self,
        call: RedirectedCall,
        *,
        by: str,
        draft_key: str | None = None,
        paper: PaperEntry | None = None,
    ) -> RecordedReferral:
        """Record a call that ended at a red flag (advised 999 / A&E) as redirected; with
        `draft_key`, its draft is marked recorded in the same transaction; with `paper`, one
        taken on a paper sheet (as `record_referral`)."""
        recorded = self._record(
            draft_key,
            by,
            lambda session: actions.record_redirect(
                session=session,
                call=call,
                by=by,
                now=self.now(),
                rules=self.rules,
                paper=paper,
            ),
        )
        log.info("recorded %s as redirected (red flag)", recorded.reference)
        return recorded

    def _record(
        self, draft_key: str | None, by: str, record: Callable[[Session], RecordedReferral]
    ) -> RecordedReferral:
        """One transaction: lock the call's draft (refused if no longer open), store the
        referral, mark the draft recorded as it. A call whose draft never reached the database
        (every save failed) gets one here, already recorded, so a retry of the same call is
        refused as a second record rather than stored twice."""
        with self._write() as session:
            draft = (
                drafts.lock_for_recording(session=session, draft_key=draft_key)
                if draft_key is not None
                else None
            )
            recorded = record(session)
            if draft is not None:
                drafts.mark_recorded(draft, recorded.reference)
            elif draft_key is not None:
                drafts.add_recorded(
                    session=session,
                    draft_key=draft_key,
                    desk_user=by,
                    reference=recorded.reference,
                    now=self.now(),
                )
        return recorded

    # the lifecycle --------------------------------------------------------------------------

    def move(
        self,
        reference: str,
        target: Status,
        *,
        by: str,
        reason: str = "",
        team: str | None = None,
        staff_id: int | None = None,
        outcome: CloseOutcome | None = None,
        gp_updated: bool | None = None,
        expected_version: int | None = None,
        at: datetime | None = None,
        responded_by: str | None = None,
    ) -> ReferralSummary:
        """Move a referral on in its life, checked by the domain's transition table. A
        milestone is stored at `at` (the time given, checked: never future, never before the
        referral was received; now when not given).

        Raises:
            DeskError: unknown reference, a stale version, or missing details for the move.
            TransitionError: the move is not allowed (the message says which and why).
        """
        with self._write() as session:
            row = self._row(session, reference, expected_version)
            now = self.now()
            given = None
            if at is not None:
                try:
                    given = check_given_time(at, now=now, received_at=row.received_at)
                except GivenTimeError as wrong:
                    raise DeskError(str(wrong)) from None
            actions.move(
                session=session,
                row=row,
                target=target,
                by=by,
                now=now,
                reason=reason,
                team=team,
                staff_id=staff_id,
                outcome=outcome,
                gp_updated=gp_updated,
                at=given,
                responded_by=responded_by,
            )
            if row.source is not None and target in (Status.CLOSED, Status.CANCELLED):
                queue_final(session, row, by=by, now=now)  # the 999 sender is owed its outcome
            if target is Status.CLOSED and not row.gp_updated:
                self.draft_in(session, row, by=by, now=now)  # the GP is owed the update
            summary = _summary(session, row)
        log.info("%s moved to %s", reference, target.value)
        return summary

    def add_nhs_number(
        self,
        reference: str,
        nhs_number: str,
        *,
        by: str,
        status: NhsNumberStatus = NhsNumberStatus.PRESENT_NOT_TRACED,
        expected_version: int | None = None,
    ) -> ReferralSummary:
        """Add the NHS number a call could not give (the referral is then no longer to trace):
        on its patient's row, or by moving the referral to the patient on record holding it.

        Args:
            status: how sure the number is: read out (not traced, "02") unless checked on the
                NHS record ("01").

        Raises:
            DeskError: unknown reference, a stale version, or a number that cannot be right or
                cannot be added (the message is the handler's).
        """
        with self._write() as session:
            row = self._row(session, reference, expected_version)
            actions.add_nhs_number(
                session=session,
                row=row,
                nhs_number=nhs_number,
                status=status,
                by=by,
                now=self.now(),
            )
            summary = _summary(session, row)
        log.info("%s NHS number added", reference)
        return summary

    def claim_next(self, *, by: str) -> str | None:
        """Take the most urgent referral waiting to be allocated: it is this desk's to allocate
        for `CLAIM_LAPSES`, and no other desk is given it meanwhile. None when none is waiting."""
        now = self.now()
        with self._write() as session:
            row = referrals.next_to_allocate(session=session, claims_after=now - CLAIM_LAPSES)
            if row is None:
                return None
            _set_claim(session, row, by, now, held=True)
            reference = row.reference
        log.info("%s claimed to allocate", reference)
        return reference

    def peek_next(self) -> NextUp | None:
        """What `claim` would be asked to take next: the most urgent referral waiting to be
        allocated that nobody holds. Claims nothing; shown to the handler first."""
        with self._read() as session:
            return queue.peek_next_to_allocate(
                session=session, claims_after=self.now() - CLAIM_LAPSES
            )

    def claim(self, reference: str, *, by: str) -> None:
        """Take `reference` to allocate, as `peek_next` showed it: for `CLAIM_LAPSES` it is this
        desk's, and no other desk is given it.

        Raises:
            ClaimRefused: another desk took it meanwhile, or it is no longer waiting.
        """
        now = self.now()
        with self._write() as session:
            row = referrals.get_by_reference(session=session, reference=reference, for_update=True)
            if row is None or row.status != Status.RECORDED.value:
                raise ClaimRefused(f"{reference} is no longer waiting to be allocated.")
            holder = claim_holder(row.claimed_by, row.claimed_at, now)
            if holder is not None and holder != by:
                raise ClaimRefused(f"{reference} was taken meanwhile by {holder}.")
            _set_claim(session, row, by, now, held=True)
        log.info("%s claimed to allocate", reference)

    def release_claim(self, reference: str, *, by: str) -> None:
        """Hand back a claim to allocate, so the next desk's take-next may be given it. Only
        the claimer's own claim, while it holds.

        Raises:
            ClaimRefused: `by` holds no claim on it.
        """
        now = self.now()
        with self._write() as session:
            row = referrals.get_by_reference(session=session, reference=reference, for_update=True)
            if row is None or claim_holder(row.claimed_by, row.claimed_at, now) != by:
                raise ClaimRefused(f"You hold no claim on {reference}.")
            _set_claim(session, row, by, now, held=False)
        log.info("%s claim released", reference)

    def change_lead(
        self,
        reference: str,
        new_lead: Lead,
        *,
        reason: str,
        by: str,
        expected_version: int | None = None,
    ) -> ReferralSummary:
        """Pass the lead to another profession during the episode: an event, not a new referral.

        Raises:
            LeadChangeError: not open, the same lead, or no reason.
            DeskError: unknown reference, or a stale version.
        """
        with self._write() as session:
            row = self._row(session, reference, expected_version)
            actions.change_lead(
                session=session, row=row, new_lead=new_lead, reason=reason, by=by, now=self.now()
            )
            summary = _summary(session, row)
        log.info("%s lead changed", reference)
        return summary

    def summary(self, reference: str) -> ReferralSummary:
        with self._read() as session:
            row = self._row(session, reference)
            return _summary(session, row)

    def detail(self, reference: str) -> ReferralDetail:
        with self._read() as session:
            return self._detail_of(session, self._row(session, reference))

    def _detail_of(self, session: Session, row: Referral) -> ReferralDetail:
        """`detail` inside the caller's transaction (the GP update drafted at a close reads it)."""
        assert row.id is not None
        patient = session.get(Patient, row.patient_id) if row.patient_id else None
        referrer = session.get(Referrer, row.referrer_id) if row.referrer_id else None
        locality = session.get(Locality, row.locality_id) if row.locality_id else None
        redirected = row.status == Status.REDIRECTED.value
        return ReferralDetail(
            summary=_summary(session, row),
            pathway=row.pathway,
            setting=row.setting,
            locality=locality.name if locality else None,
            taken_by=row.taken_by,
            facts=dict(row.facts),
            reasons=list(row.rec_reasons),
            notes=row.notes,
            patient=referrals.patient_details(patient) if patient else None,
            referrer=referrals.referrer_details(referrer) if referrer else None,
            history=audit.events_for_referral(session=session, referral_id=row.id),
            rec_fallback_from=row.rec_fallback_from,
            bed_needed=row.bed_needed,
            home_from_hospital=row.home_from_hospital,
            community_bed_request=row.community_bed_request,
            records_reviewed=tuple(row.records_reviewed or ()),
            notes_added=tuple(notes_for(session=session, referral_ids=[row.id]).get(row.id, ())),
            nhs_number_status=row.nhs_number_status,
            nhs_unavailable_reason=row.nhs_unavailable_reason,
            to_trace=patient is not None and is_to_trace(row.status, patient.nhs_number),
            caller_answers=tuple((str(k), str(v)) for k, v in row.caller_answers or ()),
            red_flags=tuple(row.facts.get("red_flags", ())),
            advice=row.status_reason if redirected else "",
            paper_entered_at=row.paper_entered_at,
            paper_entered_by=row.paper_entered_by,
            imported_from=row.imported_from,
            source=row.source,
            bars=bars.detail_of(session=session, row=row),
            ucr_condition=row.ucr_condition,
            ucr_not_reason=row.ucr_not_reason,
        )

    def team_names(self) -> list[str]:
        with self._read() as session:
            # The desk's call handlers are on the rota but take no referral to visit.
            return list(
                session.exec(
                    select(Team.name)
                    .where(col(Team.kind) != CALL_HANDLERS_KIND)
                    .order_by(Team.name)
                ).all()
            )

    def history(self, reference: str) -> list[AuditEntry]:
        with self._read() as session:
            row = self._row(session, reference)
            assert row.id is not None
            return audit.events_for_referral(session=session, referral_id=row.id)

    # drafts ---------------------------------------------------------------------------------

    def save_draft(
        self, draft_key: str, *, by: str, payload: dict[str, Any], revision: int
    ) -> bool:
        with self._write() as session:
            return drafts.save_draft(
                session=session,
                draft_key=draft_key,
                desk_user=by,
                payload=payload,
                revision=revision,
                now=self.now(),
            )

    def open_drafts(self, by: str | None = None) -> list[DraftRow]:
        with self._read() as session:
            return drafts.open_drafts(session=session, desk_user=by)

    def finish_draft(self, draft_key: str, *, state: str) -> None:
        with self._write() as session:
            drafts.finish_draft(session=session, draft_key=draft_key, state=state)

    # helpers --------------------------------------------------------------------------------

    @staticmethod
    def _row(session: Session, reference: str, expected_version: int | None = None) -> Referral:
        row = referrals.get_by_reference(session=session, reference=reference, for_update=True)
        if row is None:
            raise DeskError(f"No referral {reference}.")
        if expected_version is not None and row.version != expected_version:
            raise DeskError(
                f"{reference} was changed at another desk since you opened it; "
                "reopen it to see the change (what you typed is kept)."
            )
        return row

    # export ---------------------------------------------------------------------------------

    def export_referrals(
        self,
        start: datetime,
        end: datetime,
        handle: IO[str],
        on_progress: Callable[[int], None] | None = None,
    ) -> int:
        """Write the referrals received from `start` up to (not including) `end` to `handle` as
        CSV (see `db.export`), read in one snapshot; return how many were written."""
        with self._read() as session:
            rows = export.export_referrals(session=session, start=start, end=end)
            count = export.write_csv(rows, handle, on_progress)
        log.info("exported %d referrals", count)
        return count

    # supervision ----------------------------------------------------------------------------

    def review(self, days: int = 7) -> Review:
        """The supervisor's figures: referrals received in the last `days`, and every open one."""
        now = self.now()
        with self._read() as session:
            rows = supervision.review_rows(session=session, now=now, days=days)
        return build_review(rows, now, days)

    def flag_for_review(self, reference: str, comment: str, by: str) -> None:
        """Flag a referral for review, with its audit event, in one transaction.

        Raises:
            DeskError: an empty comment, or no such referral.
        """
        comment = comment.strip()
        if not comment:
            raise DeskError("Say why the referral needs review.")
        with self._write() as session:
            row = self._row(session, reference.strip())
            supervision.add_flag(
                session=session, referral=row, comment=comment, by=by, now=self.now()
            )
        log.info("%s flagged for review", row.reference)

    def audit_events(
        self,
        *,
        actor: str = "",
        reference: str = "",
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = 500,
    ) -> tuple[list[AuditRow], int]:
        """The audit trail for the supervisor's viewer: newest first, filtered; read-only."""
        with self._read() as session:
            return audit.find_events(
                session=session, actor=actor, reference=reference, start=start, end=end, limit=limit
            )

    def review_flags(self, limit: int = 50) -> list[FlagRow]:
        """The most recent review flags, newest first."""
        with self._read() as session:
            return supervision.recent_flags(session=session, limit=limit)


def _set_claim(session: Session, row: Referral, by: str, now: datetime, *, held: bool) -> None:
    """Take (`held`) or hand back the claim to allocate a referral, with its audit event."""
    row.claimed_by, row.claimed_at = (by, now) if held else (None, None)
    audit.record(
        session,
        AuditAction.CLAIMED if held else AuditAction.CLAIM_RELEASED,
        by=by,
        at=now,
        referral_id=row.id,
        entity_id=row.reference,
    )


def _team_name(session: Session, row: Referral) -> str | None:
    """Who holds it: the team, or `Name (team)` for a named professional."""
    team = session.get(Team, row.allocated_team_id) if row.allocated_team_id else None
    person = session.get(StaffMember, row.allocated_staff_id) if row.allocated_staff_id else None
    return holder_name(person.name if person else None, team.name if team else None) or None


def _summary(session: Session, row: Referral) -> ReferralSummary:
    team = _team_name(session, row)
    return ReferralSummary(
        reference=row.reference,
        status=Status(row.status),
        received_at=row.received_at,
        due_at=row.due_at,
        response=row.response,
        lead=row.lead,
        rec_outcome=row.rec_outcome,
        rec_response=row.rec_response,
        rec_lead=row.rec_lead,
        override_reason=row.override_reason,
        responded_at=row.responded_at,
        response_met=row.response_met,
        close_outcome=row.close_outcome,
        gp_updated=row.gp_updated,
        status_reason=row.status_reason,
        allocated_team=team,
        version=row.version,
        allocated_at=row.allocated_at,
        responded_by=row.responded_by,
        service_started_at=row.service_started_at,
        closed_at=row.closed_at,
        override_signed_by=row.override_signed_by,
        override_signed_at=row.override_signed_at,
        override_sign_comment=row.override_sign_comment,
    )


__all__ = ["DeskError", "DeskService", "FieldError", "RecordedReferral", "ReferralSummary"]
