"""Who can be mobilised: the rota's shifts turned into the matrix's Y/N cells.

A cell (response, lead) is Y for a locality when someone whose role can lead that profession
(`LEAD_OF_ROLE`), in a team covering the locality (its own, or a countywide team), not at their
capacity of open allocations, is on shift for at least `MIN_ON_SHIFT` inside the response's
window from now (Rapid 3 h, Fast 1 day, Normal 3 days: the rules' due hours). So at 23:00 with
only the night team's nurses on, Rapid/Therapist is N and Fast/Therapist is Y if a therapist
starts in the morning. Shifts are UTC instants, so a night across a clock change is as long as
it really is. Pure: the database hands in the shifts, the board and the triage call read this.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from spr_desk.matrix import ALL_AVAILABLE, Availability, Cell
from spr_desk.reference_data import COUNTYWIDE, LOCALITIES
from spr_desk.uktime import as_utc
from spr_desk.vocabulary import LEAD_OF_ROLE, Lead, Response, StaffRole

MIN_ON_SHIFT = timedelta(hours=1)
"""Time on shift inside a response's window that makes a visit possible."""


@dataclass(frozen=True, slots=True)
class RotaShift:
    """One person's shift, with what the board needs to know of them."""

    staff_id: int
    name: str
    role: StaffRole
    team: str
    locality: str
    """The team's locality, or `COUNTYWIDE` for a team covering the whole county."""
    starts_at: datetime
    ends_at: datetime
    capacity: int
    open_allocations: int = 0

    @property
    def lead(self) -> Lead | None:
        return LEAD_OF_ROLE.get(self.role)

    @property
    def at_capacity(self) -> bool:
        return self.open_allocations >= self.capacity

    def covers(self, locality: str) -> bool:
        return self.locality in (COUNTYWIDE, locality) or locality == COUNTYWIDE

    def on_at(self, at: datetime) -> bool:
        return self.starts_at <= as_utc(at) < self.ends_at

    def time_on_within(self, at: datetime, window: timedelta) -> timedelta:
        start = max(self.starts_at, as_utc(at))
        end = min(self.ends_at, as_utc(at) + window)
        return max(timedelta(0), end - start)


@dataclass(frozen=True, slots=True)
class AvailabilityBoard:
    """The matrix per locality (and countywide) at one moment, from one rota."""

    at: datetime
    by_locality: Mapping[str, Availability] = field(default_factory=dict)
    rota_known: bool = True
    """False when there is no rota to go by: every cell is then shown as Y, and the handler
    decides, rather than the desk refusing every call (see `unknown`)."""

    @classmethod
    def unknown(cls, at: datetime) -> AvailabilityBoard:
        """No shifts on record around `at`: nothing is known, so nothing is ruled out."""
        return cls(at, dict.fromkeys((*LOCALITIES, COUNTYWIDE), ALL_AVAILABLE), False)

    def for_locality(self, locality: str | None) -> Availability:
        """A call's locality, or countywide when it has none (or one the board does not know)."""
        return self.by_locality.get(locality or COUNTYWIDE, self.by_locality[COUNTYWIDE])


def can_respond(shift: RotaShift, at: datetime, window: timedelta) -> bool:
    if shift.lead is None or shift.at_capacity:
        return False
    return shift.time_on_within(at, window) >= min(MIN_ON_SHIFT, window)


def availability_for(
    shifts: Iterable[RotaShift],
    locality: str,
    at: datetime,
    due_hours: Mapping[Response, int],
) -> Availability:
    """The Y/N of each cell for one locality (`COUNTYWIDE`: anywhere in the county)."""
    available: set[Cell] = set()
    covering = [shift for shift in shifts if shift.covers(locality)]
    for response in Response:
        window = timedelta(hours=due_hours[response])
        for shift in covering:
            lead = shift.lead
            if (
                lead is not None
                and (response, lead) not in available
                and can_respond(shift, at, window)
            ):
                available.add((response, lead))
    every = {(response, lead) for response in Response for lead in Lead}
    return Availability(frozenset(every - available))


def availability_board(
    shifts: Iterable[RotaShift], at: datetime, due_hours: Mapping[Response, int]
) -> AvailabilityBoard:
    listed = list(shifts)
    return AvailabilityBoard(
        at,
        {
            locality: availability_for(listed, locality, at, due_hours)
            for locality in (*LOCALITIES, COUNTYWIDE)
        },
    )


def on_now(shifts: Iterable[RotaShift], at: datetime) -> list[RotaShift]:
    """On shift at `at`, by team then role then name."""
    return sorted(
        (shift for shift in shifts if shift.on_at(at)),
        key=lambda s: (s.team, s.role.value, s.name),
    )


def starting_within(
    shifts: Iterable[RotaShift], at: datetime, window: timedelta = timedelta(hours=24)
) -> list[RotaShift]:
    """Shifts starting after `at` and within `window`, soonest first."""
    start, end = as_utc(at), as_utc(at) + window
    return sorted(
        (shift for shift in shifts if start < shift.starts_at < end),
        key=lambda s: (s.starts_at, s.team, s.name),
    )
