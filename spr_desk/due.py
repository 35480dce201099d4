"""Due times: elapsed hours from the moment the call was received, and the time left."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from spr_desk.uktime import as_local, as_utc
from spr_desk.vocabulary import Response

DUE_HOURS: dict[Response, int] = {Response.RAPID: 3, Response.FAST: 24, Response.NORMAL: 72}
"""Rapid <3 h, Fast <1 day, Normal <3 days (reference 001:432-438)."""

DUE_SOON = timedelta(hours=1)
"""How close to its due time a referral must be to show as due soon."""


class DueState(StrEnum):
    DUE = "due"
    DUE_SOON = "due_soon"
    BREACHED = "breached"


STATE_WORDS: dict[DueState, str] = {
    DueState.DUE: "due",
    DueState.DUE_SOON: "DUE SOON",
    DueState.BREACHED: "BREACHED",
}
"""The countdown's state in words, so it reads without colour (the board, the handover)."""


def due_at(
    received: datetime, response: Response, hours: dict[Response, int] = DUE_HOURS
) -> datetime:
    """When the first response must happen, on the UK wall clock.

    Elapsed time, not wall-clock time: the sum is done in UTC, so a Fast referral taken at
    12:00 on the Saturday before the clocks go forward is due at 13:00 local on the Sunday.
    """
    return as_local(as_utc(received) + timedelta(hours=hours[response]))


def time_left(now: datetime, due: datetime) -> timedelta:
    """Time until the due time; negative once it has passed."""
    return as_utc(due) - as_utc(now)


def is_breached(now: datetime, due: datetime) -> bool:
    """A referral breaches once its due time has passed without a first response."""
    return time_left(now, due) < timedelta(0)


def due_state(now: datetime, due: datetime, soon: timedelta = DUE_SOON) -> DueState:
    """Due, due soon, or breached: the state a countdown shows in words as well as colour."""
    left = time_left(now, due)
    if left < timedelta(0):
        return DueState.BREACHED
    if left <= soon:
        return DueState.DUE_SOON
    return DueState.DUE


def format_time_left(left: timedelta) -> str:
    """`2h 05m`, `3d 04h`, or `-0h 12m` once breached: compact enough for a queue column."""
    sign = "-" if left < timedelta(0) else ""
    minutes = int(abs(left).total_seconds()) // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{sign}{days}d {hours:02d}h"
    return f"{sign}{hours}h {minutes:02d}m"
