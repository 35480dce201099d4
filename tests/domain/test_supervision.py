"""The supervisor's figures, from hand-built rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spr_desk.due import DUE_HOURS
from spr_desk.supervision import (
    Breach,
    HeldOverrideRow,
    Override,
    SupervisionRow,
    held_overrides,
    hour_chart,
    percent,
    review,
    review_window,
)
from spr_desk.vocabulary import Response

NOW = datetime(2026, 7, 15, 10, 0, tzinfo=UTC)  # 11:00 BST


def row(reference: str, received_at: datetime, status: str = "closed", **fields) -> SupervisionRow:
    return SupervisionRow(reference=reference, received_at=received_at, status=status, **fields)


def test_today_is_the_uk_local_day_in_summer_time() -> None:
    rows = [
        row("A", datetime(2026, 7, 14, 23, 30, tzinfo=UTC)),  # 00:30 BST on the 15th: today
        row("B", datetime(2026, 7, 14, 22, 59, tzinfo=UTC)),  # 23:59 BST on the 14th: not
        row("C", datetime(2026, 7, 15, 9, 0, tzinfo=UTC)),
    ]
    figures = review(rows, NOW)
    assert figures.today == 2
    assert figures.week == 3


def test_the_last_seven_days_are_today_and_the_six_uk_days_before_from_midnight() -> None:
    """The days the export offers, so its rows and the figure agree (trial problem 45)."""
    rows = [
        row("A", datetime(2026, 7, 8, 23, 0, tzinfo=UTC)),  # 00:00 BST on the 9th: counted
        row("B", datetime(2026, 7, 8, 22, 59, tzinfo=UTC)),  # 23:59 BST on the 8th: not
        row("C", NOW - timedelta(days=7) + timedelta(minutes=1)),  # 11:01 BST on the 8th: not
        row("D", NOW - timedelta(hours=1)),
    ]
    figures = review(rows, NOW)
    assert figures.week == 2
    assert figures.week_start == datetime(2026, 7, 8, 23, 0, tzinfo=UTC)
    assert review_window(NOW) == (datetime(2026, 7, 8, 23, 0, tzinfo=UTC), NOW)


def test_hours_are_uk_local_hours() -> None:
    rows = [
        row("A", datetime(2026, 7, 14, 23, 30, tzinfo=UTC)),  # 00 BST
        row("B", datetime(2026, 7, 15, 7, 10, tzinfo=UTC)),  # 08 BST
        row("C", datetime(2026, 7, 15, 7, 50, tzinfo=UTC)),  # 08 BST
    ]
    hours = review(rows, NOW).by_hour
    assert len(hours) == 24
    assert hours[0] == 1 and hours[8] == 2 and sum(hours) == 3


def test_breaches_are_late_responses_and_those_still_awaiting_past_due() -> None:
    due_past = NOW - timedelta(minutes=5)
    rows = [
        row("LATE", NOW - timedelta(days=1), "responded", response="rapid", response_met=False),
        row("ONTIME", NOW - timedelta(days=1), "responded", response="rapid", response_met=True),
        row("WAIT", NOW - timedelta(hours=4), "recorded", response="rapid", due_at=due_past),
        row("ALLOC", NOW - timedelta(hours=4), "allocated", response="rapid", due_at=due_past),
        row(
            "SOON",
            NOW - timedelta(hours=1),
            "recorded",
            response="rapid",
            due_at=NOW + timedelta(hours=2),
        ),
        # Seen already: its due time no longer breaches.
        row("SEEN", NOW - timedelta(hours=4), "in_service", response="rapid", due_at=due_past),
    ]
    figures = review(rows, NOW)
    assert {b.reference: b.awaiting for b in figures.breaches} == {
        "LATE": False,
        "WAIT": True,
        "ALLOC": True,
    }
    assert Breach("WAIT", "rapid", due_past, awaiting=True) in figures.breaches


def test_an_old_open_referral_counts_in_the_queue_and_as_a_breach_only() -> None:
    old = NOW - timedelta(days=20)
    rows = [
        row("OLD", old, "recorded", response="normal", lead="nurse", due_at=old + timedelta(days=3))
    ]
    figures = review(rows, NOW)
    assert figures.week == 0 and sum(figures.by_hour) == 0
    assert figures.queue_by_lead == (("nurse", 1),)
    assert [b.reference for b in figures.breaches] == ["OLD"]


def test_overrides_differ_from_the_recommendation_and_keep_their_reason() -> None:
    at = NOW - timedelta(hours=2)
    rows = [
        row("SAME", at, response="fast", lead="nurse", rec_response="fast", rec_lead="nurse"),
        row(
            "UP",
            at,
            response="rapid",
            lead="nurse",
            rec_response="fast",
            rec_lead="nurse",
            override_reason="Daughter says worse since noon",
        ),
        row("LEAD", at, response="fast", lead="therapist", rec_response="fast", rec_lead="nurse"),
        row("REDIRECT", at, status="redirected"),
    ]
    figures = review(rows, NOW)  # in order received, then by reference
    assert figures.overrides == (
        Override("LEAD", "fast", "nurse", "fast", "therapist", ""),
        Override("UP", "fast", "nurse", "rapid", "nurse", "Daughter says worse since noon"),
    )


def test_open_queue_by_lead_and_locality() -> None:
    at = NOW - timedelta(hours=2)
    rows = [
        row("A", at, "recorded", lead="nurse", locality="Aylesbury"),
        row("B", at, "allocated", lead="nurse", locality="Wycombe"),
        row("C", at, "in_service", lead="therapist", locality="Aylesbury"),
        row("D", at, "responded", lead=None, locality=None),
        row("E", at, "closed", lead="nurse", locality="Aylesbury"),
        row("F", at, "cancelled", lead="nurse", locality="Aylesbury"),
    ]
    figures = review(rows, NOW)
    assert figures.open_total == 4
    assert figures.queue_by_lead == (("nurse", 2), ("-", 1), ("therapist", 1))
    assert figures.queue_by_locality == (("Aylesbury", 2), ("-", 1), ("Wycombe", 1))


def test_met_in_time_share_per_response_of_those_responded() -> None:
    at = NOW - timedelta(days=1)
    rows = [
        row("R1", at, response="rapid", response_met=True),
        row("R2", at, response="rapid", response_met=True),
        row("R3", at, response="rapid", response_met=False),
        row("R4", at, "recorded", response="rapid"),  # not responded yet: not counted
        row("F1", at, response="fast", response_met=True),
    ]
    shares = {share.response: share for share in review(rows, NOW).met_in_time}
    assert (shares[Response.RAPID].met, shares[Response.RAPID].responded) == (2, 3)
    assert percent(shares[Response.RAPID].share) == "67%"
    assert shares[Response.FAST].share == 1.0
    assert shares[Response.NORMAL].share is None and percent(None) == "-"


def test_outcomes_and_gp_updates_outstanding() -> None:
    at = NOW - timedelta(days=2)
    rows = [
        row("A", at, close_outcome="no_further_services", gp_updated=True),
        row("B", at, close_outcome="no_further_services", gp_updated=False),
        row("C", at, close_outcome="admitted_to_hospital", gp_updated=True),
        row("D", at, close_outcome="declined", gp_updated=False),
        row("E", at, "in_service", gp_updated=False),  # not closed: no update due yet
    ]
    figures = review(rows, NOW)
    assert (figures.closed, figures.no_further_services) == (4, 2)
    assert figures.no_further_services_share == 0.5
    assert figures.gp_updates_outstanding == ("B", "D")


def test_nothing_to_review() -> None:
    figures = review([], NOW)
    assert (figures.today, figures.week, figures.open_total, figures.closed) == (0, 0, 0, 0)
    assert figures.by_hour == (0,) * 24
    assert figures.no_further_services_share is None


def test_hour_chart_reads_without_colour() -> None:
    counts = [0] * 24
    counts[8], counts[9], counts[23] = 12, 6, 1
    lines = hour_chart(counts, 20)
    assert len(lines) == 24
    assert all(len(line) == 20 for line in lines)
    assert lines[8] == "08 " + "█" * 14 + " 12"
    assert lines[9] == "09 " + "█" * 7 + " " * 7 + "  6"
    assert lines[23].startswith("23 █ ")  # a small count still shows
    assert lines[0] == "00 " + " " * 14 + "  0"


def test_hour_chart_of_nothing() -> None:
    assert hour_chart([0] * 24, 10)[5] == "05 " + " " * 5 + " 0"


def test_calls_redirected_to_999_are_counted_today_and_in_the_window() -> None:
    def redirected(
        reference: str, received_at: datetime, outcome: str = "emergency"
    ) -> SupervisionRow:
        return row(reference, received_at, "redirected", rec_outcome=outcome)

    rows = [
        redirected("A", NOW - timedelta(hours=1)),
        redirected("B", NOW - timedelta(days=2)),
        redirected("C", NOW - timedelta(days=8)),  # before the window
        redirected("D", NOW - timedelta(hours=2), outcome="redirect"),  # children's services
        row("E", NOW - timedelta(hours=1), rec_outcome="emergency"),  # recorded, not redirected
    ]
    figures = review(rows, NOW)
    assert (figures.redirected_today, figures.redirected_period, figures.days) == (1, 2, 7)
    assert review(rows, NOW, days=10).redirected_period == 3


def _unsigned(reference: str, rec: str, agreed: str, minutes_ago: int = 0) -> HeldOverrideRow:
    at = NOW - timedelta(minutes=minutes_ago)
    return HeldOverrideRow(reference, at, "hal", at, rec, "nurse", agreed, "nurse", "why")


def test_only_overrides_set_lower_than_the_facts_asked_for_are_held() -> None:
    rows = [
        _unsigned("UP", "normal", "rapid"),
        _unsigned("SAME-CELL", "fast", "fast"),  # the lead changed only
        _unsigned("NORMAL", "fast", "normal", minutes_ago=5),
        _unsigned("FAST", "rapid", "fast", minutes_ago=1),
    ]
    held = held_overrides(rows, DUE_HOURS)
    # Soonest due (as the facts asked) first: the Rapid one, due 3 h after it was received.
    assert [h.reference for h in held] == ["FAST", "NORMAL"]
    assert held[0].asked_due_at == NOW + timedelta(hours=3, minutes=-1)
    assert held[0].time_left(NOW + timedelta(hours=4)) == timedelta(hours=-1, minutes=-1)
