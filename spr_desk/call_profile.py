"""The desk's own calls as a profile by UK weekday and hour, and the handlers each hour needs
beside the handlers on the rota (issue 19 point 5). Pure: the database hands in the calls and
the shifts; `rota check` and the supervisor's panel print what this returns.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from textwrap import wrap

from spr_desk.erlang import answered_within, handlers_needed
from spr_desk.reference_data import CALL_HANDLERS_TEAM
from spr_desk.uktime import as_local, as_utc, long_local, uk_days

WINDOW = timedelta(weeks=8)
"""How far back the profile reads the desk's calls."""
DEFAULT_HANDLING_SECONDS = 600.0
"""Ten minutes a call, used (and said) when no call in the window has both its times."""
HOURLY_HANDLING_MIN_CALLS = 5
"""An hour's own mean handling time is used once it has this many timed calls; below that one
or two long calls would set it, so the window's mean stands in."""
MAX_HANDLING_SECONDS = 3600.0
"""A call timed at more than an hour was a draft resumed later, not an hour on the phone: its
time is left out of the means (the call itself still counts)."""
ROTA_DAYS = 7
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class TakenCall:
    """One live call as the profile reads it."""

    received_at: datetime
    handling_seconds: float | None
    """From the call's start to its end; None when the desk has not both."""


@dataclass(frozen=True, slots=True)
class HourProfile:
    """The calls of one UK weekday and hour over the window."""

    weekday: int
    """0 Monday to 6 Sunday."""
    hour: int
    calls: int
    hours_seen: int
    """How many such weekday-hours the window holds (about 8 over 8 weeks)."""
    handling_seconds: float
    """Mean handling time used for this hour (its own, or the window's: see
    `HOURLY_HANDLING_MIN_CALLS`)."""

    @property
    def calls_per_hour(self) -> float:
        return self.calls / self.hours_seen if self.hours_seen else 0.0


@dataclass(frozen=True, slots=True)
class CallProfile:
    """What the profile came from, and the 168 weekday-hours (Monday 00:00 first)."""

    window_start: datetime
    window_end: datetime
    calls: int
    timed_calls: int
    """Calls with both their start and end times: the handling times came from these."""
    handling_seconds: float
    """The window's mean handling time (`DEFAULT_HANDLING_SECONDS` when `timed_calls` is 0)."""
    hours: tuple[HourProfile, ...]

    @property
    def handling_is_default(self) -> bool:
        return self.timed_calls == 0

    def hour(self, weekday: int, hour: int) -> HourProfile:
        return self.hours[weekday * 24 + hour]


def call_profile(
    calls: Iterable[TakenCall],
    *,
    now: datetime,
    window: timedelta = WINDOW,
    default_handling_seconds: float = DEFAULT_HANDLING_SECONDS,
    first_call: datetime | None = None,
) -> CallProfile:
    """The profile of the calls received in the `window` of whole hours before `now`.

    A desk with less history than the window is not diluted by weeks it never worked: the
    window then starts at UK midnight of the day of its first call ever (`first_call`; by
    default the earliest of `calls`), never at a quiet night inside a desk's full history.
    """
    end = _hour_floor(now)
    start = end - window
    calls = list(calls)
    kept = [c for c in calls if start <= as_utc(c.received_at) < end]
    if first_call is None and calls:
        first_call = min(as_utc(c.received_at) for c in calls)
    if first_call is not None and as_utc(first_call) > start:
        first_day = as_local(first_call).date()
        start = max(start, uk_days(first_day, first_day)[0])
    hours_seen = _weekday_hours(start, end)
    counts: Counter[tuple[int, int]] = Counter()
    timed: defaultdict[tuple[int, int], list[float]] = defaultdict(list)
    for taken in kept:
        key = _weekday_hour(taken.received_at)
        counts[key] += 1
        seconds = taken.handling_seconds
        if seconds is not None and 0 <= seconds <= MAX_HANDLING_SECONDS:
            timed[key].append(seconds)
    all_timed = [seconds for times in timed.values() for seconds in times]
    overall = sum(all_timed) / len(all_timed) if all_timed else default_handling_seconds
    hours = []
    for weekday in range(7):
        for hour in range(24):
            own = timed.get((weekday, hour), [])
            handling = sum(own) / len(own) if len(own) >= HOURLY_HANDLING_MIN_CALLS else overall
            seen = hours_seen[(weekday, hour)]
            hours.append(HourProfile(weekday, hour, counts[(weekday, hour)], seen, handling))
    return CallProfile(start, end, len(kept), len(all_timed), overall, tuple(hours))


@dataclass(frozen=True, slots=True)
class StaffingRow:
    """One hour of the rota week: the calls expected, the handlers needed and on the rota."""

    starts_at: datetime
    """The hour's start (UTC)."""
    weekday: int
    hour: int
    calls_per_hour: float
    handling_seconds: float
    needed: int
    on_rota: int
    answered_in_time: float
    """The share answered within the target time with the handlers on the rota."""

    @property
    def short(self) -> bool:
        return self.on_rota < self.needed


@dataclass(frozen=True, slots=True)
class StaffingTable:
    """The handlers each hour of the rota week needs, beside those on the rota."""

    profile: CallProfile
    target: float
    within_seconds: int
    floor: int
    rota_start: datetime
    rota_end: datetime
    rows: tuple[StaffingRow, ...]
    rota_repeated: tuple[date, ...] = ()
    """Days of the rota week with no call handler's shift entered yet: their shifts are those of
    the same day a week before (the week's shape), and the table says so."""

    def for_weekday(self, weekday: int) -> tuple[StaffingRow, ...]:
        return tuple(row for row in self.rows if row.weekday == weekday)


def staffing_table(
    profile: CallProfile,
    shifts: Sequence[tuple[datetime, datetime]],
    *,
    first_day: date,
    target: float = 0.95,
    within_seconds: int = 60,
    floor: int = 1,
) -> StaffingTable:
    """Each hour of the `ROTA_DAYS` UK days from `first_day`: the profile's calls for its
    weekday and hour, the handlers Erlang C says it needs (never fewer than `floor`, the
    minimum cover) and the handlers on the rota for the whole hour (`shifts`, UTC start and
    end; half an hour of cover is not an hour's).

    Raises:
        ValueError: a target outside (0, 1), a negative answer time or floor.
    """
    if within_seconds < 0:
        raise ValueError(f"the answer time must not be negative (not {within_seconds})")
    start, end = uk_days(first_day, first_day + timedelta(days=ROTA_DAYS - 1))
    spans, repeated = rota_week(shifts, first_day)
    rows = []
    moment = start
    while moment < end:
        weekday, hour = _weekday_hour(moment)
        expected = profile.hour(weekday, hour)
        rate, handling = expected.calls_per_hour, expected.handling_seconds
        needed = handlers_needed(
            rate, handling, target=target, within_seconds=within_seconds, floor=floor
        )
        on = sum(1 for s, e in spans if s <= moment and moment + HOUR <= e)
        in_time = answered_within(rate, handling, on, within_seconds)
        rows.append(StaffingRow(moment, weekday, hour, rate, handling, needed, on, in_time))
        moment += HOUR
    return StaffingTable(profile, target, within_seconds, floor, start, end, tuple(rows), repeated)


def rota_week(
    shifts: Sequence[tuple[datetime, datetime]], first_day: date
) -> tuple[list[tuple[datetime, datetime]], tuple[date, ...]]:
    """The shifts that cover the `ROTA_DAYS` from `first_day`, and the days among them with no
    shift entered yet, each given the shifts that started on the same day a week before.

    A rota is entered a few days ahead; a day not entered is read as the week's shape rather
    than as nobody on, and named, so nobody takes it for the rota itself.
    """
    spans = [(as_utc(s), as_utc(e)) for s, e in shifts]
    by_day: defaultdict[date, list[tuple[datetime, datetime]]] = defaultdict(list)
    for span in spans:
        by_day[as_local(span[0]).date()].append(span)
    repeated: list[date] = []
    for offset in range(ROTA_DAYS):
        day = first_day + timedelta(days=offset)
        week_before = by_day.get(day - timedelta(days=ROTA_DAYS), [])
        if day in by_day or not week_before:
            continue
        repeated.append(day)
        spans.extend((_week_later(s), _week_later(e)) for s, e in week_before)
    return spans, tuple(repeated)


def staffing_lines(table: StaffingTable, *, weekday: int | None = None) -> list[str]:
    """The table as `rota check` prints it, in 80 columns: what it came from, then one line an
    hour (of `weekday` only, when given), then how many hours are short."""
    rows = table.rows if weekday is None else table.for_weekday(weekday)
    lines = [*source_lines(table), "", table_heading(table)]
    for row in rows:
        if lines[-1] and row.hour == 0 and row is not rows[0]:
            lines.append("")
        lines.append(row_line(row))
    short = sum(1 for row in rows if row.short)
    lines += ["", f"SHORT in {short} of {len(rows)} hours." if short else "No hour is short."]
    return lines


def source_lines(table: StaffingTable) -> list[str]:
    """What the table asks, and the calls and the rota it came from, wrapped at 80 columns."""
    profile = table.profile
    days = (profile.window_end - profile.window_start) / timedelta(days=1)
    minutes = profile.handling_seconds / 60
    handling = (
        f"no call has both its start and end, so {minutes:g} minutes a call is assumed"
        if profile.handling_is_default
        else f"handling time from the {profile.timed_calls} with a start and an end "
        f"(mean {minutes:.1f} minutes)"
    )
    source = (
        f"From {profile.calls} live calls received {long_local(profile.window_start)} to "
        f"{long_local(profile.window_end)} (UK time, {days:.1f} days; not paper sheets, 999 "
        f"referrals or imports); {handling}."
    )
    last_day = as_local(table.rota_end - timedelta(hours=12)).date()
    rota = (
        f"On the rota: {CALL_HANDLERS_TEAM}, {as_local(table.rota_start):%a %d %b} to "
        f"{last_day:%a %d %b}, counted for the hours they are on the whole hour."
    )
    if table.rota_repeated:
        named = ", ".join(f"{day:%a %d %b}" for day in table.rota_repeated)
        rota += f" Not entered yet, so read as the week before: {named}."
    asks = (
        f"Call handlers needed for {table.target * 100:g}% of calls answered within "
        f"{table.within_seconds} s (Erlang C), never fewer than {table.floor}."
    )
    return [line for text in (asks, source, rota) for line in wrap(text, 80)]


def table_heading(table: StaffingTable) -> str:
    within = f"In {table.within_seconds} s"
    return (
        f"{'Day':<10}  {'Hour':<5}  {'Calls/h':>7}  {'AHT min':>7}  {'Needed':>6}  "
        f"{'On rota':>7}  {within:>9}"
    )


def row_line(row: StaffingRow) -> str:
    """One hour: when, calls an hour, mean handling minutes, needed, on the rota, the share
    answered in time with those on the rota, and SHORT when they are fewer than needed."""
    local = as_local(row.starts_at)
    line = (
        f"{WEEKDAYS[row.weekday]} {local:%d %b}  {local:%H:%M}  {row.calls_per_hour:7.2f}  "
        f"{row.handling_seconds / 60:7.1f}  {row.needed:6d}  {row.on_rota:7d}  "
        f"{row.answered_in_time:9.1%}"
    )
    return line + "  SHORT" if row.short else line


def _week_later(moment: datetime) -> datetime:
    # The same wall-clock time a week on, so a shift keeps its hours across a clock change.
    return as_utc(as_local(moment) + timedelta(days=ROTA_DAYS))


def _hour_floor(moment: datetime) -> datetime:
    # UK offsets are whole hours, so a whole UTC hour is a whole UK hour.
    return as_utc(moment).replace(minute=0, second=0, microsecond=0)


def _weekday_hour(moment: datetime) -> tuple[int, int]:
    local = as_local(moment)
    return local.weekday(), local.hour


def _weekday_hours(start: datetime, end: datetime) -> Counter[tuple[int, int]]:
    """How often each UK weekday-hour occurs in [start, end): a repeated autumn hour twice, the
    spring hour skipped not at all."""
    seen: Counter[tuple[int, int]] = Counter()
    moment = start.astimezone(UTC)
    while moment < end:
        seen[_weekday_hour(moment)] += 1
        moment += HOUR
    return seen
