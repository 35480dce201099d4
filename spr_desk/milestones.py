"""A clinical milestone's given time, read as the handler types it, and the undo window.

A first response, an allocation, the start of service and a close each carry the time they
really happened, which the handler may edit; it is checked here, where a screen can say what is
wrong at the field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from spr_desk.refusal import Refused
from spr_desk.uktime import LONDON, as_local, as_utc

UNDO_WINDOW = timedelta(minutes=5)
"""How long after recording it the same person can undo a milestone (by the desk clock)."""

_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_DATE_TIME = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})\s*$")


class GivenTimeError(Refused):
    """A given time that cannot be taken; the message says why, for the field."""


def given_time_text(moment: datetime) -> str:
    """How the field shows a time: `DD/MM/YYYY HH:MM`, UK local."""
    return as_local(moment).strftime("%d/%m/%Y %H:%M")


def parse_given_time(text: str, *, now: datetime, received_at: datetime) -> datetime:
    """The UTC instant for `HH:MM` (today, UK local) or `DD/MM/YYYY HH:MM`.

    Raises:
        GivenTimeError: not a time, in the future, or before the referral was received.
    """
    return check_given_time(parse_local_time(text, now=now), now=now, received_at=received_at)


def parse_local_time(text: str, *, now: datetime) -> datetime:
    """The UTC instant for `HH:MM` (today, UK local) or `DD/MM/YYYY HH:MM`, unchecked.

    Raises:
        GivenTimeError: not a time, or not a real date and time.
    """
    today = as_local(now)
    if match := _TIME.match(text):
        hour, minute = int(match[1]), int(match[2])
        day, month, year = today.day, today.month, today.year
    elif match := _DATE_TIME.match(text):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        hour, minute = int(match[4]), int(match[5])
    else:
        raise GivenTimeError("Type the time as HH:MM, or DD/MM/YYYY HH:MM.")
    try:
        local = datetime(year, month, day, hour, minute, tzinfo=LONDON)
    except ValueError:
        raise GivenTimeError("That is not a real date and time.") from None
    return as_utc(local)


def check_given_time(moment: datetime, *, now: datetime, received_at: datetime) -> datetime:
    """`moment` in UTC, if it is neither in the future nor before the referral was received
    (typed to the minute, the minute of receipt counts, as the receipt time itself).

    Raises:
        GivenTimeError: in the future, or before the referral was received.
    """
    moment = as_utc(moment)
    if moment > as_utc(now):
        raise GivenTimeError(
            f"{given_time_text(moment)} is in the future: it cannot have happened yet."
        )
    if moment < as_utc(received_at).replace(second=0, microsecond=0):
        raise GivenTimeError(
            f"{given_time_text(moment)} is before the referral was received "
            f"({given_time_text(received_at)})."
        )
    return max(moment, as_utc(received_at))


@dataclass(frozen=True, slots=True)
class Recorded:
    """A milestone as the audit trail has it: who recorded it and when (the desk's clock)."""

    action: str
    by: str
    at: datetime


def why_no_undo(recorded: Recorded | None, *, by: str, now: datetime) -> str | None:
    """None when `by` may undo `recorded` now; otherwise the reason, in words."""
    if recorded is None:
        return "There is no milestone to undo."
    if recorded.by != by:
        return f"Only {recorded.by}, who recorded it, can undo it."
    if as_utc(now) - as_utc(recorded.at) > UNDO_WINDOW:
        return "It was recorded more than 5 minutes ago: it can no longer be undone."
    return None
