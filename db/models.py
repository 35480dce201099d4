"""Every table, in one module (SQLModel's advice: relationships cannot then import in circles).

Table rows never leave `db/`: repositories map them to domain dataclasses or flat read rows.
Enum columns are plain strings holding the vocabulary's values (no native PostgreSQL enums, so a
new word needs no type migration). Times are aware UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, MetaData, Text, UniqueConstraint, false, func, text
from sqlmodel import Field, SQLModel

# Stable constraint names on both backends, so migrations can name what they alter.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

QUEUE_INDEX_WHERE = "queue_band IS NOT NULL"
"""The queue index holds open referrals only (migration 0005 says the same)."""
REDIRECTED_INDEX_WHERE = "status = 'redirected'"
"""The redirected calls' index holds only them (migration 0011 says the same)."""
UNSIGNED_OVERRIDE_WHERE = "override_reason != '' AND override_signed_at IS NULL"
"""Overrides nobody has signed off yet: the few the supervisor's list reads (migration 0012)."""
GP_OWED_INDEX = "ix_referral_gp_owed"
GP_OWED_WHERE = "status = 'closed' AND gp_updated = false"
"""Closed referrals whose GP is not yet told (`db.gp_updates.not_told`, migration 0017): written
as text, never with bound values, so SQLite matches the partial index to the queries."""


class Locality(SQLModel, table=True):
    """An ACHT locality, or the countywide catchment."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True)


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    organisation: str = Field(max_length=120)
    kind: str = Field(max_length=40)
    base: str = Field(default="", max_length=120)
    locality_id: int | None = Field(default=None, foreign_key="locality.id")
    covers_night: bool = False
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class StaffMember(SQLModel, table=True):
    __tablename__ = "staff_member"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    role: str = Field(max_length=40)
    band: str = Field(default="", max_length=20)
    team_id: int = Field(foreign_key="team.id", index=True)
    capacity: int = 6
    active: bool = True
    is_demo: bool = False

    __table_args__ = (UniqueConstraint("team_id", "name", name="uq_staff_member_team_name"),)


class Shift(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff_member.id", index=True)
    starts_at: datetime
    ends_at: datetime

    __table_args__ = (
        UniqueConstraint("staff_id", "starts_at", name="uq_shift_staff_start"),
        Index("ix_shift_window", "starts_at", "ends_at"),
    )


class Referrer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    role: str = Field(max_length=40)
    organisation: str = Field(default="", max_length=160)
    phone: str = Field(default="", max_length=40)

    __table_args__ = (
        UniqueConstraint("name", "organisation", "phone", name="uq_referrer_identity"),
    )


class Patient(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    nhs_number: str | None = Field(default=None, max_length=10, unique=True)
    """Null when not known: such a patient is never matched to another (the referral is to be
    traced). Unique still; both backends allow any number of nulls under it."""
    given_name: str = Field(max_length=80)
    family_name: str = Field(max_length=80, index=True)
    date_of_birth: date | None = None
    address: str = Field(default="", max_length=300)
    postcode: str = Field(default="", max_length=10)
    gp_practice: str = Field(default="", max_length=160)
    lives_alone: bool | None = None
    access_notes: str = Field(default="", max_length=300)
    next_of_kin: str = Field(default="", max_length=200)
    is_test_data: bool = False


class ReferenceCounter(SQLModel, table=True):
    """The last reference number issued in a year; bumped inside the write transaction."""

    __tablename__ = "reference_counter"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_number: int = 0


class Referral(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    received_at: datetime
    taken_by: str = Field(max_length=80)
    referrer_id: int | None = Field(default=None, foreign_key="referrer.id")
    patient_id: int | None = Field(default=None, foreign_key="patient.id", index=True)
    # Null only for a call that ended at the red-flag questions, before they were asked.
    pathway: str | None = Field(default=None, max_length=20)
    setting: str | None = Field(default=None, max_length=30)
    locality_id: int | None = Field(default=None, foreign_key="locality.id")
    facts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    rules_version: str = Field(max_length=20)
    rec_outcome: str = Field(max_length=20)
    rec_response: str | None = Field(default=None, max_length=20)
    rec_lead: str | None = Field(default=None, max_length=20)
    rec_fallback_from: str | None = Field(default=None, max_length=20)
    rec_reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    bed_needed: bool = False
    response: str | None = Field(default=None, max_length=20)
    lead: str | None = Field(default=None, max_length=20)
    override_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    due_at: datetime | None = None
    status: str = Field(max_length=20)
    queue_band: int | None = Field(default=None, sa_column_kwargs={"autoincrement": False})
    """`spr_desk.queue_view.queue_band(status)`, set with the status: the queue's sort order."""
    allocated_team_id: int | None = Field(default=None, foreign_key="team.id")
    allocated_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    responded_at: datetime | None = None
    response_met: bool | None = None
    close_outcome: str | None = Field(default=None, max_length=30)
    gp_updated: bool = False
    closed_at: datetime | None = None
    status_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    is_demo: bool = False
    version: int = 1
    updated_at: datetime
    call_started_at: datetime | None = None
    home_from_hospital: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    community_bed_request: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    records_reviewed: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    call_record: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    """The whole call as typed, field by field: what was asked and answered."""
    breach_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """Why the first response came after the due time, given when it was recorded."""
    claimed_by: str | None = Field(default=None, max_length=80)
    """Who took it to allocate (`DeskService.claim_next`); a claim lapses after a while."""
    claimed_at: datetime | None = None
    nhs_number_status: str | None = Field(default=None, max_length=2)
    """UK Core's verification code of the patient's NHS number (`NhsNumberStatus`); null on
    referrals recorded before it was asked."""
    nhs_unavailable_reason: str | None = Field(default=None, max_length=40)
    """Why the call gave no NHS number (`NhsNumberUnavailable`); cleared when one is added."""
    caller_answers: list[list[str]] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )
    """What only this kind of caller was asked: [question key, answer] pairs, in order."""
    allocated_at: datetime | None = None
    """When it was allocated, as the handler gave it (default the time it was recorded)."""
    responded_by: str | None = Field(default=None, max_length=120)
    """Who made the first response (a name from the rota, as given)."""
    service_started_at: datetime | None = None
    """When the episode of care started, as the handler gave it."""
    override_signed_by: str | None = Field(default=None, max_length=80)
    """The supervisor who signed off a response lower than the facts asked for (user name)."""
    override_signed_at: datetime | None = None
    override_sign_comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    paper_entered_at: datetime | None = None
    """When a call taken on a paper sheet during downtime was entered (its received time is
    the one written on the sheet); null for a call typed in as it was taken."""
    paper_entered_by: str | None = Field(default=None, max_length=80)
    imported_from: str | None = Field(default=None, max_length=200)
    """The desk whose open queue this came from (a mutual-aid file), and when it was written."""
    source: str | None = Field(default=None, max_length=20)
    """`vocabulary.Source` when it did not come as a call typed in (a 999 referral over BaRS)."""
    reply_owed_by: datetime | None = None
    """A 999 referral the desk has not yet accepted or sent back: the sender's breach time, by
    which it expects the desk's answer. Cleared when the answer is queued."""
    ucr_condition: str | None = Field(default=None, max_length=30)
    """`UcrCondition` of a Rapid referral (asked in the call); None before issue 19 or not Rapid."""
    ucr_not_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """Why a Rapid referral is not one of the nine UCR conditions (`UcrCondition.NOT_UCR`)."""
    call_ended_at: datetime | None = None
    """When the call was recorded: with `call_started_at`, the handling time `rota check` uses."""

    __table_args__ = (
        # The queue: open referrals by due time. A composite index, because SQLite ignores a
        # partial one when the status list is a bound parameter (STACK.md 2c).
        Index("ix_referral_status_due", "status", "due_at"),
        # The queue board's order (awaiting a response first, then by due time): walked a page
        # at a time, so a page costs the same however long the queue is. Partial, so it holds
        # the open referrals only and the planners see how few they are; the condition has no
        # parameter, so SQLite matches it (STACK.md 2c).
        Index(
            "ix_referral_queue",
            "queue_band",
            "due_at",
            "id",
            sqlite_where=text(QUEUE_INDEX_WHERE),
            postgresql_where=text(QUEUE_INDEX_WHERE),
        ),
        Index("ix_referral_received", "received_at"),
        # The calls entered from paper (the supervisor's list, the reconciliation): few, found
        # by seeking past the nulls rather than reading every referral.
        Index("ix_referral_paper_entered", "paper_entered_at"),
        # The redirected calls, newest first (the queue's status filter lists them): a walk,
        # not a sort of every call ever redirected. Partial with a fixed condition, so SQLite
        # matches it only to that list and no plan of the open queue changes; led by the
        # status, so it seeks as well as the status index does and then needs no sort.
        Index(
            "ix_referral_redirected",
            "status",
            "received_at",
            "id",
            sqlite_where=text(REDIRECTED_INDEX_WHERE),
            postgresql_where=text(REDIRECTED_INDEX_WHERE),
        ),
        # The overrides held for a supervisor's sign-off: few, so the list reads them alone
        # rather than every referral; a fixed condition, so SQLite matches it.
        # The GP updates owed (the supervisor's list, its count, the handover's summary): a
        # desk's years of closed referrals are not read to find the few not yet told.
        Index(
            GP_OWED_INDEX,
            "closed_at",
            "id",
            sqlite_where=text(GP_OWED_WHERE),
            postgresql_where=text(GP_OWED_WHERE),
        ),
        Index(
            "ix_referral_unsigned_override",
            "received_at",
            "id",
            sqlite_where=text(UNSIGNED_OVERRIDE_WHERE),
            postgresql_where=text(UNSIGNED_OVERRIDE_WHERE),
        ),
    )


class AuditEvent(SQLModel, table=True):
    """Append-only: who did what, when, with the state before and after."""

    __tablename__ = "audit_event"
    __table_args__ = (
        # The audit viewer's "by person" filter (case-blind), newest first.
        Index("ix_audit_event_actor_at", func.lower(text("actor")), "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str = Field(max_length=80)
    action: str = Field(max_length=40)
    referral_id: int | None = Field(default=None, foreign_key="referral.id", index=True)
    entity: str = Field(default="referral", max_length=40)
    entity_id: str = Field(default="", max_length=40)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class Handover(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    direction: str = Field(max_length=20)
    boundary_at: datetime
    built_at: datetime
    built_by: str = Field(max_length=80)
    acknowledged_by: str | None = Field(default=None, max_length=80)
    acknowledged_at: datetime | None = None
    automatic: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    """Built by a desk at the boundary itself: one such pack per boundary (a partial unique
    index), so two desks seeing the boundary pass at once cannot both build one."""

    __table_args__ = (
        Index(
            "uq_handover_automatic_boundary",
            "boundary_at",
            unique=True,
            sqlite_where=text("automatic"),
            postgresql_where=text("automatic"),
        ),
    )


class HandoverItem(SQLModel, table=True):
    __tablename__ = "handover_item"

    id: int | None = Field(default=None, primary_key=True)
    handover_id: int = Field(foreign_key="handover.id", index=True)
    referral_id: int = Field(foreign_key="referral.id")
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    situation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    background: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    assessment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    recommendation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class HandoverItemRead(SQLModel, table=True):
    """The receiver has read one referral of a pack (who and when); one row per item."""

    __tablename__ = "handover_item_read"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="handover_item.id", unique=True)
    read_by: str = Field(max_length=80)
    read_at: datetime


class ReferralNote(SQLModel, table=True):
    """A note or a follow-up call added to a referral after it was recorded, at any status
    ("daughter rang again"); its audit event says so too."""

    __tablename__ = "referral_note"

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    at: datetime
    by: str = Field(max_length=80)
    kind: str = Field(max_length=20)
    """`vocabulary.NoteKind`: a note, or a follow-up call (who rang in `caller`)."""
    caller: str = Field(default="", max_length=160)
    text: str = Field(sa_column=Column(Text, nullable=False))


class DeskUser(SQLModel, table=True):
    __tablename__ = "desk_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True)
    display_name: str = Field(default="", max_length=120)
    role: str = Field(max_length=30)
    password_hash: str | None = Field(default=None, max_length=300)
    active: bool = True
    created_at: datetime
    failed_sign_ins: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    """Failed sign-ins since the last one that succeeded (slows the next: `spr_desk.sign_in`)."""
    last_failed_at: datetime | None = None
    last_signed_in_at: datetime | None = None


class SignInAttempt(SQLModel, table=True):
    """Failed sign-ins in a row under one typed name, known or not, so that an unknown name is
    slowed exactly as a real one is. The name is kept only as a keyed hash (`db.users.name_key`)."""

    __tablename__ = "sign_in_attempt"

    name_key: str = Field(primary_key=True, max_length=64)
    failures: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    last_failed_at: datetime | None = None


class SignInSalt(SQLModel, table=True):
    """One row: this database's own key for hashing typed names (made by migration 0013)."""

    __tablename__ = "sign_in_salt"

    id: int = Field(default=1, primary_key=True)
    salt: str = Field(max_length=64)


class CallDraft(SQLModel, table=True):
    """A call as typed so far; saved on every change so a crash loses nothing."""

    __tablename__ = "call_draft"

    id: int | None = Field(default=None, primary_key=True)
    draft_key: str = Field(max_length=40, unique=True)
    desk_user: str = Field(max_length=80)
    started_at: datetime
    updated_at: datetime
    revision: int = 0
    state: str = Field(default="open", max_length=20)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ReviewFlag(SQLModel, table=True):
    """A supervisor's note that a referral needs looking at again; its audit event says so too."""

    __tablename__ = "review_flag"

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    flagged_by: str = Field(max_length=80)
    flagged_at: datetime = Field(index=True)
    comment: str = Field(sa_column=Column(Text, nullable=False))


class ReservedReference(SQLModel, table=True):
    """A reference printed on a blank paper triage sheet (the downtime pack): the counter has
    passed it, so no live call is ever given it; it is used once, by the sheet's call entered
    from paper, or released unused."""

    __tablename__ = "reserved_reference"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=20, unique=True)
    reserved_at: datetime
    reserved_by: str = Field(max_length=80)
    state: str = Field(max_length=20, index=True)
    """`spr_desk.downtime.paper.SheetState`: reserved, used or released."""
    used_at: datetime | None = None
    used_by: str | None = Field(default=None, max_length=80)
    released_at: datetime | None = None
    released_by: str | None = Field(default=None, max_length=80)


class DowntimeDrill(SQLModel, table=True):
    """A downtime drill that ran: when, who, and its figures (the supervisor sees the last)."""

    __tablename__ = "downtime_drill"

    id: int | None = Field(default=None, primary_key=True)
    ran_at: datetime = Field(index=True)
    ran_by: str = Field(max_length=80)
    figures: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class BarsReferral(SQLModel, table=True):
    """A referral sent by a 999 service over BaRS: how the sender knows it, where replies go,
    and what it sent (its latest version) in the words the referral view shows."""

    __tablename__ = "bars_referral"
    __table_args__ = (
        UniqueConstraint("service_request_id", "journey_id", name="uq_bars_referral_journey"),
    )

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", unique=True)
    service_request_id: str = Field(max_length=200)
    journey_id: str = Field(max_length=200)
    reply_to: str = Field(max_length=300)
    """`MessageHeader.source.endpoint` of the request: the target identifier of every reply."""
    version: int = 1
    sent: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    """`spr_desk.bars.sent.SentDetails` as a dict: CDSS, chief concern, contacts, flags, ..."""
    answer: str | None = Field(default=None, max_length=20)
    """`ReplyKind` of the desk's answer once given (accept or reject); null while owed."""
    answered_at: datetime | None = None


class BarsMessage(SQLModel, table=True):
    """Every Validation Request the desk took, as received (each version is kept), and the
    answer it gave, so a repeated request id gets the same answer."""

    __tablename__ = "bars_message"

    id: int | None = Field(default=None, primary_key=True)
    request_id: str = Field(max_length=200, unique=True)
    correlation_id: str = Field(default="", max_length=200)
    received_at: datetime
    referral_id: int = Field(foreign_key="referral.id", index=True)
    version: int
    reason: str = Field(max_length=20)
    status: str = Field(max_length=20)
    bundle: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    answer_status: int
    answer: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class BarsReply(SQLModel, table=True):
    """The outbox: a reply to a 999 service, kept until it is delivered (a restart sends it
    again with the same request id, so the sender can tell a retry from a new message)."""

    __tablename__ = "bars_reply"
    __table_args__ = (Index("ix_bars_reply_state_next", "state", "next_try_at"),)

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    kind: str = Field(max_length=20)
    request_id: str = Field(max_length=40, unique=True)
    target: str = Field(max_length=300)
    body: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(max_length=20)
    """`spr_desk.bars.outbox.ReplyState`: queued, sent or failed (failed: given up on)."""
    attempts: int = 0
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    queued_at: datetime
    queued_by: str = Field(max_length=80)
    next_try_at: datetime
    sent_at: datetime | None = None


class GpUpdate(SQLModel, table=True):
    """The end-of-episode update to the patient's GP practice, and its outbox over MESH: drafted
    (editable), queued, sent (with the MESH message id), then acknowledged by the practice, or
    expired or failed. Kept through a restart; a referral may have more than one (an update
    made after it closed is another row, and an event on the referral)."""

    __tablename__ = "gp_update"
    __table_args__ = (Index("ix_gp_update_state_next", "state", "next_try_at"),)

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    state: str = Field(max_length=20)
    """`vocabulary.GpUpdateState`."""
    practice: str = Field(default="", max_length=160)
    """The patient's GP practice as the record has it when the update was drafted."""
    mailbox: str | None = Field(default=None, max_length=20)
    """The practice's MESH mailbox id (from configuration), when it was queued."""
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    """The update as prose, as the handler left it."""
    local_id: str = Field(max_length=40, unique=True)
    """Our id for the message (MESH's local id): tracking finds it by this."""
    mesh_message_id: str | None = Field(default=None, max_length=100)
    drafted_at: datetime
    drafted_by: str = Field(max_length=80)
    due_at: datetime
    """Acknowledged by then, or "GP update overdue" (default 08:00 the next working day)."""
    queued_at: datetime | None = None
    queued_by: str | None = Field(default=None, max_length=80)
    sent_at: datetime | None = None
    acknowledged_at: datetime | None = None
    attempts: int = 0
    next_try_at: datetime | None = None
    lease_until: datetime | None = None
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version: int = 1
