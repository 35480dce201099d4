"""When a GP update is due: 08:00 UK time (or the hour set) on the next working day after the
close, skipping weekends and England's bank holidays, as an exact UTC instant across the clock
changes; and when an unacknowledged update is overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from spr_desk.gp_update.due import (
    DEFAULT_DUE_HOUR,
    DUE_HOUR_ENV,
    ENGLAND_BANK_HOLIDAYS,
    due_hour_from_env,
    is_overdue,
    update_due,
)
from spr_desk.refusal import Refused
from spr_desk.uktime import LONDON


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def test_an_update_closed_on_friday_evening_is_due_at_eight_on_monday() -> None:
    due = update_due(local(2026, 11, 20, 17, 0))
    assert due == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert due.tzinfo is UTC


def test_an_update_closed_on_the_thursday_before_good_friday_2027_is_due_the_tuesday_after() -> (
    None
):
    # Good Friday 26 Mar and Easter Monday 29 Mar 2027; the clocks went forward on the Sunday,
    # so 08:00 on Tuesday 30 March is 07:00 UTC.
    due = update_due(local(2027, 3, 25, 16, 30))
    assert due == datetime(2027, 3, 30, 7, 0, tzinfo=UTC)
    assert due.astimezone(LONDON).strftime("%a %d %b %H:%M") == "Tue 30 Mar 08:00"


def test_across_the_october_clock_change_the_utc_instant_is_right() -> None:
    # BST ends at 02:00 on Sunday 25 October 2026.
    assert update_due(local(2026, 10, 22, 12, 0)) == datetime(2026, 10, 23, 7, 0, tzinfo=UTC)
    assert update_due(local(2026, 10, 23, 18, 0)) == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def test_the_day_after_is_counted_on_the_uk_wall_clock_not_in_utc() -> None:
    # 23:30 UTC on Wednesday 1 July is 00:30 BST on Thursday 2 July: due Friday 3 July.
    closed = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    assert update_due(closed) == datetime(2026, 7, 3, 7, 0, tzinfo=UTC)


def test_christmas_2027_and_its_substitute_days_are_skipped() -> None:
    assert update_due(local(2027, 12, 23, 10, 0)) == datetime(2027, 12, 24, 8, 0, tzinfo=UTC)
    assert update_due(local(2027, 12, 24, 10, 0)) == datetime(2027, 12, 29, 8, 0, tzinfo=UTC)
    # New Year's Day 2028 is a Saturday: its substitute is Monday 3 January.
    assert update_due(local(2027, 12, 31, 10, 0)) == datetime(2028, 1, 4, 8, 0, tzinfo=UTC)


def test_a_close_on_a_working_morning_is_due_the_next_working_day_not_the_same_day() -> None:
    assert update_due(local(2026, 11, 23, 6, 0)) == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def test_the_due_hour_can_be_set() -> None:
    assert update_due(local(2026, 11, 20, 17, 0), hour=0) == datetime(2026, 11, 23, tzinfo=UTC)
    assert update_due(local(2026, 6, 5, 17, 0), hour=13) == datetime(2026, 6, 8, 12, tzinfo=UTC)
    with pytest.raises(ValueError):
        update_due(local(2026, 6, 5, 17, 0), hour=24)


def test_the_bank_holidays_listed_are_eight_weekdays_a_year_for_2026_to_2028() -> None:
    assert {day.year for day in ENGLAND_BANK_HOLIDAYS} == {2026, 2027, 2028}
    for year in (2026, 2027, 2028):
        days = sorted(day for day in ENGLAND_BANK_HOLIDAYS if day.year == year)
        assert len(days) == 8, year
        assert all(day.weekday() < 5 for day in days), days
    assert {date(2026, 4, 3), date(2027, 3, 26), date(2028, 4, 14)} <= ENGLAND_BANK_HOLIDAYS


@pytest.mark.parametrize(
    ("environ", "hour"),
    [
        ({}, DEFAULT_DUE_HOUR),
        ({DUE_HOUR_ENV: ""}, 8),
        ({DUE_HOUR_ENV: "7"}, 7),
        ({DUE_HOUR_ENV: " 23 "}, 23),
        ({DUE_HOUR_ENV: "0"}, 0),
        ({DUE_HOUR_ENV: "09"}, 9),
    ],
)
def test_the_due_hour_is_read_from_the_environment(environ: dict[str, str], hour: int) -> None:
    assert due_hour_from_env(environ) == hour


@pytest.mark.parametrize("text", ["24", "-1", "8.5", "eight", "8am", "\u0668", "1" * 5000])
def test_a_due_hour_that_is_not_a_whole_hour_in_range_is_refused_by_name(text: str) -> None:
    with pytest.raises(Refused) as refused:
        due_hour_from_env({DUE_HOUR_ENV: text})
    assert str(refused.value).startswith(f"{DUE_HOUR_ENV} must be a whole hour from 0 to 23")


def test_an_update_is_overdue_from_its_due_time_until_it_is_acknowledged() -> None:
    due = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    minute = timedelta(minutes=1)
    assert not is_overdue(due, None, due - minute)
    assert is_overdue(due, None, due)
    assert is_overdue(due, None, due + timedelta(days=3))
    assert not is_overdue(due, due - minute, due + minute)  # acknowledged in time
    assert not is_overdue(due, due + minute, due + 2 * minute)  # acknowledged late: done now
    # an acknowledgement stamped after `now` has not happened yet at `now`
    assert is_overdue(due, due + 2 * minute, due + minute)
