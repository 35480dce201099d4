"""Who holds the desk: the SPR day desk, or the ACHT night team, and when it changes hands.

The source gives the 21:00-07:30 response to the ACHT Night Teams (reference 001:464); our
default day desk is 07:30-21:00 (DESIGN.md "Shifts, availability and the handover"). Both
boundaries are configuration (`SPR_DESK_DAY_STARTS`, `SPR_DESK_NIGHT_STARTS`, as `HH:MM` UK
time). Boundaries are wall-clock times on UK days turned into UTC instants, so the night of a
clock change is an hour longer or shorter, as the people working it see it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from spr_desk.uktime import LONDON, as_local, as_utc

DAY_STARTS_ENV = "SPR_DESK_DAY_STARTS"
NIGHT_STARTS_ENV = "SPR_DESK_NIGHT_STARTS"


class Watch(StrEnum):
    """Who holds the desk."""

    DAY_DESK = "day_desk"
    NIGHT_TEAM = "night_team"


WATCH_WORDS: dict[Watch, str] = {Watch.DAY_DESK: "Day desk", Watch.NIGHT_TEAM: "Night team"}


class Direction(StrEnum):
    """Which way a handover pack goes."""

    TO_NIGHT = "to_night"
    """The evening handover: the day desk hands its open work to the night team."""
    TO_DAY = "to_day"
    """The morning hand-back: the night team hands it back to the day desk."""


DIRECTION_WORDS: dict[Direction, str] = {
    Direction.TO_NIGHT: "evening handover to the night team",
    Direction.TO_DAY: "morning hand-back to the day desk",
}


@dataclass(frozen=True, slots=True)
class DeskHours:
    """The two boundaries of the desk's day, as UK wall-clock times."""

    day_starts: time = time(7, 30)
    night_starts: time = time(21, 0)

    def __post_init__(self) -> None:
        if not self.day_starts < self.night_starts:
            raise ValueError("The day desk must start before the night team does.")


@dataclass(frozen=True, slots=True)
class Boundary:
    """A moment the desk changes hands (UTC), and the handover it calls for."""

    at: datetime
    direction: Direction

    @property
    def watch_after(self) -> Watch:
        return Watch.NIGHT_TEAM if self.direction is Direction.TO_NIGHT else Watch.DAY_DESK


_HHMM = re.compile(r"^(?P<h>[0-9]{1,2}):?(?P<m>[0-9]{2})$")


def parse_clock(text: str) -> time:
    """`07:30`, `7:30` or `0730`.

    Raises:
        ValueError: not a 24-hour time.
    """
    match = _HHMM.match(text.strip())
    if match is None or int(match["h"]) > 23 or int(match["m"]) > 59:
        raise ValueError(f"not a 24-hour time (HH:MM): {text!r}")
    return time(int(match["h"]), int(match["m"]))


def hours_from_env(environ: Mapping[str, str]) -> DeskHours:
    """The desk's hours from the environment, the defaults where unset.

    Raises:
        ValueError: a value is not HH:MM, or the day would not start before the night.
    """
    default = DeskHours()
    clocks = []
    for name, fallback in (
        (DAY_STARTS_ENV, default.day_starts),
        (NIGHT_STARTS_ENV, default.night_starts),
    ):
        text = environ.get(name)
        try:
            clocks.append(parse_clock(text) if text else fallback)
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from None
    try:
        return DeskHours(*clocks)
    except ValueError as error:
        raise ValueError(f"{DAY_STARTS_ENV}, {NIGHT_STARTS_ENV}: {error}") from None


def _on(day: date, clock: time) -> datetime:
    # fold=0: an ambiguous autumn wall time means its first occurrence.
    return as_utc(datetime.combine(day, clock, tzinfo=LONDON))


def boundaries_near(at: datetime, hours: DeskHours) -> list[Boundary]:
    """Every boundary from the UK day before `at` to the day after, in time order."""
    today = as_local(at).date()
    found = [
        Boundary(_on(day, clock), direction)
        for day in (today - timedelta(days=1), today, today + timedelta(days=1))
        for clock, direction in (
            (hours.day_starts, Direction.TO_DAY),
            (hours.night_starts, Direction.TO_NIGHT),
        )
    ]
    return sorted(found, key=lambda boundary: boundary.at)


def last_boundary(at: datetime, hours: DeskHours) -> Boundary:
    """The latest boundary at or before `at`: it says who holds the desk now."""
    return [b for b in boundaries_near(at, hours) if b.at <= as_utc(at)][-1]


def next_boundary(at: datetime, hours: DeskHours) -> Boundary:
    """The first boundary after `at`."""
    return next(b for b in boundaries_near(at, hours) if b.at > as_utc(at))


HANDOVER_WINDOW = timedelta(hours=1)
"""For this long after a boundary, a pack built is that boundary's (the handover is under
way); after it, a pack is for the coming boundary."""


def handover_boundary(at: datetime, hours: DeskHours) -> Boundary:
    """The boundary a pack built at `at` is for: the one just passed, within `HANDOVER_WINDOW`;
    otherwise the coming one."""
    passed = last_boundary(at, hours)
    return passed if as_utc(at) - passed.at < HANDOVER_WINDOW else next_boundary(at, hours)


def watch_at(at: datetime, hours: DeskHours) -> Watch:
    return last_boundary(at, hours).watch_after


def handover_words(at: datetime, hours: DeskHours) -> str:
    """`Day desk · night team in 6h 29m`: who holds the desk and when it passes on."""
    coming = next_boundary(at, hours)
    left = coming.at - as_utc(at)
    minutes = int(left.total_seconds() // 60)
    holder, taker = WATCH_WORDS[watch_at(at, hours)], WATCH_WORDS[coming.watch_after].lower()
    return f"{holder} · {taker} in {minutes // 60}h {minutes % 60:02d}m"
