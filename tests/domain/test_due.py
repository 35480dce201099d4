"""Due times are elapsed hours on the UK wall clock, across both 2026 clock changes.

In 2026 the clocks go forward on Sunday 29 March at 01:00 GMT and back on Sunday 25 October at
02:00 BST.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from spr_desk.due import (
    DUE_HOURS,
    DueState,
    due_at,
    due_state,
    format_time_left,
    is_breached,
    time_left,
)
from spr_desk.uktime import LONDON, as_local, as_utc, parse_local, short_local
from spr_desk.vocabulary import Response

BST = timezone(timedelta(hours=1))


def test_the_due_hours_are_3_24_and_72():
    assert DUE_HOURS == {Response.RAPID: 3, Response.FAST: 24, Response.NORMAL: 72}


@pytest.mark.parametrize(
    ("received", "response", "due"),
    [
        pytest.param(
            "2026-03-28T12:00",
            Response.FAST,
            "2026-03-29T13:00:00+01:00",
            id="fast over spring forward",
        ),
        pytest.param(
            "2026-03-29T00:30",
            Response.RAPID,
            "2026-03-29T04:30:00+01:00",
            id="rapid over spring forward",
        ),
        pytest.param(
            "2026-03-27T09:00",
            Response.NORMAL,
            "2026-03-30T10:00:00+01:00",
            id="normal over spring forward",
        ),
        pytest.param(
            "2026-10-25T00:30+01:00",
            Response.RAPID,
            "2026-10-25T02:30:00+00:00",
            id="rapid over fall back",
        ),
        pytest.param(
            "2026-10-24T12:00",
            Response.FAST,
            "2026-10-25T11:00:00+00:00",
            id="fast over fall back",
        ),
        pytest.param(
            "2026-10-23T09:00",
            Response.NORMAL,
            "2026-10-26T08:00:00+00:00",
            id="normal over fall back",
        ),
        pytest.param(
            "2026-03-02T14:05",
            Response.RAPID,
            "2026-03-02T17:05:00+00:00",
            id="rapid in winter",
        ),
        pytest.param(
            "2026-07-01T22:30",
            Response.FAST,
            "2026-07-02T22:30:00+01:00",
            id="fast in summer",
        ),
    ],
)
def test_the_due_time_is_elapsed_hours_shown_on_the_uk_clock(received, response, due):
    received_at = parse_local(received)
    result = due_at(received_at, response)
    assert result.isoformat() == due
    assert as_utc(result) - as_utc(received_at) == timedelta(hours=DUE_HOURS[response])


def test_the_rapid_response_over_the_autumn_change_is_three_real_hours():
    received = datetime(2026, 10, 25, 0, 30, tzinfo=BST)
    due = due_at(received, Response.RAPID)
    assert due.astimezone(UTC) == datetime(2026, 10, 25, 2, 30, tzinfo=UTC)
    assert due.strftime("%H:%M") == "02:30"
    assert time_left(received, due) == timedelta(hours=3)


def test_a_naive_received_time_is_uk_local():
    naive = due_at(datetime(2026, 7, 1, 10, 0), Response.RAPID)
    assert naive == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert naive.utcoffset() == timedelta(hours=1)
    assert due_at(datetime(2026, 1, 5, 10, 0), Response.RAPID) == datetime(
        2026, 1, 5, 13, 0, tzinfo=UTC
    )


def test_due_at_takes_the_hours_from_the_rules_it_is_given():
    hours = {Response.RAPID: 2, Response.FAST: 12, Response.NORMAL: 48}
    received = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert due_at(received, Response.RAPID, hours) == received + timedelta(hours=2)


def test_time_left_is_negative_once_the_due_time_has_passed():
    due = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    assert time_left(datetime(2026, 3, 2, 16, 15, tzinfo=UTC), due) == timedelta(minutes=45)
    assert time_left(datetime(2026, 3, 2, 17, 20, tzinfo=UTC), due) == timedelta(minutes=-20)


def test_time_left_compares_instants_not_wall_clocks():
    due = datetime(2026, 7, 1, 18, 0, tzinfo=BST)
    assert time_left(datetime(2026, 7, 1, 17, 0, tzinfo=UTC), due) == timedelta(0)
    assert time_left(datetime(2026, 7, 1, 17, 0), due) == timedelta(hours=1)


def test_exactly_at_the_due_time_is_not_breached():
    due = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    assert not is_breached(due, due)
    assert not is_breached(due - timedelta(seconds=1), due)
    assert is_breached(due + timedelta(seconds=1), due)


@pytest.mark.parametrize(
    ("before_due", "state"),
    [
        (timedelta(hours=2), DueState.DUE),
        (timedelta(hours=1, seconds=1), DueState.DUE),
        (timedelta(hours=1), DueState.DUE_SOON),
        (timedelta(minutes=5), DueState.DUE_SOON),
        (timedelta(0), DueState.DUE_SOON),
        (timedelta(seconds=-1), DueState.BREACHED),
        (timedelta(days=-2), DueState.BREACHED),
    ],
)
def test_due_state_is_due_then_due_soon_within_an_hour_then_breached(before_due, state):
    due = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    assert due_state(due - before_due, due) is state


def test_due_soon_counts_real_time_across_the_autumn_change():
    due = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 01:30 GMT, the second 01:30 that night
    first_0130 = datetime(2026, 10, 25, 1, 30, tzinfo=BST)
    assert time_left(first_0130, due) == timedelta(hours=1)
    assert due_state(first_0130, due) is DueState.DUE_SOON


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(hours=2, minutes=5), "2h 05m"),
        (timedelta(minutes=59, seconds=59), "0h 59m"),
        (timedelta(0), "0h 00m"),
        (timedelta(hours=23, minutes=59), "23h 59m"),
        (timedelta(days=1), "1d 00h"),
        (timedelta(days=3, hours=4, minutes=30), "3d 04h"),
        (timedelta(minutes=-12), "-0h 12m"),
        (timedelta(hours=-5, minutes=-1), "-5h 01m"),
        (timedelta(days=-1, hours=-2), "-1d 02h"),
    ],
)
def test_format_time_left_is_compact_for_a_queue_column(left, text):
    assert format_time_left(left) == text


def test_uk_local_time_is_gmt_in_winter_and_bst_in_summer():
    assert as_local(datetime(2026, 1, 15, 12, 0, tzinfo=UTC)).utcoffset() == timedelta(0)
    assert as_local(datetime(2026, 7, 15, 12, 0, tzinfo=UTC)).utcoffset() == timedelta(hours=1)
    assert as_local(datetime(2026, 7, 15, 12, 0, tzinfo=UTC)).tzinfo is LONDON


def test_parse_local_refuses_text_that_is_not_an_iso_time():
    with pytest.raises(ValueError):
        parse_local("half past two")


def test_short_local_reads_as_the_desk_shows_a_due_time():
    assert short_local(datetime(2026, 3, 2, 17, 5, tzinfo=UTC)) == "Mon 02 Mar 17:05"
    assert short_local(datetime(2026, 7, 1, 16, 5, tzinfo=UTC)) == "Wed 01 Jul 17:05"
