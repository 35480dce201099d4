"""UK local time: the desk thinks in Europe/London, stores and adds time in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utc_now() -> datetime:
    """The desk's clock: now, aware, in UTC (tests hand in a frozen one instead)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC copy; a naive time is read as UK local time (the desk's wall clock)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    return moment.astimezone(UTC)


def as_local(moment: datetime) -> datetime:
    """The same instant on the UK wall clock (GMT or BST as the date says)."""
    return as_utc(moment).astimezone(LONDON)


def parse_local(text: str) -> datetime:
    """An ISO time as typed or filed: with an offset it is exact, without one it is UK local.

    Raises:
        ValueError: when the text is not an ISO 8601 date and time.
    """
    moment = datetime.fromisoformat(text)
    try:
        return as_local(moment)
    except OverflowError:  # year 1 or 9999 moved across an offset
        raise ValueError(f"out of range: {text!r}") from None


def short_local(moment: datetime) -> str:
    """`Mon 02 Mar 17:05`: how a due time reads on the desk."""
    return as_local(moment).strftime("%a %d %b %H:%M")


def dated_local(moment: datetime) -> str:
    """`Thu 3 Dec 14:05`: a time on paper, with its date, so one days old cannot be misread."""
    local = as_local(moment)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def long_local(moment: datetime) -> str:
    """`Thu 3 Dec 2026 14:05`: when a pack or a copy was written, year and all."""
    local = as_local(moment)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


def uk_days(first: date, last: date) -> tuple[datetime, datetime]:
    """The instants (UTC) bounding UK local days `first` to `last` inclusive: from `first` 00:00
    UK time up to, not including, 00:00 UK time on the day after `last` (GMT or BST as each date
    says; the clocks never change at midnight in the UK).

    Raises:
        OverflowError: `last` is the last date Python can hold.
    """
    start = datetime.combine(first, time(0), tzinfo=LONDON)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=LONDON)
    return start.astimezone(UTC), end.astimezone(UTC)


def iso_or_none(moment: datetime | None) -> str | None:
    """A time as the audit trail and the stored files keep it (ISO with its offset), or None."""
    return moment.isoformat() if moment is not None else None
