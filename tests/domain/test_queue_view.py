"""The queue's order band, its search digits and its filter, as pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from spr_desk.due import DueState
from spr_desk.lifecycle import AWAITING_RESPONSE, OPEN_STATUSES
from spr_desk.queue_view import (
    CLAIM_MINUTES,
    EVERYTHING,
    REDIRECTED,
    STATE_SYMBOLS,
    TO_TRACE,
    Lookup,
    QueueFilter,
    claim_holder,
    format_still,
    is_to_trace,
    lookup_of,
    no_movement,
    no_movement_over,
    queue_band,
    search_digits,
)
from spr_desk.rules import default_rules
from spr_desk.vocabulary import Status

NOW = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize("status", list(Status))
def test_each_status_has_its_band(status: Status) -> None:
    band = queue_band(status)
    if status in AWAITING_RESPONSE:
        assert band == 0
    elif status in OPEN_STATUSES:
        assert band == 1
    else:
        assert band is None
    assert queue_band(status.value) == band


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="bogus"):
        queue_band("bogus")


@pytest.mark.parametrize(
    ("typed", "digits"),
    [("943 476 5919", "9434765919"), ("943", "943"), ("94", ""), ("Ada 12", ""), ("", "")],
)
def test_a_search_looks_for_an_nhs_number_from_three_digits(typed: str, digits: str) -> None:
    assert search_digits(typed) == digits


def test_a_filter_of_blanks_is_the_whole_queue() -> None:
    assert EVERYTHING.is_empty and QueueFilter(text="   ").is_empty
    assert not QueueFilter(lead="nurse").is_empty and not QueueFilter(text="x").is_empty


@pytest.mark.parametrize("status", list(Status))
def test_a_referral_is_to_trace_while_its_patient_has_no_nhs_number(status: Status) -> None:
    assert is_to_trace(status, "") is (status is not Status.REDIRECTED)
    assert is_to_trace(status, None) is (status is not Status.REDIRECTED)
    assert is_to_trace(status, "9434765919") is False


def test_the_redirected_and_to_trace_lists_reach_beyond_the_open_queue() -> None:
    assert QueueFilter(status=REDIRECTED).beyond_queue
    assert QueueFilter(status=TO_TRACE).beyond_queue
    assert not any(QueueFilter(status=s.value).beyond_queue for s in OPEN_STATUSES)
    assert not EVERYTHING.beyond_queue and not QueueFilter(status=TO_TRACE).is_empty


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("SPR-2026-000123", Lookup(reference_prefix="SPR-2026-000123")),
        ("spr-2026-0001", Lookup(reference_prefix="SPR-2026-0001")),
        ("2026-12", Lookup(reference_prefix="SPR-2026-000012")),
        ("2026-000271", Lookup(reference_prefix="SPR-2026-000271")),
        ("943 476 5919", Lookup(nhs_number="9434765919")),
        ("harper", Lookup(family_prefixes=("harper", "HARPER", "Harper"))),
        ("HARPER, Nancy", Lookup(family_prefixes=("HARPER", "harper", "Harper"))),
        ("943 476", None),  # part of a number: the open queue's substring search only
        ("h", None),
        ("   ", None),
        ("%_", None),
    ],
)
def test_a_search_that_names_a_referral_becomes_an_indexed_lookup(
    typed: str, expected: Lookup | None
) -> None:
    assert lookup_of(typed) == expected


def test_only_a_search_with_no_status_chosen_looks_at_every_status() -> None:
    assert QueueFilter(text="harper").searches_everywhere
    assert not QueueFilter(text="harper", status="allocated").searches_everywhere
    assert not QueueFilter(text="").searches_everywhere
    assert QueueFilter(status=Status.CLOSED.value).beyond_queue


def test_a_claim_holds_for_ten_minutes_then_lapses() -> None:
    now = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
    assert claim_holder("desk1", now - timedelta(minutes=9), now) == "desk1"
    assert claim_holder("desk1", now - timedelta(minutes=CLAIM_MINUTES), now) is None
    assert claim_holder(None, now, now) is None


@pytest.mark.parametrize(
    ("response", "minutes", "over"),
    [
        ("rapid", 30, False),
        ("rapid", 31, True),
        ("fast", 240, False),
        ("fast", 241, True),
        ("normal", 1441, True),
        (None, 5000, False),
    ],
)
def test_the_no_movement_clock_is_over_past_its_response_threshold(
    response: str | None, minutes: int, over: bool
) -> None:
    thresholds = default_rules().no_movement_minutes
    still = no_movement(NOW - timedelta(minutes=minutes), NOW)
    assert no_movement_over(still, response, thresholds) is over


def test_the_no_movement_clock_reads_in_minutes_hours_and_days() -> None:
    assert [format_still(timedelta(minutes=m)) for m in (0, 45, 185, 3120)] == [
        "0m",
        "45m",
        "3h05",
        "2d04",
    ]
    assert format_still(None) == "-"
    assert no_movement(NOW + timedelta(minutes=1), NOW) == timedelta(0)  # never negative


def test_every_state_the_board_names_has_its_own_symbol() -> None:
    named = {d.value for d in DueState} | {s.value for s in Status if s is not Status.DRAFT}
    named |= {"waiting"}
    assert named <= set(STATE_SYMBOLS)
    symbols = [STATE_SYMBOLS[key] for key in (d.value for d in DueState)]
    assert len(set(symbols)) == len(symbols)  # the countdown's states differ by shape
