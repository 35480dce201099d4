"""The referral lifecycle as a transition table, and the lead change that is not a new referral."""

from __future__ import annotations

from dataclasses import dataclass

from spr_desk.refusal import Refused
from spr_desk.vocabulary import Lead, Status, label

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.RECORDED, Status.REDIRECTED, Status.CANCELLED}),
    Status.RECORDED: frozenset({Status.ALLOCATED, Status.REDIRECTED, Status.CANCELLED}),
    Status.ALLOCATED: frozenset({Status.RESPONDED, Status.CANCELLED}),
    Status.RESPONDED: frozenset({Status.IN_SERVICE, Status.CLOSED}),
    Status.IN_SERVICE: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.REDIRECTED: frozenset(),
    Status.CANCELLED: frozenset(),
}
"""Every allowed move; anything else is refused."""

OPEN_STATUSES: frozenset[Status] = frozenset(
    {Status.RECORDED, Status.ALLOCATED, Status.RESPONDED, Status.IN_SERVICE}
)
"""Referrals the desk is still responsible for: they are in the queue and in the handover."""

AWAITING_RESPONSE: frozenset[Status] = frozenset({Status.RECORDED, Status.ALLOCATED})
"""Referrals whose due time can still be breached (the first response has not happened)."""

_WHY_NOT: dict[Status, str] = {
    Status.DRAFT: "a draft can only be recorded, redirected or discarded",
    Status.RECORDED: "a recorded referral must be allocated before anyone can respond to it",
    Status.ALLOCATED: "an allocated referral next needs its first response (or a cancellation)",
    Status.RESPONDED: "after the first response the referral goes into service or is closed",
    Status.IN_SERVICE: "a referral in service can only be closed with an outcome",
    Status.CLOSED: "a closed referral is finished",
    Status.REDIRECTED: "a redirected call went to another service and is finished",
    Status.CANCELLED: "a cancelled referral is finished",
}


class TransitionError(Refused):
    """A move the lifecycle does not allow; the message says which and why."""

    def __init__(self, current: Status, target: Status, why: str) -> None:
        super().__init__(f"Cannot move a referral from {label(current)} to {label(target)}: {why}.")
        self.current = current
        self.target = target


def can_transition(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


def transition(current: Status, target: Status, *, reason: str | None = None) -> Status:
    """Check a move and return the new status.

    Cancelling and redirecting need a reason; the caller supplies the outcome for a close.

    Raises:
        TransitionError: the move is not in the table, or a reason it needs is missing.
    """
    if target not in TRANSITIONS[current]:
        raise TransitionError(current, target, _WHY_NOT[current])
    if target in (Status.CANCELLED, Status.REDIRECTED) and not (reason and reason.strip()):
        raise TransitionError(current, target, f"say why it is {label(target)}")
    return target


class LeadChangeError(Refused):
    """A lead change that cannot be made; the message says why."""


@dataclass(frozen=True, slots=True)
class LeadChange:
    """The lead passing to another profession during the episode (reference 001:547)."""

    before: Lead
    after: Lead
    reason: str


LEAD_CHANGE_STATUSES: frozenset[Status] = OPEN_STATUSES
"""The lead can pass from recorded onwards, while the desk still holds the referral
(trial problem 26: only in service before)."""


def change_lead(status: Status, current: Lead | None, new: Lead, reason: str) -> LeadChange:
    """A lead change while the referral is open: an event on the same referral, never a new one.

    Raises:
        LeadChangeError: not open, the same lead, or no reason given.
    """
    if status not in LEAD_CHANGE_STATUSES:
        raise LeadChangeError(
            f"The lead can change only while the referral is open; it is {label(status)}."
        )
    if current is None:
        raise LeadChangeError("The referral has no lead to change yet.")
    if new is current:
        raise LeadChangeError(f"{label(new)} already leads.")
    if not reason.strip():
        raise LeadChangeError("A lead change needs a reason.")
    return LeadChange(before=current, after=new, reason=reason.strip())
