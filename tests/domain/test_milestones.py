"""A milestone's given time as typed, and who may undo it within 5 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from spr_desk.milestones import (
    GivenTimeError,
    Recorded,
    given_time_text,
    parse_given_time,
    why_no_undo,
)

NOW = datetime(2026, 7, 1, 13, 30, 20, tzinfo=UTC)  # 14:30 BST
RECEIVED = datetime(2026, 7, 1, 12, 5, 40, tzinfo=UTC)  # 13:05 BST


def parse(text: str) -> datetime:
    return parse_given_time(text, now=NOW, received_at=RECEIVED)


def test_a_time_today_is_read_as_uk_local() -> None:
    assert parse("14:10") == datetime(2026, 7, 1, 13, 10, tzinfo=UTC)
    assert parse(" 14:30 ") == datetime(2026, 7, 1, 13, 30, tzinfo=UTC)


def test_a_date_and_time_is_read_as_uk_local() -> None:
    assert parse("01/07/2026 13:45") == datetime(2026, 7, 1, 12, 45, tzinfo=UTC)


def test_the_minute_of_receipt_is_the_receipt_time() -> None:
    assert parse("13:05") == RECEIVED


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("14:31", "in the future"),
        ("02/07/2026 09:00", "in the future"),
        ("13:04", "before the referral was received (01/07/2026 13:05)"),
        ("1405", "HH:MM, or DD/MM/YYYY HH:MM"),
        ("", "HH:MM"),
        ("25:00", "not a real date"),
        ("31/02/2026 10:00", "not a real date"),
    ],
)
def test_a_time_that_cannot_be_is_refused_with_why(typed: str, words: str) -> None:
    with pytest.raises(GivenTimeError, match=words.replace("(", r"\(").replace(")", r"\)")):
        parse(typed)


def test_the_field_shows_the_time_as_typed() -> None:
    assert given_time_text(NOW) == "01/07/2026 14:30"


def test_only_who_recorded_it_undoes_it_within_five_minutes() -> None:
    recorded = Recorded("status:responded", "handler", NOW)
    assert why_no_undo(recorded, by="handler", now=NOW + timedelta(minutes=5)) is None
    late = why_no_undo(recorded, by="handler", now=NOW + timedelta(minutes=5, seconds=1))
    assert late is not None and "more than 5 minutes" in late
    other = why_no_undo(recorded, by="night", now=NOW)
    assert other == "Only handler, who recorded it, can undo it."
    assert why_no_undo(None, by="handler", now=NOW) == "There is no milestone to undo."
