"""The call profile by UK weekday and hour, and the staffing table beside the rota
(`spr_desk.call_profile`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from spr_desk.call_profile import (
    DEFAULT_HANDLING_SECONDS,
    HOURLY_HANDLING_MIN_CALLS,
    TakenCall,
    call_profile,
    staffing_lines,
    staffing_table,
)
from spr_desk.erlang import answered_within, handlers_needed
from spr_desk.uktime import LONDON, as_utc

NOW = datetime(2026, 11, 23, 11, 20, tzinfo=UTC)  # Monday, GMT
MONDAY, SUNDAY = 0, 6


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return as_utc(datetime.combine(day, time(hour, minute), tzinfo=LONDON))


def mondays(count: int) -> list[date]:
    """The last `count` Mondays up to NOW's (23 Nov 2026), oldest first."""
    return [date(2026, 11, 23) - timedelta(weeks=back) for back in range(count - 1, -1, -1)]


def test_calls_per_hour_is_the_count_over_the_weekday_hours_the_window_holds() -> None:
    # Two calls at Monday 10:15 in each of the 8 weeks; the window holds 8 Monday 10:00s.
    calls = [TakenCall(local(day, 10, 15), 600) for day in mondays(8) for _ in range(2)]
    profile = call_profile(calls, now=NOW)
    monday_ten = profile.hour(MONDAY, 10)
    assert (monday_ten.calls, monday_ten.hours_seen) == (16, 8)
    assert monday_ten.calls_per_hour == 2.0
    assert profile.hour(MONDAY, 9).calls_per_hour == 0.0
    # The hour under way (11:00 to 11:20) is not counted: only whole hours.
    assert profile.window_end == datetime(2026, 11, 23, 11, tzinfo=UTC)
    assert profile.hour(MONDAY, 11).hours_seen == 7
    assert profile.calls == 16 and len(profile.hours) == 168


def test_a_call_older_than_eight_weeks_is_not_counted() -> None:
    old = TakenCall(NOW - timedelta(weeks=8, hours=1), 600)
    recent = TakenCall(local(date(2026, 11, 16), 14, 30), 600)
    profile = call_profile([old, recent], now=NOW)
    assert profile.calls == 1 and profile.hour(MONDAY, 14).calls == 1


def test_a_desk_younger_than_the_window_is_not_diluted_by_weeks_it_never_worked() -> None:
    # Calls only since Monday 16 Nov: the window starts at that day's midnight.
    calls = [TakenCall(local(date(2026, 11, 16), 10, 5), 600)] * 3
    profile = call_profile(calls, now=NOW)
    assert profile.window_start == local(date(2026, 11, 16), 0)
    assert profile.hour(MONDAY, 10).hours_seen == 2  # 16 and 23 Nov
    assert profile.hour(MONDAY, 10).calls_per_hour == 1.5
    assert profile.hour(MONDAY, 12).hours_seen == 1  # 23 Nov 12:00 has not come yet


def test_the_autumn_hour_the_clocks_repeat_is_seen_twice() -> None:
    # Sunday 25 Oct 2026: 01:00 to 02:00 happens once in BST and again in GMT.
    calls = [TakenCall(local(day, 10), 600) for day in mondays(8)]
    profile = call_profile(calls, now=NOW)
    assert profile.hour(SUNDAY, 1).hours_seen == profile.hour(SUNDAY, 3).hours_seen + 1


def test_handling_time_is_the_mean_of_the_calls_with_both_times() -> None:
    calls = [
        TakenCall(local(date(2026, 11, 20), 9), 300),
        TakenCall(local(date(2026, 11, 20), 15), 900),
        TakenCall(local(date(2026, 11, 21), 15), None),  # no end kept: counted, not timed
    ]
    profile = call_profile(calls, now=NOW)
    assert (profile.calls, profile.timed_calls) == (3, 2)
    assert profile.handling_seconds == 600 and not profile.handling_is_default
    # Too few timed calls in any one hour: each hour uses the window's mean.
    assert {hour.handling_seconds for hour in profile.hours} == {600}


def test_an_hour_with_enough_timed_calls_uses_its_own_handling_time() -> None:
    friday = date(2026, 11, 20)
    busy = [TakenCall(local(friday, 9, minute), 900) for minute in range(HOURLY_HANDLING_MIN_CALLS)]
    quiet = [TakenCall(local(friday, 15), 300)] * (HOURLY_HANDLING_MIN_CALLS - 1)
    profile = call_profile(busy + quiet, now=NOW)
    assert profile.hour(4, 9).handling_seconds == 900
    assert profile.hour(4, 15).handling_seconds == profile.handling_seconds
    assert profile.handling_seconds == pytest.approx((5 * 900 + 4 * 300) / 9)


def test_without_any_timed_call_the_default_handling_time_is_used_and_said() -> None:
    profile = call_profile([TakenCall(local(date(2026, 11, 20), 9), None)], now=NOW)
    assert profile.handling_is_default and profile.handling_seconds == DEFAULT_HANDLING_SECONDS
    empty = call_profile([], now=NOW)
    assert empty.calls == 0 and empty.handling_is_default
    table = staffing_table(profile, [], first_day=date(2026, 11, 23))
    assert "10 minutes a call is assumed" in " ".join(staffing_lines(table))


def _busy_mondays() -> list[TakenCall]:
    """Monday 10:00 gets 3 calls an hour of 10 minutes; every other hour none."""
    return [TakenCall(local(day, 10, 7 * n), 600) for day in mondays(8) for n in range(3)]


def test_the_table_needs_what_erlang_says_and_counts_handlers_on_for_the_whole_hour() -> None:
    monday = date(2026, 11, 23)
    shifts = [
        (local(monday, 8), local(monday, 16)),
        (local(monday, 10, 30), local(monday, 18)),  # on for half of 10:00: not counted there
        (local(monday, 11), local(monday, 12)),
    ]
    table = staffing_table(call_profile(_busy_mondays(), now=NOW), shifts, first_day=monday)
    assert len(table.rows) == 168 and table.rota_start == local(monday, 0)
    by_hour = {row.hour: row for row in table.for_weekday(MONDAY)}
    assert by_hour[10].needed == handlers_needed(3, 600) == 3
    assert (by_hour[10].on_rota, by_hour[10].short) == (1, True)
    assert (by_hour[11].on_rota, by_hour[11].needed, by_hour[11].short) == (3, 1, False)
    assert (by_hour[16].on_rota, by_hour[17].on_rota) == (1, 1)
    assert (by_hour[7].on_rota, by_hour[7].short) == (0, True)  # the floor: one at all hours
    assert by_hour[9].calls_per_hour == 0 and by_hour[9].answered_in_time == 1.0
    assert by_hour[10].answered_in_time == pytest.approx(answered_within(3, 600, 1, 60))
    assert table.for_weekday(SUNDAY)[0].starts_at == local(date(2026, 11, 29), 0)


def test_the_floor_and_the_service_level_are_the_callers() -> None:
    profile = call_profile(_busy_mondays(), now=NOW)
    monday = date(2026, 11, 23)
    loose = staffing_table(profile, [], first_day=monday, target=0.8, within_seconds=60, floor=0)
    assert loose.for_weekday(MONDAY)[10].needed == handlers_needed(3, 600, target=0.8, floor=0)
    assert loose.for_weekday(MONDAY)[3].needed == 0
    covered = staffing_table(profile, [], first_day=monday, floor=2)
    assert {row.needed for row in covered.rows} == {2, 3}
    with pytest.raises(ValueError):
        staffing_table(profile, [], first_day=monday, within_seconds=-1)


def test_a_day_not_on_the_rota_yet_takes_the_shape_of_the_week_before_and_is_named() -> None:
    monday = date(2026, 11, 23)
    # Entered: every day of the week before, and this Monday to Wednesday (22:00 to 08:00).
    entered = [
        (local(day, 22), local(day + timedelta(days=1), 8))
        for day in (monday + timedelta(days=n) for n in range(-7, 3))
    ]
    table = staffing_table(call_profile([], now=NOW), entered, first_day=monday)
    assert table.rota_repeated == tuple(monday + timedelta(days=n) for n in range(3, 7))
    assert all(row.on_rota == 1 for row in table.rows if row.hour in (23, 3))
    assert all(row.on_rota == 0 for row in table.rows if row.hour == 12)
    assert "Not entered yet, so read as the week before: Thu 26 Nov" in " ".join(
        staffing_lines(table)
    )


def test_the_printed_table_fits_80_columns_and_marks_short_hours() -> None:
    monday = date(2026, 11, 23)
    table = staffing_table(call_profile(_busy_mondays(), now=NOW), [], first_day=monday)
    lines = staffing_lines(table, weekday=MONDAY)
    assert max(len(line) for line in lines) <= 80
    rows = [line for line in lines if line.startswith("Mon 23 Nov")]
    assert len(rows) == 24 and all(line.endswith("SHORT") for line in rows)
    assert rows[10].split()[3:8] == ["10:00", "3.00", "10.0", "3", "0"]
    assert lines[-1] == "SHORT in 24 of 24 hours."
    assert len([line for line in staffing_lines(table) if line[:3] in ("Mon", "Sun")]) == 48


def test_a_quiet_first_night_in_a_full_history_does_not_shorten_the_window() -> None:
    # The desk has taken calls for months; nobody rang in the window's first two weeks (it
    # opens Monday 28 Sep 11:00 UTC): the window still holds 8 of each weekday hour, not 6.
    calls = [TakenCall(local(day, 10, 15), 600) for day in mondays(8)[1:]]
    profile = call_profile(calls, now=NOW, first_call=datetime(2026, 6, 1, tzinfo=UTC))
    assert profile.window_start == datetime(2026, 9, 28, 11, tzinfo=UTC)
    assert profile.hour(MONDAY, 23).hours_seen == 8
    assert profile.hour(MONDAY, 10).calls_per_hour == 7 / 8


def test_a_call_timed_at_over_an_hour_counts_but_not_its_time() -> None:
    calls = [
        TakenCall(local(date(2026, 11, 20), 9), 600),
        TakenCall(local(date(2026, 11, 20), 10), 20 * 3600),  # a draft finished the next day
    ]
    profile = call_profile(calls, now=NOW)
    assert (profile.calls, profile.timed_calls, profile.handling_seconds) == (2, 1, 600)
