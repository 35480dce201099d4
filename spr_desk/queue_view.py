"""What the queue board shows: its order, its filter and search, and each row's countdown state.

Pure: the database layer turns a `QueueFilter` into SQL, the board asks `state_of` for each row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from spr_desk.due import DueState, due_state
from spr_desk.lifecycle import AWAITING_RESPONSE, OPEN_STATUSES
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
    received_at: datetime | None
    caller: str
    red_flags: tuple[str, ...]


REDIRECTED = Status.REDIRECTED.value
"""The status filter's choice for the calls redirected at the red flags (999 / A&E): they have
left the queue, so only this choice lists them, newest first."""
TO_TRACE = "to_trace"
"""The status filter's choice for referrals whose patient has no NHS number yet, open or
finished (`is_to_trace`), newest first."""


def is_to_trace(status: Status | str, nhs_number: str | None) -> bool:
    """A referral is to trace while its patient has no NHS number, until someone adds one. A call
    redirected at the red flags is not: it went to emergency care and the desk holds no episode
    for it (a number may still be added to it)."""
    return not nhs_number and Status(status) is not Status.REDIRECTED


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Empty fields match everything; `text` searches reference, NHS number and name (and, for
    the redirected calls, the caller). `status` is an open status, or `REDIRECTED` or `TO_TRACE`
    for the referrals beyond the open queue."""

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

    @property
    def beyond_queue(self) -> bool:
        """True when it lists referrals that are not (or not only) in the open queue."""
        return self.status in (REDIRECTED, TO_TRACE)


EVERYTHING = QueueFilter()
"""The whole open queue: no filter, no search."""


def queue_band(status: Status | str) -> int | None:
    """Where a referral sorts in the queue: 0 while its first response is awaited (its due time
    can still breach), 1 once responded or in service, None once it has left the queue. Stored
    beside the status so one (band, due_at) index gives the queue's order and pages it."""
    status = Status(status)
    if status in AWAITING_RESPONSE:
        return 0
    return 1 if status in OPEN_STATUSES else None


def search_digits(text: str) -> str:
    """The digits of a search, when there are enough of them (three) to look for an NHS number."""
    digits = "".join(ch for ch in text if "0" <= ch <= "9")  # `isdigit` also takes '²' and '٣'
    return digits if len(digits) >= 3 else ""


def state_of(row: QueueLine, now: datetime) -> DueState | None:
    """The countdown's state, for referrals still waiting for their first response."""
    if row.due_at is None or Status(row.status) not in AWAITING_RESPONSE:
        return None
    return due_state(now, row.due_at)
