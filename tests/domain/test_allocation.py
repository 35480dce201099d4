"""The allocation list in the order that fits the referral."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from spr_desk.allocation import allocation_offers
from spr_desk.availability import RotaShift
from spr_desk.reference_data import COUNTYWIDE
from spr_desk.vocabulary import Lead, StaffRole

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 23, 21, 38, tzinfo=UTC)


def shift(staff_id: int, name: str, role: StaffRole, locality: str, ends_hour: int) -> RotaShift:
    return RotaShift(
        staff_id=staff_id,
        name=name,
        role=role,
        team=f"Team {locality}",
        locality=locality,
        starts_at=START,
        ends_at=START.replace(hour=ends_hour),
        capacity=4,
    )


def test_locality_then_profession_then_shift_covering_due() -> None:
    on_now = [
        shift(1, "Far Nurse", StaffRole.NURSE, "Wycombe", 23),
        shift(2, "Early Nurse", StaffRole.NURSE, "Aylesbury", 20),
        shift(3, "Local Physio", StaffRole.PHYSIOTHERAPIST, "Aylesbury", 23),
        shift(4, "Late Nurse", StaffRole.NURSE, "Aylesbury", 23),
        shift(5, "County Nurse", StaffRole.NURSE, COUNTYWIDE, 23),
        shift(6, "Coordinator", StaffRole.COORDINATOR, "Aylesbury", 23),
    ]
    offers = allocation_offers(on_now, [], locality="Aylesbury", lead=Lead.NURSE, due_at=DUE)
    names = [offer.text.split(",")[0] for offer in offers]
    assert names == ["Late Nurse", "County Nurse", "Early Nurse", "Local Physio", "Far Nurse"]
    early = offers[2].text
    assert early.endswith("off at 20:00, before due 21:38")
    assert "before due" not in offers[0].text


def test_a_person_on_now_and_starting_later_is_offered_once() -> None:
    now = shift(1, "Ann", StaffRole.NURSE, "Aylesbury", 23)
    later = replace(
        now, starts_at=START + timedelta(days=1), ends_at=START + timedelta(days=1, hours=8)
    )
    offers = allocation_offers([now], [later], locality="Aylesbury", lead=None, due_at=None)
    assert [offer.staff_id for offer in offers] == [1]
    assert "on until" in offers[0].text
