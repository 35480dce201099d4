"""What the queue board shows: its order, its filter and search, and each row's countdown state.

Pure: the database layer turns a `QueueFilter` into SQL, the board asks `state_of` for each row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from spr_desk.due import DueState, due_state
from spr_desk.lifecycle import AWAITING_RESPONSE, OPEN_STATUSES
from spr_desk.refusal import Refused
from spr_desk.vocabulary import Status


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One line of the queue: only what the board shows, read straight from SQL."""

    reference: str
    due_at: datetime | None
    status: str
    response: str | None
    lead: str | None
    patient_name: str
    locality: str
    pathway: str
    nhs_number: str = ""
    received_at: datetime | None = None
    caller: str = ""
    """Who called, as typed: the name, else the organisation, else the call-back number."""
    red_flags: tuple[str, ...] = ()
    updated_at: datetime | None = None
    """When anyone last acted on it (the no-movement clock)."""
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    source: str | None = None
    """`vocabulary.Source` when it did not come as a call (a 999 referral over BaRS)."""
    reply_owed_by: datetime | None = None
    """A 999 referral not yet accepted or sent back: when its sender expects the answer."""


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
        return self.status in (REDIRECTED, TO_TRACE, *FINISHED)

    @property
    def searches_everywhere(self) -> bool:
        """With no status chosen, a search that looks like a reference, an NHS number or a name
        looks at every referral, closed, cancelled and redirected too (`lookup_of`)."""
        return not self.status and lookup_of(self.text) is not None


FINISHED = (Status.CLOSED.value, Status.CANCELLED.value)
"""The status filter's choices for referrals that have left the queue, newest due first."""


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


def state_of(row: QueueRow, now: datetime) -> DueState | None:
    """The countdown's state, for referrals still waiting for their first response."""
    if row.due_at is None or Status(row.status) not in AWAITING_RESPONSE:
        return None
    return due_state(now, row.due_at)


_REFERENCE = re.compile(r"^(?:SPR-?(\d{4})(?:-?(\d{1,6}))?|(\d{4})-(\d{1,6}))$")
"""`SPR-2026-000123` or its start, or the year and number as read out (`2026-123`)."""
_NAME = re.compile(r"^[^\W\d_][\w' .-]*$")


@dataclass(frozen=True, slots=True)
class Lookup:
    """What a search asks of every referral, in forms an index can seek: a reference (or its
    start), a whole NHS number, the start of a family name in the cases it may be stored in."""

    reference_prefix: str = ""
    nhs_number: str = ""
    family_prefixes: tuple[str, ...] = ()


def lookup_of(text: str) -> Lookup | None:
    """The indexed lookup a search text stands for, or None when it looks like none of a
    reference (`SPR-2026-000123`, or its start), a whole NHS number (ten digits, spaces
    allowed) or a name (two letters or more; the family name's start, "FAMILY, Given" allowed).
    """
    typed = " ".join(text.split())
    if not typed:
        return None
    upper = typed.upper().replace(" ", "")
    match = _REFERENCE.match(upper)
    if match:
        year, number, said_year, said_number = match.groups()
        if said_year:  # read out as year and number: the whole reference, zeros put back
            return Lookup(reference_prefix=f"SPR-{said_year}-{said_number.zfill(6)}")
        return Lookup(reference_prefix=f"SPR-{year}-" + (number or ""))
    digits = typed.replace(" ", "").replace("-", "")
    if digits.isascii() and digits.isdigit():
        return Lookup(nhs_number=digits) if len(digits) == 10 else None
    family = typed.split(",")[0].strip()
    if len(family) < 2 or not _NAME.match(family):
        return None
    cases = dict.fromkeys((family, family.upper(), family.lower(), family.title()))
    return Lookup(family_prefixes=tuple(cases))


class ClaimRefused(Refused):
    """A claim to allocate that cannot be taken or handed back (another desk took it, it is no
    longer waiting, it is not yours); the message is for the handler."""


CLAIM_MINUTES = 10
"""A claim to allocate holds this long (the desk that took it may have gone); the desk service's
`CLAIM_LAPSES` is built from it."""


def claim_holder(claimed_by: str | None, claimed_at: datetime | None, now: datetime) -> str | None:
    """Who holds the claim to allocate a referral now, or None once it has lapsed."""
    if not claimed_by or claimed_at is None:
        return None
    return claimed_by if now - claimed_at < timedelta(minutes=CLAIM_MINUTES) else None


def no_movement(updated_at: datetime | None, now: datetime) -> timedelta | None:
    """How long since anyone last acted on the referral (every move and note bumps
    `updated_at`); never negative."""
    if updated_at is None:
        return None
    return max(timedelta(0), now - updated_at)


def no_movement_over(
    still: timedelta | None, response: str | None, thresholds: Mapping[str, int]
) -> bool:
    """True when a referral has stood still longer than its response level allows
    (`Rules.no_movement_minutes`, keyed by response). No response, no threshold, no mark."""
    if still is None or not response:
        return False
    minutes = thresholds.get(response)
    return minutes is not None and still > timedelta(minutes=minutes)


def format_still(still: timedelta | None) -> str:
    """The no-movement clock: `45m`, `3h05`, `2d04`."""
    if still is None:
        return "-"
    minutes = int(still.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}"


STILL_MARK = "⏸"
"""Beside the no-movement clock when it is over its threshold, so it reads without colour."""

STATE_SYMBOLS: dict[str, str] = {
    DueState.BREACHED.value: "✖",
    DueState.DUE_SOON.value: "▲",
    DueState.DUE.value: "●",
    Status.ALLOCATED.value: "◆",
    Status.RESPONDED.value: "✓",
    Status.IN_SERVICE.value: "✓",
    Status.CLOSED.value: "■",
    Status.CANCELLED.value: "⊘",
    Status.REDIRECTED.value: "↗",
    Status.RECORDED.value: "○",
    Status.RECEIVED.value: "◇",
    "waiting": "◌",
}
"""A symbol for each state the board shows, beside its word and colour, so the board reads in
NO_COLOR and on a monochrome screen: distinct shapes, not shades."""


def row_state(row: QueueRow, now: datetime) -> str:
    """The state the board's State column names: the countdown's (`DueState`) while a first
    response is awaited, else the status itself (allocated, responded, closed...)."""
    state = state_of(row, now)
    if state is not None:
        return state.value
    if row.due_at is None and Status(row.status) in AWAITING_RESPONSE:
        return "waiting"
    return Status(row.status).value
