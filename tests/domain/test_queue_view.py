"""The queue's order band, its search digits and its filter, as pure rules."""

from __future__ import annotations

import pytest

from spr_desk.lifecycle import AWAITING_RESPONSE, OPEN_STATUSES
from spr_desk.queue_view import (
    EVERYTHING,
    REDIRECTED,
    TO_TRACE,
    QueueFilter,
    is_to_trace,
    queue_band,
    search_digits,
)
from spr_desk.vocabulary import Status


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
