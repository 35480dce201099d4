"""When a GP update is due: a set hour, UK local, on the next working day after the close.

A practice reads its messages in working hours, so an update closed on a Friday evening is not
late until Monday morning (or the Tuesday after a bank holiday Monday). Pure: no clock of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

from spr_desk.refusal import Refused
from spr_desk.uktime import LONDON, as_local

DEFAULT_DUE_HOUR = 8
"""08:00 UK local the next working day, unless `SPR_DESK_GP_UPDATE_DUE_HOUR` says otherwise."""

DUE_HOUR_ENV = "SPR_DESK_GP_UPDATE_DUE_HOUR"

ENGLAND_BANK_HOLIDAYS: frozenset[date] = frozenset(
    {
        # 2026 (gov.uk/bank-holidays, England and Wales)
        date(2026, 1, 1),
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day (substitute day)
        # 2027
        date(2027, 1, 1),
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 3),
        date(2027, 5, 31),
        date(2027, 8, 30),
        date(2027, 12, 27),  # Christmas Day (substitute day)
        date(2027, 12, 28),  # Boxing Day (substitute day)
        # 2028
        date(2028, 1, 3),  # New Year's Day (substitute day)
        date(2028, 4, 14),  # Good Friday
        date(2028, 4, 17),  # Easter Monday
        date(2028, 5, 1),
        date(2028, 5, 29),
        date(2028, 8, 28),
        date(2028, 12, 25),
        date(2028, 12, 26),
    }
)
"""England's bank holidays as published for 2026 to 2028. Outside those years only weekends
are skipped: a due time then falls on a holiday at worst, early rather than late."""


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not an England bank holiday."""
    return day.weekday() < 5 and day not in ENGLAND_BANK_HOLIDAYS


def update_due(closed_at: datetime, *, hour: int = DEFAULT_DUE_HOUR) -> datetime:
    """`hour`:00 UK local on the first working day after the UK local date of `closed_at`, as
    an aware UTC instant (GMT or BST as that day says).

    Args:
        closed_at: when the referral closed (aware, or naive UK local time).
        hour: 0 to 23.

    Raises:
        ValueError: `hour` outside 0 to 23.
    """
    day = as_local(closed_at).date() + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


def due_hour_from_env(environ: Mapping[str, str]) -> int:
    """`SPR_DESK_GP_UPDATE_DUE_HOUR`: the UK local hour (0 to 23) a GP update is due on the next
    working day; 8 when unset or empty.

    Raises:
        Refused: not a whole hour from 0 to 23 (the message names the setting).
    """
    text = environ.get(DUE_HOUR_ENV, "").strip()
    if not text:
        return DEFAULT_DUE_HOUR
    if not re.fullmatch(r"[0-9]{1,2}", text) or int(text) > 23:
        raise Refused(f"{DUE_HOUR_ENV} must be a whole hour from 0 to 23 (UK time), not {text!r}.")
    return int(text)


def is_overdue(due_at: datetime, acknowledged_at: datetime | None, now: datetime) -> bool:
    """Overdue from its due time on, until the practice acknowledges it (an acknowledgement
    stamped after `now` has not happened yet as far as `now` knows)."""
    acknowledged = acknowledged_at is not None and acknowledged_at <= now
    return not acknowledged and now >= due_at
