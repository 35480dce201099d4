"""The supervisor's charts as data: each series a chart draws, from plain referral rows.

Pure: `db.figures` reads `FigureRow`s (referrals received since `window_start`, plus every open
one) and `chart_series` turns them into a `ChartSeries` at `now`. Days, hours and weeks are UK
local time; a week is an ISO week (Monday to Sunday), named by its Monday.

Scope of each series:
- by hour of day, by weekday, met in time, breaches and overrides: referrals received in the
  last `weeks` ISO weeks, this week (to now) included, from 00:00 on that first Monday;
- by day: the last 28 UK days, today included;
- met in time: of a week's referrals at one response that have had their first response, the
  share in time; a week with none responded at that response has no point (None), never 0%;
- breaches: a first response that missed its due time, or still awaited past its due time now
  (as the supervisor view counts them), in the week the referral was received;
- open queue by lead and by locality: every open referral, however old.

`series_text` gives every number as plain lines: the charts' text toggle, readable without colour.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from spr_desk.lifecycle import OPEN_STATUSES
from spr_desk.supervision import RESPONSES, is_late, largest_first
from spr_desk.uktime import as_local, as_utc, uk_days
from spr_desk.vocabulary import Lead, Response, label

DEFAULT_WEEKS = 8
DAYS = 28
"""The by-day chart's days: four weeks, today included."""
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NO_LEAD = "No lead yet"
NO_LOCALITY = "No locality"
NO_POINT = "-"
"""How a point with nothing to divide by reads (a share with no responded referral)."""
_OPEN = frozenset(status.value for status in OPEN_STATUSES)


@dataclass(frozen=True, slots=True)
class FigureRow:
    """One referral as the charts read it: plain values, no patient details."""

    received_at: datetime
    status: str
    response: str | None = None
    lead: str | None = None
    locality: str | None = None
    due_at: datetime | None = None
    responded_at: datetime | None = None
    response_met: bool | None = None
    override: bool = False
    """The agreed response or lead differs from the recommendation, or a reason was given."""


@dataclass(frozen=True, slots=True)
class Series:
    """One named line or set of bars: a value per label of its panel (None: no point)."""

    name: str
    values: tuple[float | None, ...]
    notes: tuple[str, ...] = ()
    """Words beside each value in the text (`4 of 5`), or empty."""


@dataclass(frozen=True, slots=True)
class Panel:
    """One chart's data: what it shows, its labels along the axis, and its series."""

    title: str
    axis: str
    """What the labels are, in words (`Hour of day (UK time)`)."""
    unit: str
    """What the values count (`referrals`, `% in time`)."""
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    percent: bool = False
    """Values are percentages (0 to 100): shown rounded, with `%`."""


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """Every series of the supervisor's charts at `now`."""

    now: datetime
    weeks: int
    by_hour: Panel
    by_weekday: Panel
    by_day: Panel
    met_by_week: Panel
    breaches_and_overrides: Panel
    open_by_lead: Panel
    open_by_locality: Panel

    @property
    def panels(self) -> tuple[Panel, ...]:
        return (
            self.by_hour,
            self.by_weekday,
            self.by_day,
            self.met_by_week,
            self.breaches_and_overrides,
            self.open_by_lead,
            self.open_by_locality,
        )


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def window_start(now: datetime, weeks: int = DEFAULT_WEEKS) -> datetime:
    """00:00 UK on the Monday `weeks - 1` ISO weeks before this one."""
    first = week_monday(as_local(now).date()) - timedelta(weeks=weeks - 1)
    start, _ = uk_days(first, first)
    return start


def read_since(now: datetime, weeks: int = DEFAULT_WEEKS) -> datetime:
    """The earliest received time any series reads: the weeks' start or the 28 days', earlier."""
    days_start, _ = uk_days(as_local(now).date() - timedelta(days=DAYS - 1), as_local(now).date())
    return min(window_start(now, weeks), days_start)


def _day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _week_label(monday: date) -> str:
    return f"{monday.day} {monday:%b}"


def chart_series(
    rows: Iterable[FigureRow], now: datetime, weeks: int = DEFAULT_WEEKS
) -> ChartSeries:
    """Every chart's series at `now` over the last `weeks` ISO weeks (this one included).

    Raises:
        ValueError: `weeks` below 1.
    """
    if weeks < 1:
        raise ValueError(f"weeks must be 1 or more, not {weeks}")
    today = as_local(now).date()
    start = window_start(now, weeks)
    mondays = [week_monday(today) - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    week_index = {monday: index for index, monday in enumerate(mondays)}
    days = [today - timedelta(days=back) for back in range(DAYS - 1, -1, -1)]
    day_index = {day: index for index, day in enumerate(days)}
    by_hour = [0] * 24
    by_weekday = [0] * 7
    by_day = [0] * DAYS
    breaches = [0] * weeks
    overrides = [0] * weeks
    met: Counter[tuple[str, int]] = Counter()
    responded: Counter[tuple[str, int]] = Counter()
    by_lead: Counter[str] = Counter()
    by_locality: Counter[str] = Counter()
    for row in rows:
        if row.status in _OPEN:
            by_lead[row.lead or ""] += 1
            by_locality[row.locality or NO_LOCALITY] += 1
        received = as_utc(row.received_at)
        if received > as_utc(now):
            continue  # a clock moved back in a test: not yet received
        local = as_local(received)
        if local.date() in day_index:
            by_day[day_index[local.date()]] += 1
        if received < start:
            continue
        week = week_index[week_monday(local.date())]
        by_hour[local.hour] += 1
        by_weekday[local.weekday()] += 1
        breaches[week] += int(is_late(row.response_met, row.status, row.due_at, now))
        overrides[week] += int(row.override)
        if row.response is not None and row.response_met is not None:
            responded[(row.response, week)] += 1
            met[(row.response, week)] += int(row.response_met)
    week_labels = tuple(_week_label(monday) for monday in mondays)
    return ChartSeries(
        now=now,
        weeks=weeks,
        by_hour=_counts(
            f"Referrals by hour of day, last {weeks} weeks",
            "Hour of day (UK time)",
            tuple(f"{hour:02d}" for hour in range(24)),
            by_hour,
        ),
        by_weekday=_counts(
            f"Referrals by weekday, last {weeks} weeks", "Day of the week", WEEKDAYS, by_weekday
        ),
        by_day=_counts(
            f"Referrals by day, last {DAYS} days",
            "Day (UK)",
            tuple(_day_label(day) for day in days),
            by_day,
        ),
        met_by_week=Panel(
            title="Responded in time, by week",
            axis="Week beginning (Monday)",
            unit="% in time",
            labels=week_labels,
            series=tuple(_met_series(response, met, responded, weeks) for response in RESPONSES),
            percent=True,
        ),
        breaches_and_overrides=Panel(
            title="Breaches and overrides, by week",
            axis="Week beginning (Monday)",
            unit="referrals",
            labels=week_labels,
            series=(
                Series("Breaches", tuple(float(n) for n in breaches)),
                Series("Overrides", tuple(float(n) for n in overrides)),
            ),
        ),
        open_by_lead=_counts(
            "Open now, by lead", "Lead", *_by_lead(by_lead), name="Open referrals"
        ),
        open_by_locality=_counts(
            "Open now, by locality", "Locality", *_largest_first(by_locality), name="Open referrals"
        ),
    )


def _counts(
    title: str,
    axis: str,
    labels: tuple[str, ...],
    counts: list[int] | tuple[int, ...],
    name: str = "Referrals",
) -> Panel:
    return Panel(title, axis, "referrals", labels, (Series(name, tuple(float(n) for n in counts)),))


def _met_series(
    response: Response,
    met: Counter[tuple[str, int]],
    responded: Counter[tuple[str, int]],
    weeks: int,
) -> Series:
    values: list[float | None] = []
    notes: list[str] = []
    for week in range(weeks):
        done = responded[(response.value, week)]
        in_time = met[(response.value, week)]
        values.append(100 * in_time / done if done else None)
        notes.append(f"{in_time} of {done}" if done else "none responded")
    return Series(label(response), tuple(values), tuple(notes))


def _by_lead(counter: Counter[str]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Every lead in the matrix's order (none open reads 0), then any with no lead yet."""
    keys: list[str] = [lead.value for lead in Lead]
    keys += sorted(key for key in counter if key and key not in keys)
    if counter[""]:
        keys.append("")
    return tuple(_lead_words(key) for key in keys), tuple(counter[key] for key in keys)


def _lead_words(value: str) -> str:
    if not value:
        return NO_LEAD
    try:
        return label(Lead(value))
    except ValueError:
        return value  # an old row's lead, no longer in the vocabulary: shown as it is


def _largest_first(counter: Counter[str]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    ordered = largest_first(counter)
    return tuple(name for name, _ in ordered), tuple(count for _, count in ordered)


# as text ----------------------------------------------------------------------------------------


def value_words(panel: Panel, value: float | None) -> str:
    """`12`, `83%`, or `-` for no point."""
    if value is None:
        return NO_POINT
    # Halves up, as a reader rounds (5 of 8 is 63%), not Python's halves to even.
    shown = math.floor(value + 0.5)
    return f"{shown}%" if panel.percent else str(shown)


def panel_text(panel: Panel) -> list[str]:
    """One panel's numbers as plain lines: its title, then one line per label with every
    series' value (and its note, as `83% (5 of 6)`)."""
    lines = [f"{panel.title} ({panel.unit})"]
    if not panel.labels:
        return [*lines, "  None."]
    width = max(len(text) for text in panel.labels)
    for index, text in enumerate(panel.labels):
        cells = []
        for series in panel.series:
            cell = value_words(panel, series.values[index])
            if series.notes:
                cell = f"{cell} ({series.notes[index]})"
            cells.append(cell if len(panel.series) == 1 else f"{series.name} {cell}")
        lines.append(f"  {text.ljust(width)}  " + " · ".join(cells))
    return lines


def series_text(panels: Iterable[Panel]) -> list[str]:
    """Each panel's lines, a blank line between panels."""
    lines: list[str] = []
    for panel in panels:
        if lines:
            lines.append("")
        lines.extend(panel_text(panel))
    return lines
