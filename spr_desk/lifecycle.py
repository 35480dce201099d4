"""The referral lifecycle as a transition table, and the lead change that is not a new referral."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from spr_desk.audit_actions import status_action
from spr_desk.due import is_breached
from spr_desk.refusal import Refused
from spr_desk.vocabulary import CloseOutcome, Lead, Status, label

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.RECORDED, Status.REDIRECTED, Status.CANCELLED}),
    # A 999 referral is recorded when the desk has triaged it; the sender may cancel it, and
    # the desk may send it back (a BaRS rejection: redirected).
    Status.RECEIVED: frozenset({Status.RECORDED, Status.REDIRECTED, Status.CANCELLED}),
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
    {Status.RECEIVED, Status.RECORDED, Status.ALLOCATED, Status.RESPONDED, Status.IN_SERVICE}
)
"""Referrals the desk is still responsible for: they are in the queue and in the handover."""

AWAITING_RESPONSE: frozenset[Status] = frozenset(
    {Status.RECEIVED, Status.RECORDED, Status.ALLOCATED}
)
"""Referrals whose due time can still be breached (the first response has not happened)."""

_WHY_NOT: dict[Status, str] = {
    Status.DRAFT: "a draft can only be recorded, redirected or discarded",
    Status.RECEIVED: "a referral sent by 999 is first triaged at the desk (t), sent back, or "
    "cancelled",
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


def why_not(current: Status, target: Status) -> str | None:
    """None when the table allows the move; otherwise the sentence `transition` refuses it with
    (a reason the move needs is asked for later, with the move)."""
    if target in TRANSITIONS[current]:
        return None
    return str(TransitionError(current, target, _WHY_NOT[current]))


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


class MoveError(Refused):
    """A move the table allows, missing a detail it needs; the message says which."""


@dataclass(frozen=True, slots=True)
class Change:
    """What a lifecycle move does to a referral: the new status and the milestone it stores,
    and the audit event that records it. Only the fields the move sets are in `row_values`."""

    status: Status
    status_reason: str
    action: str
    """The audit event's action (`status_action` of the new status)."""
    detail: str
    """The audit event's detail: the reason given, if any."""
    allocated_at: datetime | None = None
    team: str | None = None
    """Allocated to this team (by name), or to `staff_id`, whose team it then is."""
    staff_id: int | None = None
    responded_at: datetime | None = None
    responded_by: str | None = None
    response_met: bool | None = None
    breach_reason: str | None = None
    service_started_at: datetime | None = None
    closed_at: datetime | None = None
    close_outcome: CloseOutcome | None = None
    gp_updated: bool | None = None

    def row_values(self) -> dict[str, Any]:
        """The referral's stored fields this move sets, by name, as stored (the allocation's
        team and professional are looked up by the storage, from `team` and `staff_id`)."""
        values: dict[str, Any] = {}
        if self.status is Status.ALLOCATED:
            values["allocated_at"] = self.allocated_at
        elif self.status is Status.RESPONDED:
            values.update(
                responded_at=self.responded_at,
                responded_by=self.responded_by,
                response_met=self.response_met,
            )
            if self.breach_reason is not None:
                values["breach_reason"] = self.breach_reason
        elif self.status is Status.IN_SERVICE:
            values["service_started_at"] = self.service_started_at
        elif self.status is Status.CLOSED:
            assert self.close_outcome is not None
            values.update(
                close_outcome=self.close_outcome.value,
                closed_at=self.closed_at,
                gp_updated=self.gp_updated,
            )
        values.update(status=self.status.value, status_reason=self.status_reason)
        return values


def apply(
    current: Status,
    target: Status,
    *,
    when: datetime,
    due_at: datetime | None = None,
    reason: str = "",
    team: str | None = None,
    staff_id: int | None = None,
    outcome: CloseOutcome | None = None,
    gp_updated: bool | None = None,
    responded_by: str | None = None,
) -> Change:
    """What moving a referral from `current` to `target` at `when` does (`due_at` is its due
    time): checked by `transition`, with the details the move needs.

    Raises:
        TransitionError: the move is not allowed, or a reason it needs is missing.
        MoveError: an allocation to nobody, or a close without an outcome.
    """
    transition(current, target, reason=reason or None)
    if current is Status.RECEIVED and target is Status.RECORDED:  # recorded by its triage
        raise MoveError("Triage it (t) to record it: the matrix decides its response and lead.")
    reason = reason.strip()
    base = Change(target, reason, status_action(target), reason)
    if target is Status.ALLOCATED:
        if staff_id is None and not team:
            raise MoveError("Allocate to a team or a named professional.")
        return replace(
            base,
            allocated_at=when,
            team=None if staff_id is not None else team,
            staff_id=staff_id,
        )
    if target is Status.RESPONDED:
        met = due_at is None or not is_breached(when, due_at)
        return replace(
            base,
            responded_at=when,
            responded_by=(responded_by or "").strip() or None,
            response_met=met,
            breach_reason=reason if not met and reason else None,
        )
    if target is Status.IN_SERVICE:
        return replace(base, service_started_at=when)
    if target is Status.CLOSED:
        if outcome is None:
            raise MoveError("Close with an outcome.")
        return replace(base, closed_at=when, close_outcome=outcome, gp_updated=bool(gp_updated))
    return base


class LeadChangeError(Refused):
    """A lead change that cannot be made; the message says why."""


@dataclass(frozen=True, slots=True)
class LeadChange:
    """The lead passing to another profession during the episode (reference 001:547)."""

    before: Lead
    after: Lead
    reason: str


LEAD_CHANGE_STATUSES: frozenset[Status] = OPEN_STATUSES - {Status.RECEIVED}
"""The lead can pass from recorded onwards, while the desk still holds the referral
(trial problem 26: only in service before); a referral sent by 999 has none until triaged."""


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
