"""Availability from the rota: shifts across midnight and clock changes, capacity, empty teams."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from spr_desk.availability import (
    RotaShift,
    availability_board,
    availability_for,
    on_now,
    starting_within,
)
from spr_desk.facts import parse_facts
from spr_desk.matrix import recommend
from spr_desk.reference_data import COUNTYWIDE
from spr_desk.rules import default_rules
from spr_desk.uktime import LONDON, as_utc
from spr_desk.vocabulary import Lead, Response, StaffRole

RULES = default_rules()
DUE = RULES.due_hours


def local(day: date, clock: time) -> datetime:
    return as_utc(datetime.combine(day, clock, tzinfo=LONDON))


def shift(
    role: StaffRole,
    day: date,
    start: time,
    end: time,
    *,
    team: str = "ACHT Thame",
    locality: str = "Thame",
    load: int = 0,
    capacity: int = 6,
    name: str = "A Person",
) -> RotaShift:
    ends_on = day + timedelta(days=1) if end <= start else day
    return RotaShift(
        staff_id=hash((name, role, day, start)) % 10_000,
        name=name,
        role=role,
        team=team,
        locality=locality,
        starts_at=local(day, start),
        ends_at=local(ends_on, end),
        capacity=capacity,
        open_allocations=load,
    )


MONDAY = date(2026, 11, 23)
NIGHT_NURSE = shift(
    StaffRole.NURSE, MONDAY, time(21), time(7, 30), team="ACHT Night Team", locality=COUNTYWIDE
)
DAY_OT = shift(StaffRole.OCCUPATIONAL_THERAPIST, MONDAY + timedelta(days=1), time(8), time(16))
DAY_SOCIAL = shift(
    StaffRole.SOCIAL_WORKER,
    MONDAY + timedelta(days=1),
    time(9),
    time(17),
    team="Stoke Mandeville Hospital Social Work",
    locality="Aylesbury",
)
ROTA = [NIGHT_NURSE, DAY_OT, DAY_SOCIAL]


def cells(availability: object, response: Response) -> dict[Lead, bool]:
    return {lead: availability.can(response, lead) for lead in Lead}  # type: ignore[attr-defined]


def test_at_23_00_only_the_night_nurse_can_respond_rapidly() -> None:
    at = local(MONDAY, time(23))
    thame = availability_for(ROTA, "Thame", at, DUE)
    assert cells(thame, Response.RAPID) == {
        Lead.NURSE: True,
        Lead.THERAPIST: False,
        Lead.SOCIAL_CARE: False,
    }
    # The therapist starts at 08:00: within a day. The Aylesbury social worker does not cover Thame.
    assert cells(thame, Response.FAST) == {
        Lead.NURSE: True,
        Lead.THERAPIST: True,
        Lead.SOCIAL_CARE: False,
    }
    aylesbury = availability_for(ROTA, "Aylesbury", at, DUE)
    assert cells(aylesbury, Response.FAST) == {
        Lead.NURSE: True,
        Lead.THERAPIST: False,
        Lead.SOCIAL_CARE: True,
    }
    countywide = availability_for(ROTA, COUNTYWIDE, at, DUE)
    assert all(cells(countywide, Response.NORMAL).values())


def test_a_shift_across_midnight_counts_after_midnight() -> None:
    at = local(MONDAY + timedelta(days=1), time(3))
    assert [s.name for s in on_now(ROTA, at)] == [NIGHT_NURSE.name]
    assert availability_for(ROTA, "Marlow", at, DUE).can(Response.RAPID, Lead.NURSE)
    ended = local(MONDAY + timedelta(days=1), time(7, 30))
    assert on_now(ROTA, ended) == []


def test_the_last_minutes_of_a_shift_are_not_enough_for_a_rapid_visit() -> None:
    at = local(MONDAY + timedelta(days=1), time(7))  # 30 minutes of the night shift left
    assert not availability_for([NIGHT_NURSE], "Thame", at, DUE).can(Response.RAPID, Lead.NURSE)


def test_a_night_shift_over_the_autumn_clock_change_covers_the_repeated_hour() -> None:
    night = shift(StaffRole.NURSE, date(2026, 10, 24), time(21), time(7, 30), locality=COUNTYWIDE)
    assert night.ends_at - night.starts_at == timedelta(hours=11, minutes=30)
    # 01:30 happens twice that night; both are on shift.
    first = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=0)
    second = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=1)
    assert as_utc(second) - as_utc(first) == timedelta(hours=1)
    assert night.on_at(first) and night.on_at(second)
    assert night.on_at(local(date(2026, 10, 25), time(7, 29)))
    assert not night.on_at(local(date(2026, 10, 25), time(7, 30)))


def test_a_night_shift_over_the_spring_clock_change_ends_at_0730_bst() -> None:
    night = shift(StaffRole.NURSE, date(2026, 3, 28), time(21), time(7, 30), locality=COUNTYWIDE)
    assert night.ends_at - night.starts_at == timedelta(hours=9, minutes=30)
    assert night.ends_at == datetime(2026, 3, 29, 6, 30, tzinfo=UTC)
    assert night.on_at(datetime(2026, 3, 29, 6, 29, tzinfo=UTC))
    assert not night.on_at(datetime(2026, 3, 29, 6, 30, tzinfo=UTC))


def test_a_person_at_capacity_is_not_available() -> None:
    at = local(MONDAY, time(10))
    busy = shift(StaffRole.NURSE, MONDAY, time(8), time(16), load=6, capacity=6)
    free = shift(StaffRole.NURSE, MONDAY, time(8), time(16), load=5, capacity=6, name="B")
    assert not availability_for([busy], "Thame", at, DUE).can(Response.RAPID, Lead.NURSE)
    assert availability_for([busy, free], "Thame", at, DUE).can(Response.RAPID, Lead.NURSE)


def test_a_team_with_no_one_on_gives_no_cells() -> None:
    board = availability_board([], local(MONDAY, time(10)), DUE)
    for locality, availability in board.by_locality.items():
        assert len(availability.unavailable) == 9, locality
    assert board.for_locality("Nowhere") == board.for_locality(COUNTYWIDE)


def test_support_roles_lead_nothing() -> None:
    at = local(MONDAY, time(10))
    hca = shift(StaffRole.HCA, MONDAY, time(8), time(16))
    assert len(availability_for([hca], "Thame", at, DUE).unavailable) == 9


def test_who_starts_within_the_next_day() -> None:
    at = local(MONDAY, time(23))
    assert [s.name for s in starting_within(ROTA, at)] == [DAY_OT.name, DAY_SOCIAL.name]


def test_a_therapist_led_rapid_call_at_23_00_falls_back_to_the_night_nurse() -> None:
    """DESIGN.md: keep the urgency, move to the next available lead, name the one missing."""
    at = local(MONDAY, time(23))
    facts = parse_facts(
        {
            "pathway": "step_up",
            "setting": "home",
            "needs": ["fall_no_injury"],
            "urgency": ["unsafe_alone_tonight"],
        }
    )
    availability = availability_board(ROTA, at, DUE).for_locality("Thame")
    recommendation = recommend(facts, availability, at, RULES)
    assert recommendation.response is Response.RAPID
    assert recommendation.lead is Lead.NURSE
    assert recommendation.fallback_from is Lead.THERAPIST
    assert recommendation.due_at == at + timedelta(hours=3)
