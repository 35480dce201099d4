"""The desk's replies to a 999 service: what kinds there are, the states an outbox entry goes
through, and how long to wait before trying a delivery again."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class ReplyKind(StrEnum):
    ACCEPT = "accept"
    """Interim Response, Encounter in-progress: a clinician accepted the case."""
    REJECT = "reject"
    """Interim Response, Encounter cancelled, with a `rejected-reasons-bars` code."""
    FINAL = "final"
    """The Validation Response with the outcome, when the referral closes."""


class ReplyState(StrEnum):
    QUEUED = "queued"
    """Waiting to be delivered (or to be tried again after a failure it may recover from)."""
    SENT = "sent"
    FAILED = "failed"
    """The receiver refused it (a 4xx): trying again would be refused again; a person looks."""


REPLY_WORDS: dict[ReplyKind, str] = {
    ReplyKind.ACCEPT: "accepted",
    ReplyKind.REJECT: "sent back",
    ReplyKind.FINAL: "final outcome",
}

RETRY_AFTER: tuple[timedelta, ...] = (
    timedelta(seconds=2),
    timedelta(seconds=10),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=5),
)
"""Wait after the 1st, 2nd, ... failed delivery; the last repeats. Never given up on: a 2-hour
referral's answer that stops being tried is an answer the sender never gets."""

REFUSED_FOR_GOOD = frozenset(range(400, 500)) - {408, 409, 425, 429}
"""Answers after which the same message would be refused again (409: the receiver already has
it, which is delivery)."""


def next_try(failures: int, now: datetime) -> datetime:
    """When to try again after `failures` failed deliveries (1 or more)."""
    return now + RETRY_AFTER[min(failures, len(RETRY_AFTER)) - 1]


def delivered(status: int) -> bool:
    """The receiver has the message: 2xx, or 409 (it had it already: a retry of ours)."""
    return 200 <= status < 300 or status == 409
