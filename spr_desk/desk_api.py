"""The door between the screens and storage: everything a screen knows about the desk.

The refusals it raises, the plain rows it hands out and the `Desk` Protocol of the calls the
screens make. `db.desk.DeskService` implements it; `screens/` import this module and never `db`,
so the UI runs (and is type-checked) without SQLAlchemy. Pure: no SQL, no Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from spr_desk.lifecycle import OPEN_STATUSES
from spr_desk.matrix import ALL_AVAILABLE
from spr_desk.queue_view import QueueRow
from spr_desk.refusal import Refused
from spr_desk.sign_in import SignInRefused
from spr_desk.vocabulary import NhsNumberStatus

if TYPE_CHECKING:
    # Only the rows' and calls' annotations name these: importing them here would load the
    # handover, supervision and rota modules before the desk's first frame.
    from collections.abc import Callable
    from datetime import datetime
    from typing import IO

    from spr_desk.availability import AvailabilityBoard, RotaShift
    from spr_desk.bars.outbox import ReplyKind
    from spr_desk.bars.replies import RejectReason
    from spr_desk.bars.sent import SentDetails
    from spr_desk.call_profile import StaffingTable
    from spr_desk.csds import UcrMeasures
    from spr_desk.desk_hours import Boundary, Direction
    from spr_desk.downtime.pack import DowntimePack
    from spr_desk.downtime.paper import PaperEntry, ReservedSheet
    from spr_desk.faults import Fault
    from spr_desk.figures import ChartSeries
    from spr_desk.gp_update.views import GpUpdateOwed, GpUpdateView
    from spr_desk.handover import Pack, Sbar
    from spr_desk.matrix import Availability, Recommendation
    from spr_desk.queue_view import QueueFilter
    from spr_desk.referral import (
        Decision,
        NewReferral,
        PatientDetails,
        RedirectedCall,
        ReferrerDetails,
    )
    from spr_desk.roles import Role
    from spr_desk.rota_csv import RotaParse
    from spr_desk.rules import Rules
    from spr_desk.sign_in import SignedIn
    from spr_desk.supervision import HeldOverride, Review
    from spr_desk.vocabulary import CloseOutcome, Lead, NoteKind, Status

__all__ = [
    "AuditEntry",
    "BarsDetail",
    "ReplyRow",
    "AuditEventDetail",
    "AuditRow",
    "COUNT_CAP",
    "Desk",
    "DeskError",
    "DeskStatus",
    "DraftRow",
    "EarlierReferral",
    "FlagRow",
    "NextUp",
    "NoteRow",
    "PackRow",
    "PatientHistory",
    "QueueCounts",
    "QueuePage",
    "QueueRow",
    "ReadMark",
    "RecordedReferral",
    "ReferralDetail",
    "ReferralSummary",
    "Refused",
    "RotaImported",
    "ShiftRow",
    "SignInRefused",
    "SignedOff",
    "StoredPack",
    "UserRow",
    "WhoIsOn",
]

# ---- What the desk refuses, and what recording a call returns


class DeskError(Refused):
    """An action the desk refused; the message is for the handler."""


@dataclass(frozen=True, slots=True)
class RecordedReferral:
    reference: str
    status: Status
    due_at: datetime | None
    recommendation: Recommendation
    decision: Decision


# ---- One referral, as the referral view and the lifecycle see it


@dataclass(frozen=True, slots=True)
class NoteRow:
    """One note or follow-up call as read back: who added it, when, and what was said."""

    referral_id: int
    at: datetime
    by: str
    kind: NoteKind
    caller: str
    text: str


@dataclass(frozen=True, slots=True)
class ReferralSummary:
    reference: str
    status: Status
    received_at: datetime
    due_at: datetime | None
    response: str | None
    lead: str | None
    rec_outcome: str
    rec_response: str | None
    rec_lead: str | None
    override_reason: str
    responded_at: datetime | None
    response_met: bool | None
    close_outcome: str | None
    gp_updated: bool
    status_reason: str
    allocated_team: str | None
    version: int
    allocated_at: datetime | None = None
    responded_by: str | None = None
    service_started_at: datetime | None = None
    closed_at: datetime | None = None
    override_signed_by: str | None = None
    override_signed_at: datetime | None = None
    override_sign_comment: str | None = None


@dataclass(frozen=True, slots=True)
class ReferralDetail:
    """Everything about one referral, for the referral view."""

    summary: ReferralSummary
    pathway: str | None
    setting: str | None
    locality: str | None
    taken_by: str
    facts: dict[str, Any]
    reasons: list[str]
    notes: str
    patient: PatientDetails | None
    referrer: ReferrerDetails | None
    history: list[AuditEntry]
    rec_fallback_from: str | None = None
    """The lead the matrix could not mobilise, when it moved to the next."""
    bed_needed: bool = False
    home_from_hospital: bool = False
    community_bed_request: bool = False
    records_reviewed: tuple[str, ...] = ()
    notes_added: tuple[NoteRow, ...] = ()
    """Notes and follow-up calls added since it was recorded, oldest first."""
    """Keys of `spr_desk.call_form.RECORDS_REVIEWED`."""
    nhs_number_status: str | None = None
    """`NhsNumberStatus` code; None on referrals recorded before it was asked."""
    nhs_unavailable_reason: str | None = None
    """`NhsNumberUnavailable`: why the call gave no NHS number."""
    to_trace: bool = False
    """The patient has no NHS number yet (`spr_desk.queue_view.is_to_trace`)."""
    caller_answers: tuple[tuple[str, str], ...] = ()
    """(question key, answer) of what only this kind of caller was asked."""
    red_flags: tuple[str, ...] = ()
    advice: str = ""
    paper_entered_at: datetime | None = None
    """When a call taken on a paper sheet during downtime was entered (its received time is
    the one written on the sheet); None for a call typed in as it was taken."""
    paper_entered_by: str | None = None
    imported_from: str | None = None
    """The neighbouring desk it was taken over from (mutual aid), and when that desk wrote it."""
    source: str | None = None
    """`vocabulary.Source` when it did not come as a call typed in (999 over BaRS)."""
    bars: BarsDetail | None = None
    """A 999 referral's sent details and replies."""
    """For a redirected call, the words said to the caller."""
    ucr_condition: str | None = None
    """`UcrCondition` asked in the call (a Rapid response only); None when not asked."""
    ucr_not_reason: str | None = None
    """Why a Rapid response is not a 2-hour UCR one (with not UCR)."""


# ---- The queue, and what the desk knows of a patient


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """How many open referrals match the filter, how many of those await their first response
    and how many of those have breached; and how many are open in all."""

    matching: int
    awaiting: int
    breached: int
    open: int


@dataclass(frozen=True, slots=True)
class QueuePage:
    """A window of the queue: `rows` are positions `offset` to `offset + len(rows) - 1`,
    counted at `now`."""

    offset: int
    rows: list[QueueRow]
    counts: QueueCounts
    now: datetime


@dataclass(frozen=True, slots=True)
class EarlierReferral:
    reference: str
    received_at: datetime
    status: str
    response: str | None
    lead: str | None


@dataclass(frozen=True, slots=True)
class PatientHistory:
    """What the desk already knows of a patient, found by NHS number."""

    details: PatientDetails
    referrals: list[EarlierReferral]

    @property
    def open_referrals(self) -> list[EarlierReferral]:
        return [r for r in self.referrals if r.status in {s.value for s in OPEN_STATUSES}]


@dataclass(frozen=True, slots=True)
class NextUp:
    """What taking the next referral would claim, shown before it is claimed."""

    reference: str
    response: str | None
    lead: str | None
    due_at: datetime | None
    patient_name: str
    locality: str


# ---- Drafts of calls not yet recorded


@dataclass(frozen=True, slots=True)
class DraftRow:
    draft_key: str
    desk_user: str
    started_at: datetime
    updated_at: datetime
    revision: int
    payload: dict[str, Any]


# ---- The audit trail, as a referral's history and the supervisor's viewer show it


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    detail: str


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One event as the supervisor's audit viewer lists it."""

    event_id: int
    at: datetime
    actor: str
    action: str
    subject: str
    """The referral's reference, or what else the event is about (a handover pack, the rota)."""
    detail: str


COUNT_CAP = 10_000
"""Beyond this many matching events the viewer says "more than 10,000"."""


@dataclass(frozen=True, slots=True)
class AuditEventDetail:
    """The whole of one event, as the audit viewer's dialog shows it."""

    event_id: int
    at: datetime
    actor: str
    action: str
    subject: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    detail: str


# ---- Availability, the rota and the handover


@dataclass(frozen=True, slots=True)
class WhoIsOn:
    """The availability board: the matrix by locality, who is on now, who starts soon."""

    board: AvailabilityBoard
    on_now: list[RotaShift]
    starting: list[RotaShift]


@dataclass(frozen=True, slots=True)
class DeskStatus:
    """What every screen's header says: who holds the desk, and any pack not acknowledged."""

    now: datetime
    watch_words: str
    pending: PackRow | None


@dataclass(frozen=True, slots=True)
class StoredPack:
    handover_id: int
    pack: Pack
    new_since: list[str]
    """Open referrals recorded after the pack was built (not in it)."""
    watch_ends: datetime | None = None
    """The end of the watch the pack hands over to (the boundary after its own)."""
    gp_update_owed: tuple[str, ...] = ()
    """References closed in `GP_OWED_WINDOW` before the boundary (or since), GP not told."""


@dataclass(frozen=True, slots=True)
class ReadMark:
    """One item of a pack ticked as read (`read_by` None: the tick was taken off)."""

    handover_id: int
    reference: str
    read_by: str | None
    read_at: datetime | None


@dataclass(frozen=True, slots=True)
class RotaImported:
    """What an import did, or why it did nothing (`errors` not empty)."""

    parsed: RotaParse
    staff_added: int = 0
    staff_updated: int = 0
    shifts_added: int = 0
    shifts_replaced: int = 0
    write_seconds: float = 0.0
    """How long the import held the write transaction: from its BEGIN to its COMMIT."""


@dataclass(frozen=True, slots=True)
class PackRow:
    """One stored pack, as the list of packs shows it."""

    handover_id: int
    direction: Direction
    boundary_at: datetime
    built_at: datetime
    built_by: str
    acknowledged_by: str | None
    acknowledged_at: datetime | None


@dataclass(frozen=True, slots=True)
class ShiftRow:
    """One shift as the rota screen lists it."""

    shift_id: int
    team: str
    name: str
    role: str
    starts_at: datetime
    ends_at: datetime


# ---- Supervision


@dataclass(frozen=True, slots=True)
class FlagRow:
    reference: str
    flagged_by: str
    flagged_at: datetime
    comment: str


@dataclass(frozen=True, slots=True)
class SignedOff:
    reference: str
    signed_by: str
    signed_at: datetime
    comment: str


# ---- People


@dataclass(frozen=True, slots=True)
class UserRow:
    username: str
    display_name: str
    role: Role
    active: bool
    failed_sign_ins: int
    last_failed_at: datetime | None
    last_signed_in_at: datetime | None
    password_hash: str | None


@dataclass(frozen=True, slots=True)
class PaperCall:
    """A call entered from a paper sheet: its written received time, its due time, when and by
    whom it was entered, and whether its due time passed while it was on paper."""

    reference: str
    received_at: datetime
    due_at: datetime | None
    response: str | None
    entered_at: datetime
    entered_by: str
    responded_at: datetime | None
    breached_on_paper: bool


@dataclass(frozen=True, slots=True)
class QueueTaken:
    """What a mutual-aid import added, and what was already here (added nothing twice)."""

    source: str
    added: tuple[str, ...]
    already_here: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReplyRow:
    """One of the desk's replies to a 999 service, as its outbox holds it."""

    kind: ReplyKind
    state: str
    """`spr_desk.bars.outbox.ReplyState`: queued, sent or failed."""
    queued_at: datetime
    queued_by: str
    attempts: int
    last_error: str
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class BarsDetail:
    """What a 999 service sent with a referral (its latest version) and the desk's replies."""

    sent: SentDetails
    version: int
    """How many versions the sender has sent (each is kept)."""
    breach_at: datetime | None
    reply_owed_by: datetime | None
    """The sender's breach time while the desk still owes its answer (accept or send back)."""
    answer: str | None
    """`ReplyKind` value of the answer given, or None while it is owed."""
    replies: tuple[ReplyRow, ...]


@dataclass(frozen=True, slots=True)
class DrillRow:
    """The last downtime drill: when, who, and its figures."""

    ran_at: datetime
    ran_by: str
    figures: dict[str, Any]


class Desk(Protocol):
    """The calls the screens make of the desk, grouped as `DeskService` groups them. Every call
    runs in its own transaction; a refusal is raised as a `Refused` with words for the handler."""

    rules: Rules

    # the queue, the call, the lifecycle, drafts and supervision (db/desk.py)
    def now(self) -> datetime: ...

    def queue_page(self, wanted: QueueFilter, offset: int, limit: int) -> QueuePage: ...

    def patient_history(self, nhs_number: str) -> PatientHistory | None: ...

    def known_referrers(self) -> list[ReferrerDetails]: ...

    def change_marker(self) -> int: ...

    def record_referral(
        self,
        call: NewReferral,
        *,
        by: str,
        availability: Availability = ALL_AVAILABLE,
        draft_key: str | None = None,
        paper: PaperEntry | None = None,
        completing: str | None = None,
    ) -> RecordedReferral: ...

    def record_redirect(
        self,
        call: RedirectedCall,
        *,
        by: str,
        draft_key: str | None = None,
        paper: PaperEntry | None = None,
    ) -> RecordedReferral: ...

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
    ) -> ReferralSummary: ...

    def add_nhs_number(
        self,
        reference: str,
        nhs_number: str,
        *,
        by: str,
        status: NhsNumberStatus = NhsNumberStatus.PRESENT_NOT_TRACED,
        expected_version: int | None = None,
    ) -> ReferralSummary: ...

    def peek_next(self) -> NextUp | None: ...

    def claim(self, reference: str, *, by: str) -> None: ...

    def release_claim(self, reference: str, *, by: str) -> None: ...

    def change_lead(
        self, reference: str, new_lead: Lead, *, reason: str, by: str
    ) -> ReferralSummary: ...

    def summary(self, reference: str) -> ReferralSummary: ...

    def detail(self, reference: str) -> ReferralDetail: ...

    def bars_accept(self, reference: str, *, by: str, clinician: str) -> None: ...

    def bars_reject(
        self, reference: str, *, by: str, reason: RejectReason, text: str = ""
    ) -> None: ...

    def team_names(self) -> list[str]: ...

    def history(self, reference: str) -> list[AuditEntry]: ...

    def save_draft(
        self, draft_key: str, *, by: str, payload: dict[str, Any], revision: int
    ) -> bool: ...

    def open_drafts(self, by: str | None = None) -> list[DraftRow]: ...

    def finish_draft(self, draft_key: str, *, state: str) -> None: ...

    def export_referrals(
        self,
        start: datetime,
        end: datetime,
        handle: IO[str],
        on_progress: Callable[[int], None] | None = None,
    ) -> int: ...

    def review(self, days: int = 7) -> Review: ...

    def flag_for_review(self, reference: str, comment: str, by: str) -> None: ...

    def audit_events(
        self,
        *,
        actor: str = "",
        reference: str = "",
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = 500,
    ) -> tuple[list[AuditRow], int]: ...

    def review_flags(self, limit: int = 50) -> list[FlagRow]: ...

    # availability, the rota and the handover (db/watch_desk.py)
    def availability_board(self) -> AvailabilityBoard: ...

    def who_is_on(self) -> WhoIsOn: ...

    def shifts_between(self, start: datetime, end: datetime) -> list[ShiftRow]: ...

    def import_rota(self, text: str, *, by: str) -> RotaImported: ...

    def delete_shift(self, shift_id: int, *, by: str) -> None: ...

    def coming_boundary(self) -> Boundary: ...

    def build_handover(self, *, by: str, boundary: Boundary | None = None) -> int: ...

    def handover_pack(self, handover_id: int) -> StoredPack: ...

    def pack_to_show(self) -> int | None: ...

    def handover_packs(self, limit: int = 60) -> list[PackRow]: ...

    def edit_sbar(self, handover_id: int, reference: str, sbar: Sbar, *, by: str) -> None: ...

    def acknowledge_handover(self, handover_id: int, *, by: str) -> None: ...

    def mark_item_read(
        self, handover_id: int, reference: str, *, by: str, read: bool = True
    ) -> ReadMark: ...

    def desk_status(self, *, by: str = "desk") -> DeskStatus: ...

    # people and signing in (db/user_desk.py)
    def has_users(self) -> bool: ...

    def sign_in(self, username: str, password: str) -> SignedIn | SignInRefused: ...

    def write_queued_sign_ins(self) -> bool: ...

    def sign_out(self, username: str) -> Fault | None: ...

    # a referral's notes and undo (db/referral_desk.py)
    def undo_refused(self, reference: str, *, by: str) -> str | None: ...

    def undo_milestone(self, reference: str, *, by: str) -> str: ...

    def add_note(
        self, reference: str, *, kind: NoteKind, text: str, by: str, caller: str = ""
    ) -> None: ...

    # overrides signed off and the audit viewer (db/oversight_desk.py)
    def held_overrides(self) -> tuple[HeldOverride, ...]: ...

    def sign_off_override(self, reference: str, comment: str, *, by: str) -> SignedOff: ...

    def audit_event(self, event_id: int) -> AuditEventDetail: ...

    # downtime (db/downtime_desk.py)
    def build_downtime_pack(self, *, by: str, sheets: int = 20) -> DowntimePack: ...

    def read_only_copy(self, *, exported_by: str | None = None) -> DowntimePack: ...

    def check_sheet(self, reference: str) -> ReservedSheet: ...

    def paper_calls(self) -> list[PaperCall]: ...

    def last_drill(self) -> DrillRow | None: ...

    # the GP update over MESH (db/gp_update_desk.py)
    def gp_update(self, reference: str) -> GpUpdateView | None: ...

    def draft_gp_update(self, reference: str, *, by: str) -> GpUpdateView: ...

    def edit_gp_update(
        self, update_id: int, body: str, *, by: str, version: int
    ) -> GpUpdateView: ...

    def send_gp_update(self, update_id: int, *, by: str) -> GpUpdateView: ...

    def gp_updates_owed(self, limit: int | None = None) -> list[GpUpdateOwed]: ...

    def gp_updates_owed_count(self) -> int: ...

    # the national return, staffing and charts (db/csds_desk.py, staffing_desk.py, figures_desk.py)
    def ucr_measures(self, month: str) -> UcrMeasures: ...

    def staffing_check(
        self, *, target: float = 0.95, within_seconds: int = 60, floor: int = 1
    ) -> StaffingTable: ...

    def chart_series(self, *, weeks: int = 8) -> ChartSeries: ...
