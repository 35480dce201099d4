"""What the queue board shows: filtering and searching the open referrals, and each row's words.

Pure: works on any row with the queue's attributes, so the board, tests and benchmarks share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from spr_desk.due import DueState, due_state
from spr_desk.lifecycle import AWAITING_RESPONSE
from spr_desk.vocabulary import Status


class QueueLine(Protocol):
    reference: str
    due_at: datetime | None
    status: str
    response: str | None
    lead: str | None
    patient_name: str
    nhs_number: str
    locality: str
    pathway: str


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Empty fields match everything; `text` searches reference, NHS number and name."""

    locality: str = ""
    lead: str = ""
    response: str = ""
    status: str = ""
    pathway: str = ""
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.locality, self.lead, self.response, self.status, self.pathway, self.text.strip())
        )


def matches(row: QueueLine, wanted: QueueFilter) -> bool:
    for field in ("locality", "lead", "response", "status", "pathway"):
        value = getattr(wanted, field)
        if value and (getattr(row, field) or "") != value:
            return False
    text = wanted.text.strip().lower()
    if not text:
        return True
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 3 and digits in row.nhs_number:
        return True
    return text in row.reference.lower() or text in row.patient_name.lower()


def state_of(row: QueueLine, now: datetime) -> DueState | None:
    """The countdown's state, for referrals still waiting for their first response."""
    if row.due_at is None or Status(row.status) not in AWAITING_RESPONSE:
        return None
    return due_state(now, row.due_at)
