"""Who to offer when allocating a referral, in the order that fits it: those covering its
locality, then those who can lead its profession, then those whose shift covers its due time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from spr_desk.availability import RotaShift
from spr_desk.reference_data import COUNTYWIDE
from spr_desk.uktime import as_local, as_utc, short_local
from spr_desk.vocabulary import Lead, label


@dataclass(frozen=True, slots=True)
class Offer:
    """One person offered, with the line that says why they are where they are."""

    staff_id: int
    text: str


def allocation_offers(
    on_now: Iterable[RotaShift],
    starting: Iterable[RotaShift],
    *,
    locality: str | None,
    lead: Lead | None,
    due_at: datetime | None,
) -> list[Offer]:
    """People who can lead (on shift now, or starting soon), each once, sorted by the fit."""
    offered = [(s, True) for s in on_now] + [(s, False) for s in starting]
    seen: set[int] = set()
    kept: list[tuple[RotaShift, bool]] = []
    for shift, now in offered:
        if shift.lead is None or shift.staff_id in seen:
            continue
        seen.add(shift.staff_id)
        kept.append((shift, now))

    def covers_due(shift: RotaShift) -> bool:
        return due_at is None or shift.ends_at >= as_utc(due_at)

    kept.sort(  # stable: on now before starting, within each step
        key=lambda pair: (
            not pair[0].covers(locality or COUNTYWIDE),
            lead is not None and pair[0].lead is not lead,
            not covers_due(pair[0]),
        )
    )
    offers = []
    for shift, now in kept:
        full = " FULL" if shift.at_capacity else ""
        when = (
            f"on until {short_local(shift.ends_at)}"
            if now
            else f"from {short_local(shift.starts_at)}"
        )
        line = (
            f"{shift.name}, {label(shift.role)}, {shift.team} "
            f"({shift.open_allocations}/{shift.capacity}{full}; {when})"
        )
        if not covers_due(shift):
            assert due_at is not None
            line += f" off at {as_local(shift.ends_at):%H:%M}, before due {as_local(due_at):%H:%M}"
        offers.append(Offer(shift.staff_id, line))
    return offers
