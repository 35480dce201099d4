"""The queue's order band, its search digits and its filter, as pure rules."""

from __future__ import annotations

import pytest

from spr_desk.lifecycle import AWAITING_RESPONSE, OPEN_STATUSES
from spr_desk.queue_view import EVERYTHING, QueueFilter, queue_band, search_digits
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
