"""A due time recorded across a clock change is stored and read back as the same instant, 3 real
hours after the call, on both backends: the hazard log's control H006 (safety/hazards.toml).

In 2026 the clocks go forward on Sunday 29 March at 01:00 GMT and back on Sunday 25 October at
02:00 BST. A crew on scene asks for a Rapid response: due 3 hours after the call is received.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from db.desk import DeskService
from spr_desk.sample_calls import crew_on_scene
from spr_desk.uktime import LONDON, as_local, short_local

CALLS = [
    pytest.param(
        datetime(2026, 3, 29, 0, 30, tzinfo=LONDON),  # 00:30 GMT, before the clocks go forward
        datetime(2026, 3, 29, 3, 30, tzinfo=UTC),
        "04:30",
        id="spring-forward",
    ),
    pytest.param(
        datetime(2026, 10, 25, 0, 30, tzinfo=LONDON),  # 00:30 BST, before the clocks go back
        datetime(2026, 10, 25, 2, 30, tzinfo=UTC),
        "02:30",
        id="autumn-back",
    ),
    pytest.param(
        datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON),  # the second 01:30, in GMT
        datetime(2026, 10, 25, 4, 30, tzinfo=UTC),
        "04:30",
        id="the-repeated-hour",
    ),
]


@pytest.mark.parametrize(("received", "due_utc", "due_clock"), CALLS)
def test_a_rapid_call_across_a_clock_change_is_stored_due_three_real_hours_later(
    desk: DeskService, received: datetime, due_utc: datetime, due_clock: str
) -> None:
    recorded = desk.record_referral(crew_on_scene(received), by="handler1")
    assert recorded.due_at is not None and recorded.due_at == due_utc
    summary = desk.summary(recorded.reference)
    assert summary.due_at is not None and summary.received_at is not None
    assert summary.due_at == due_utc  # the same instant, read back from the database
    assert summary.due_at - summary.received_at == timedelta(hours=3)
    assert as_local(summary.due_at).strftime("%H:%M") == due_clock  # on the UK clock
    assert due_clock in short_local(summary.due_at)
