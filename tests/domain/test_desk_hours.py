"""Who holds the desk, and when it changes hands, across both UK clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from spr_desk.desk_hours import (
    DeskHours,
    Direction,
    Watch,
    handover_boundary,
    handover_words,
    hours_from_env,
    last_boundary,
    next_boundary,
    parse_clock,
    watch_at,
)

HOURS = DeskHours()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "watch"),
    [
        (utc(2026, 11, 23, 7, 29), Watch.NIGHT_TEAM),  # GMT: UK time = UTC
        (utc(2026, 11, 23, 7, 30), Watch.DAY_DESK),
        (utc(2026, 11, 23, 20, 59), Watch.DAY_DESK),
        (utc(2026, 11, 23, 21, 0), Watch.NIGHT_TEAM),
        (utc(2026, 7, 1, 20, 0), Watch.NIGHT_TEAM),  # BST: 21:00 UK time
        (utc(2026, 7, 1, 6, 29), Watch.NIGHT_TEAM),  # 07:29 BST
        (utc(2026, 7, 1, 6, 30), Watch.DAY_DESK),  # 07:30 BST
    ],
)
def test_the_watch_follows_the_uk_clock(at: datetime, watch: Watch) -> None:
    assert watch_at(at, HOURS) is watch


def test_the_night_of_the_autumn_change_is_an_hour_longer() -> None:
    # Sunday 25 October 2026: clocks go back at 02:00 BST.
    evening = last_boundary(utc(2026, 10, 24, 23, 0), HOURS)
    morning = next_boundary(utc(2026, 10, 24, 23, 0), HOURS)
    assert evening.at == utc(2026, 10, 24, 20, 0) and evening.direction is Direction.TO_NIGHT
    assert morning.at == utc(2026, 10, 25, 7, 30) and morning.direction is Direction.TO_DAY
    assert (morning.at - evening.at).total_seconds() == 11.5 * 3600


def test_the_night_of_the_spring_change_is_an_hour_shorter() -> None:
    # Sunday 29 March 2026: clocks go forward at 01:00 GMT.
    evening = last_boundary(utc(2026, 3, 29, 0, 30), HOURS)
    morning = next_boundary(utc(2026, 3, 29, 0, 30), HOURS)
    assert evening.at == utc(2026, 3, 28, 21, 0)
    assert morning.at == utc(2026, 3, 29, 6, 30)
    assert (morning.at - evening.at).total_seconds() == 9.5 * 3600


def test_the_header_says_who_holds_the_desk_and_when_it_passes() -> None:
    assert handover_words(utc(2026, 11, 23, 14, 31), HOURS) == "Day desk · night team in 6h 29m"
    assert handover_words(utc(2026, 11, 23, 23, 0), HOURS) == "Night team · day desk in 8h 30m"


def test_the_hours_are_configuration() -> None:
    hours = hours_from_env({"SPR_DESK_DAY_STARTS": "08:00", "SPR_DESK_NIGHT_STARTS": "2000"})
    assert hours == DeskHours(time(8), time(20))
    assert watch_at(utc(2026, 11, 23, 7, 45), hours) is Watch.NIGHT_TEAM
    assert hours_from_env({}) == DeskHours(time(7, 30), time(21))


@pytest.mark.parametrize("typed", ["25:00", "7.30", "", "07:60", "noon"])
def test_a_clock_time_that_cannot_be_right_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_clock(typed)


def test_the_day_must_start_before_the_night() -> None:
    with pytest.raises(ValueError, match="before the night"):
        DeskHours(time(21), time(7, 30))


def test_a_pack_built_at_or_just_after_a_boundary_is_that_boundarys() -> None:
    assert handover_boundary(utc(2026, 11, 23, 21, 0), HOURS).direction is Direction.TO_NIGHT
    assert handover_boundary(utc(2026, 11, 23, 21, 59), HOURS).at == utc(2026, 11, 23, 21, 0)
    later = handover_boundary(utc(2026, 11, 23, 22, 0), HOURS)
    assert (later.at, later.direction) == (utc(2026, 11, 24, 7, 30), Direction.TO_DAY)
    assert handover_boundary(utc(2026, 11, 23, 14, 0), HOURS).at == utc(2026, 11, 23, 21, 0)
