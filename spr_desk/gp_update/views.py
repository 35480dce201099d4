"""What the desk hands out about GP updates: plain frozen dataclasses, no rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from spr_desk.vocabulary import GpUpdateState


@dataclass(frozen=True, slots=True)
class GpUpdateView:
    """One update to the patient's GP practice, as it stands."""

    id: int
    reference: str
    state: GpUpdateState
    body: str
    title: str
    practice: str
    mailbox: str | None
    due_at: datetime
    drafted_at: datetime
    drafted_by: str
    queued_at: datetime | None
    sent_at: datetime | None
    mesh_message_id: str | None
    acknowledged_at: datetime | None
    last_error: str
    overdue: bool
    """Not acknowledged and its due time has come, by the desk's clock."""
    version: int


@dataclass(frozen=True, slots=True)
class GpUpdateOwed:
    """A closed referral whose GP is not yet told."""

    reference: str
    patient: str
    """The patient's name as the record has it (shown as text, never markup)."""
    practice: str
    state: GpUpdateState | None
    """None: no update drafted (a referral closed before the desk drafted them)."""
    due_at: datetime
    overdue: bool


@dataclass(frozen=True, slots=True)
class OutgoingGpUpdate:
    """An update handed to the MESH sender (leased to it for a while)."""

    id: int
    reference: str
    local_id: str
    mailbox: str
    practice: str
    title: str
    body: str
    drafted_at: datetime
    patient_name: str
    nhs_number: str
    date_of_birth: str
    """ISO date, or "" when the record has none."""


@dataclass(frozen=True, slots=True)
class TrackedGpUpdate:
    """An update MESH accepted that the practice has not yet acknowledged."""

    id: int
    reference: str
    local_id: str
    mesh_message_id: str
    sent_at: datetime
